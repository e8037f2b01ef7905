"""Template filters for numbers, money, dates and months (gfss.common.display)."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from gfss.common import display

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """``32 725,83 ₸``"""
    return display.money(value)


@register.filter
def amount(value: Any) -> str:
    """``32 725,83``: money in a column headed in tenge."""
    return display.amount(value)


@register.filter
def number(value: Any, places: int | None = None) -> str:
    return display.number(value, places)


@register.filter
def day(value: Any) -> str:
    """``19.11.2026`` (with the time for an instant)."""
    return display.day(value)


@register.filter
def month(value: Any) -> str:
    """``10.2026``"""
    return display.month(value)


@register.filter
def month_name(value: Any) -> str:
    return display.month_name(value)


@register.filter
def who(user: Any) -> str:
    """Who made a history row: a person by name, a partner system by its registered name
    (its user's own name is an internal key)."""
    if user is None:
        return ""
    client = getattr(user, "partner_client", None)
    if client is not None:
        return _("%(name)s (partner system)") % {"name": client.name}
    return user.get_full_name() or user.username

from django import template
from django.utils.http import urlencode

from reporting.indicators.payers import PayerMonth, payer_monitoring_line

register = template.Library()


@register.filter
def urlencode_dict(query: dict[str, str]) -> str:
    return urlencode(query)


@register.simple_tag
def payer_monitoring(payer_id: int) -> list[PayerMonth]:
    """For ``reporting/_payer_monitoring.html`` (the payer card): the payer's monitoring line."""
    return payer_monitoring_line(payer_id=payer_id)

"""Reads of the registry, filtered by what the user may see."""

from typing import Any

from django.db.models import QuerySet

from gfss.common.exceptions import NotFoundError
from gfss.org.selectors import user_branch, user_reads_all_branches
from participants.models import Payer, Person


def person_list_for_user(*, user: Any) -> QuerySet[Person]:
    """Branch staff see the persons of their own region; central readers see all."""
    queryset = Person.objects.select_related("region").order_by("iin")
    if user_reads_all_branches(user=user) or not hasattr(user, "staff_profile"):
        # Partner systems are limited by their token's scope, not by a branch.
        return queryset
    branch = user_branch(user=user)
    if branch is None or branch.is_central:
        return queryset
    return queryset.filter(region_id=branch.region_id)


def person_get_for_user(*, user: Any, iin: str) -> Person:
    person = person_list_for_user(user=user).filter(iin=iin).first()
    if person is None:
        raise NotFoundError(f"No person with IIN {iin} is visible to you.", code="person_not_found")
    return person


def payer_list_for_user(*, user: Any) -> QuerySet[Payer]:
    queryset = Payer.objects.select_related("region").order_by("idn")
    if user_reads_all_branches(user=user) or not hasattr(user, "staff_profile"):
        return queryset
    branch = user_branch(user=user)
    if branch is None or branch.is_central:
        return queryset
    return queryset.filter(region_id=branch.region_id)

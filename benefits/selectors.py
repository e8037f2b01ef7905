"""Reads of awards."""

from datetime import date

from benefits.models import AwardAmount


def award_amount_on(*, award_id: int, day: date) -> AwardAmount | None:
    """The amount in force on ``day``: the latest ``valid_from`` on or before it."""
    return (
        AwardAmount.objects.filter(award_id=award_id, valid_from__lte=day)
        .order_by("-valid_from", "-id")
        .first()
    )

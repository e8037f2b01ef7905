"""Creating awards and appending to their amount series."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from benefits.models import Award, AwardAmount, BenefitType
from benefits.models.awards import LUMP_SUM_BENEFITS
from benefits.services.amount_chain import awards_revise
from gfss.common.exceptions import ApplicationError
from gfss.common.money import round_kzt
from gfss.org.actors import Actor


@transaction.atomic
def award_create(
    *,
    person: Any,
    benefit: str,
    branch: Any,
    right_date: date,
    assigned_on: date,
    start_date: date,
    end_date: date | None,
    gross: Decimal,
    opv: Decimal,
    actor: Actor | None,
    calculation: dict[str, Any] | None = None,
    application: Any | None = None,
) -> Award:
    """An active award with its first amount (the assignment)."""
    if benefit not in BenefitType.values:
        raise ApplicationError(
            _("No benefit with code %(benefit)s exists.") % {"benefit": repr(benefit)},
            code="benefit_unknown",
        )
    if gross <= 0:
        raise ApplicationError(_("An award needs a positive amount."), code="amount_not_positive")
    award = Award(
        person=person,
        benefit=benefit,
        branch=branch,
        right_date=right_date,
        assigned_on=assigned_on,
        start_date=start_date,
        end_date=end_date,
        lump_sum=benefit in LUMP_SUM_BENEFITS,
        calculation=calculation or {},
        application=application,
    )
    award.full_clean()
    award.save()
    AwardAmount.objects.create(
        award=award,
        valid_from=start_date,
        gross=round_kzt(gross),
        opv=round_kzt(opv),
        net=round_kzt(gross) - round_kzt(opv),
        reason=AwardAmount.Reason.ASSIGNMENT,
        base=round_kzt(gross),
        created_by=actor,
    )
    return award


def award_end_dates_extend(new_ends: dict[int, date]) -> int:
    """Later end dates (a period extension): the old ones stay in the event's applications."""
    awards = [Award(pk=pk, end_date=end) for pk, end in new_ends.items()]
    Award.objects.bulk_update(awards, ["end_date"], batch_size=5000)
    return awards_revise(new_ends)

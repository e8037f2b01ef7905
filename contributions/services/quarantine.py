"""Correcting a quarantined line: the money it carried joins the ledger for the right person.

The document stays as it was received and loaded (its figures are the import's outcome); the
correction is a new ledger line, linked from the quarantined line with who made it and when.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.calculations import FIRST_PERIOD
from contributions.models import KNP_PENALTY, ContributionLine, QuarantinedLine
from gfss.common.exceptions import ApplicationError, ConflictError, NotFoundError
from gfss.org.actors import Actor
from participants.models import Person
from participants.validators import iin_birth_date, iin_sex, validate_iin


def _locked_open_line(*, line_id: int, lines: Any) -> QuarantinedLine:
    line = (
        lines.select_related("document")
        .select_for_update(of=("self",), no_key=True)
        .filter(pk=line_id)
        .first()
    )
    if line is None:
        raise NotFoundError(
            _("No quarantined line %(line_id)s is visible to you.") % {"line_id": line_id},
            code="quarantine_not_found",
        )
    if line.status != QuarantinedLine.Status.OPEN:
        raise ConflictError(
            _("Line %(line_no)s of document %(reference)s is already %(status)s.")
            % {
                "line_no": line.line_no,
                "reference": line.document.reference,
                "status": str(line.get_status_display()).lower(),
            },
            code="quarantine_already_resolved",
        )
    return line


def _valid_iin(iin: str) -> str:
    try:
        validate_iin(iin)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="iin_invalid") from None
    return iin


@transaction.atomic
def quarantined_line_correct(
    *, actor: Actor, line_id: int, lines: Any, iin: str, period: date
) -> ContributionLine:
    """Put a quarantined line's money on the ledger for ``iin`` and ``period``.

    ``lines`` is the queryset of quarantined lines the actor may see (their branch's).
    """
    line = _locked_open_line(line_id=line_id, lines=lines)
    document = line.document
    if line.amount is None or line.amount <= 0:
        raise ApplicationError(
            _("This line carries no money to put on the ledger; it can only be refunded."),
            code="quarantine_amount_not_correctable",
        )
    iin = _valid_iin(iin.strip())
    period = period.replace(day=1)
    if not FIRST_PERIOD <= period <= document.value_date.replace(day=1):
        raise ApplicationError(
            _(
                "The period %(period)s must lie between 01.2005 and the month of payment %(value_date)s."
            )
            % {
                "period": format(period, "%m.%Y"),
                "value_date": format(document.value_date, "%m.%Y"),
            },
            code="period_invalid",
        )
    person, _created = Person.objects.get_or_create(
        iin=iin,
        defaults={
            "surname": line.surname,
            "first_name": line.first_name,
            "patronymic": line.patronymic,
            "birth_date": iin_birth_date(iin),
            "sex": iin_sex(iin),
            "region_id": document.payer.region_id,
        },
    )
    if ContributionLine.objects.filter(document=document, person=person, period=period).exists():
        raise ConflictError(
            _("Document %(reference)s already carries %(period)s for IIN %(iin)s.")
            % {"reference": document.reference, "period": format(period, "%m.%Y"), "iin": iin},
            code="duplicate_line",
        )
    ledger_line = ContributionLine.objects.create(
        document=document,
        person=person,
        payer_id=document.payer_id,
        period=period,
        amount=line.amount,
        kind=ContributionLine.Kind.PENALTY
        if document.knp == KNP_PENALTY
        else ContributionLine.Kind.CONTRIBUTION,
        value_date=document.value_date,
        line_no=line.line_no,
    )
    line.status = QuarantinedLine.Status.CORRECTED
    line.resolved_by = actor
    line.resolved_at = timezone.now()
    line.corrected_line = ledger_line
    line.save(
        update_fields=["status", "resolved_by", "resolved_at", "corrected_line", "updated_at"]
    )
    return ledger_line

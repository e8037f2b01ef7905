"""A small set of books with a row of every kind ``ledger_check`` reads, made by the real
services: a document with a quarantined line, a reversal, an award paid by three runs, then
lowered from its first month (overpayments) and recovered from the fourth run."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from benefits.amounts import split_gross
from benefits.models import Award, AwardAmount
from benefits.services.amount_chain import Link, amount_chain_extend
from benefits.services.awards import award_create
from contributions.models import ContributionLine, PaymentDocument
from contributions.services import contribution_lines_reverse
from gfss.legal.selectors import parameter_value
from payouts.services.payments import payment_run_start
from tests.contributions.documents import document, line_for, load
from tests.factories import PersonFactory, branch
from tests.payouts.conftest import run_to_end


@dataclass(frozen=True)
class Books:
    document: PaymentDocument
    line: ContributionLine
    award: Award


def books_make() -> Books:
    first, second = PersonFactory(), PersonFactory()
    report = load(
        document(
            payer_idn="150540012348",
            lines=[
                line_for(first, "5000.00", date(2024, 5, 1)),
                line_for(second, "7000.00", date(2024, 5, 1)),
                {**line_for(second, "300.00", date(2024, 5, 1)), "iin": "123"},
            ],
        )
    )
    assert report.status == "partially_accepted"
    line = ContributionLine.objects.get(person=first)
    contribution_lines_reverse(amounts={line.pk: Decimal("2000.00")})
    start = date(2024, 1, 1)
    gross = Decimal("100000.00")
    opv, _ = split_gross(
        gross, benefit="job_loss", opv_rate=parameter_value("benefit.opv_rate", on=start)
    )
    award = award_create(
        person=PersonFactory(),
        benefit="job_loss",
        branch=branch("75"),
        right_date=start,
        assigned_on=start,
        start_date=start,
        end_date=date(2024, 7, 1),
        gross=gross,
        opv=opv,
        actor=None,
    )
    for month in (1, 2, 3):
        run_to_end(payment_run_start(period=date(2024, month, 1), actor=None))
    amount_chain_extend(
        {
            award.pk: [
                Link(
                    valid_from=start,
                    reason=AwardAmount.Reason.RECALCULATION,
                    base=Decimal("80000.00"),
                )
            ]
        },
        actor_id=None,
    )
    run_to_end(payment_run_start(period=date(2024, 4, 1), actor=None))
    return Books(document=PaymentDocument.objects.get(lines=line), line=line, award=award)

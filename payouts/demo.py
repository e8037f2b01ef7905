"""Demo money out for `make run`: five years of monthly payment runs, the 2022-2023 events
applied as the fund applied them (after the month they date from was paid, so each settles as
top-ups), and back-dated decisions on e-case awards that turn paid months into overpayments.

Awards old enough for the events come from the registry of the previous system (created
without an e-case, as a data migration would), in Almaty and Astana; everything else goes
through the same services and batch jobs as production.
"""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from benefits.amounts import split_gross
from benefits.demo import demo_life_events_report
from benefits.models import Award, BenefitType
from benefits.services.award_decisions import award_suspend
from benefits.services.awards import award_create
from gfss.common.periods import add_months, month_start
from gfss.jobs.models import BatchRun
from gfss.jobs.services import batchrun_step
from gfss.legal.selectors import parameter_value
from gfss.org.models import Branch
from participants.models import Person
from payouts.models import (
    AwardAccount,
    Overpayment,
    PaymentRun,
    PayoutFile,
    RecalculationEvent,
    Underpayment,
)
from payouts.services.closing import payment_run_close
from payouts.services.event_dry_runs import event_dry_run_start
from payouts.services.events import event_apply_start
from payouts.services.overpayments import repayment_record
from payouts.services.payments import payment_run_start

FIRST_RUN = date(2021, 12, 1)
REGIONS = ("75", "71")


@dataclass(frozen=True)
class DemoPayouts:
    runs: int
    awards: int
    top_ups: int
    overpayments: int
    payout_files: int


def _step(run: BatchRun) -> BatchRun:
    while batchrun_step(run_id=run.pk):
        pass
    run.refresh_from_db()
    return run


def _historic_awards(rng: random.Random) -> list[Award]:
    """Awards the previous system assigned in 2021-2022, for the events of 2022-2023."""
    people = list(Person.objects.filter(death_date__isnull=True).order_by("pk")[:400])
    rng.shuffle(people)
    plan = [
        (BenefitType.DISABILITY, date(2021, 3, 1), None, "84000.00"),
        (BenefitType.BREADWINNER, date(2021, 7, 1), None, "61500.00"),
        (BenefitType.JOB_LOSS, date(2022, 11, 1), date(2023, 3, 1), "72000.00"),
        (BenefitType.CHILDCARE, date(2022, 5, 1), date(2023, 5, 1), "48600.00"),
    ]
    awards = []
    for index in range(24):
        benefit, start, end, gross = plan[index % len(plan)]
        amount = Decimal(gross) + Decimal(rng.randrange(0, 900_000)) / 100
        opv, _ = split_gross(
            amount, benefit=benefit, opv_rate=parameter_value("benefit.opv_rate", on=start)
        )
        region = REGIONS[index % len(REGIONS)]
        awards.append(
            award_create(
                person=people[index],
                benefit=benefit,
                branch=Branch.objects.get(region__code=region),
                right_date=start,
                assigned_on=start,
                start_date=add_months(start, rng.randrange(0, 3)),
                end_date=end,
                gross=amount,
                opv=opv,
                actor=None,
                calculation={"child_birth_date": "2022-05-01"}
                if benefit == BenefitType.CHILDCARE
                else {},
            )
        )
    return awards


def _back_dated_decisions(today: date) -> None:
    """On e-case awards paid for a while: a suspension, and life events the registries
    reported late (a death, a deregistration, a raised degree of disability)."""
    paid = list(
        Award.objects.filter(application__isnull=False, lump_sum=False, payments__isnull=False)
        .select_related("person", "application")
        .distinct()
        .order_by("start_date", "pk")
    )
    if not paid:
        return
    suspended, others = paid[-1], paid[:-1]
    assert suspended.application is not None  # filtered above
    specialist = suspended.application.events.exclude(actor=None).first()
    if specialist is not None and specialist.actor is not None:
        award_suspend(
            actor=specialist.actor,
            award_id=suspended.pk,
            effective_date=max(suspended.start_date, month_start(today)),
            reason="Не явился на переосвидетельствование",
        )
    demo_life_events_report(today=today, awards=others)


def demo_payouts_generate(*, seed: int, today: date) -> DemoPayouts:
    rng = random.Random(seed)
    awards = _historic_awards(rng)
    events: dict[date, list[RecalculationEvent]] = {
        e.effective_date.replace(day=1): [] for e in RecalculationEvent.objects.all()
    }
    for event in RecalculationEvent.objects.order_by("effective_date", "pk"):
        events[event.effective_date.replace(day=1)].append(event)
    period, runs = FIRST_RUN, 0
    current = month_start(today)
    while period <= current:
        _step(payment_run_start(period=period, actor=None))
        runs += 1
        # Each event is applied once the run of its own month has paid (the decrees of 2022
        # came after the month had begun), so its first month settles as a top-up. Its dry
        # run comes first, as staff would look before applying, and its report stays on it.
        for event in events.get(period, []):
            _step(event_dry_run_start(event_id=event.pk, actor=None, horizon=period))
            _step(event_apply_start(event_id=event.pk, actor=None))
        period = add_months(period, 1)
    # Last month is final: closed, with its payout files built for the State Corporation.
    _step(payment_run_close(period=add_months(current, -1), actor=None))
    # Decisions recorded after this month was paid, settled by running the month again.
    _back_dated_decisions(today)
    _step(payment_run_start(period=current, actor=None))
    for account in AwardAccount.objects.filter(balance__gt=0).order_by("award_id")[:1]:
        repayment_record(
            award_id=account.award_id,
            amount=(account.balance / 2).quantize(Decimal("0.01")),
            received_on=today,
            bank_reference=f"KZ{seed:04d}{account.award_id:08d}",
            actor=None,
        )
    return DemoPayouts(
        runs=PaymentRun.objects.count() if runs else 0,
        awards=len(awards),
        top_ups=Underpayment.objects.count(),
        overpayments=Overpayment.objects.count(),
        payout_files=PayoutFile.objects.count(),
    )


_PAID_SQL = """
INSERT INTO payouts_payment (created_at, updated_at, uuid, kind, run_id, award_id, benefit,
    period, gross, opv, net, deduction, payable)
SELECT now(), now(), gen_random_uuid(), 'regular', run.id, a.id, a.benefit, run.period,
       x.gross, x.opv, x.net, 0, x.net
FROM benefits_award a
JOIN benefits_awardamount x ON x.award_id = a.id
JOIN payouts_paymentrun run
  ON run.period >= date_trunc('month', a.start_date)
 AND (CASE WHEN a.lump_sum THEN run.period = date_trunc('month', a.start_date)
           ELSE a.end_date IS NULL OR run.period < a.end_date END)
WHERE a.id > %(after)s AND run.period BETWEEN %(first)s AND %(last)s
"""

_ACCOUNTS_SQL = """
INSERT INTO payouts_awardaccount
    (created_at, updated_at, award_id, balance, top_ups_pending, settled_revision)
SELECT now(), now(), a.id, 0, 0, a.revision FROM benefits_award a WHERE a.id > %(after)s
"""


@transaction.atomic
def demo_payments_bulk(*, after_award: int, today: date, months: int) -> int:
    """The monthly runs of the last ``months`` months for the awards made in bulk (ids above
    ``after_award``) at their one amount, as the runs would have paid them; set-based
    (PostgreSQL). Returns the payment lines made."""
    last = add_months(month_start(today), -1)
    first = add_months(last, 1 - months)
    period = first
    while period <= last:
        PaymentRun.objects.get_or_create(period=period)
        period = add_months(period, 1)
    with connection.cursor() as cursor:
        cursor.execute(_PAID_SQL, {"after": after_award, "first": first, "last": last})
        lines = cursor.rowcount
        cursor.execute(_ACCOUNTS_SQL, {"after": after_award})
        cursor.execute("ANALYZE payouts_payment")
    return lines

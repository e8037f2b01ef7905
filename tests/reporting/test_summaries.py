"""The summaries every report reads hold the figures of the raw ledgers (on SQLite and, with
DATABASE_URL set, on PostgreSQL), and they are rebuilt soon after the data changes."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db.models import Count, Sum

from benefits.models import Award
from contributions.models import ContributionLine, PaymentDocument
from contributions.services import contribution_lines_reverse
from gfss.common.money import round_kzt
from gfss.common.periods import add_months
from gfss.jobs.schedules import SCHEDULE
from gfss.org.models import Region, Role
from payouts.models import Payment
from payouts.services.payments import payment_run_start
from reporting.filters import ReportFilters
from reporting.indicators.benefits import benefit_figures
from reporting.indicators.coverage import coverage_get
from reporting.indicators.payers import falling_payers, monitoring_by_month
from reporting.indicators.receipts import receipts_by_month
from reporting.models import SummaryRefresh
from reporting.summaries import summaries_as_of, summaries_refresh
from tests.contributions.documents import document, line_for, load
from tests.contributions.test_penalties_and_monitoring import falling_payers as falling  # noqa: F401
from tests.factories import PayerFactory, PersonFactory
from tests.payouts.conftest import eager_celery, make_award, run_to_end  # noqa: F401
from tests.reporting.raw_ledger import falling_payers_from_ledger

pytestmark = pytest.mark.django_db

RATE_2024 = Decimal("0.035")


@pytest.fixture
def ledger(falling):  # noqa: F811
    """The monitoring payers of April and May 2024, a person paid by two payers over two years,
    one of whose lines is reversed by a refund."""
    woman = PersonFactory(
        sex="F", birth_date=date(1990, 5, 1), region=Region.objects.get(code="71")
    )
    first, second = PayerFactory(), PayerFactory()
    load(
        document(
            payer_idn=first.idn,
            lines=[
                line_for(woman, "3500.00", date(2023, 11, 1)),
                line_for(woman, "3500.00", date(2024, 4, 1)),
            ],
            value_date=date(2024, 5, 2),
        )
    )
    load(
        document(
            payer_idn=second.idn,
            lines=[line_for(woman, "1750.00", date(2024, 4, 1))],
            value_date=date(2024, 5, 20),
        )
    )
    refunded = ContributionLine.objects.get(person=woman, payer=second)
    contribution_lines_reverse(amounts={refunded.pk: Decimal("1750.00")})
    return woman


def _raw_coverage(year: int) -> dict[str, object]:
    """Participants of the year straight from the lines: months paid for with a positive net."""
    paid: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for person, period, amount in ContributionLine.objects.filter(kind="contribution").values_list(
        "person_id", "period", "amount"
    ):
        paid[person, period] += amount
    months: dict[int, int] = defaultdict(int)
    stazh: dict[int, int] = defaultdict(int)
    income: dict[int, Decimal] = defaultdict(Decimal)
    for (person, period), amount in paid.items():
        if amount <= 0 or period.year > year:
            continue
        stazh[person] += 1
        if period.year == year:
            months[person] += 1
            income[person] += amount / RATE_2024  # every test line is under the cap
    n = len(months)
    return {
        "persons": n,
        "months": Decimal(sum(months.values())) / n,
        "stazh": Decimal(sum(stazh[p] for p in months)) / n,
        "income": round_kzt(sum(income[p] / months[p] for p in months) / n),
    }


def test_the_summaries_hold_the_figures_of_the_raw_ledger(ledger, make_staff) -> None:
    analyst = make_staff(Role.ANALYST)
    # when
    summaries_refresh(trigger="command")
    # then: participants, their months, participation and income
    coverage = coverage_get(ReportFilters(year=2024)).total
    raw = _raw_coverage(2024)
    assert {key: coverage[key] for key in raw} == raw
    assert coverage_get(ReportFilters(year=2023)).total["persons"] == 1
    # the money of each month's documents
    for row in receipts_by_month(ReportFilters(year=2024)):
        documents = PaymentDocument.objects.filter(
            value_date__gte=row["period"], value_date__lt=add_months(row["period"], 1)
        ).aggregate(n=Count("id"), total=Sum("total"))
        assert (row["documents"], row["received"]) == (documents["n"], documents["total"] or 0)
    # the monitoring: every month's count and the month's list as the raw selector says
    counts = {r["period"]: r["payers"] for r in monitoring_by_month(ReportFilters(2024), user=None)}
    for offset in range(12):
        month = add_months(date(2024, 1, 1), offset)
        raw_list = falling_payers_from_ledger(month)
        assert counts.get(month, 0) == len(raw_list), month
        assert falling_payers(user=analyst, month=month) == raw_list
    assert counts[date(2024, 5, 1)] == 1


def test_benefit_summaries_hold_the_awards_and_payments(make_award) -> None:  # noqa: F811
    # given: two awards and the payment runs of March and April 2024
    make_award("disability", start=date(2024, 3, 1), gross="100000.00")
    make_award("childcare", start=date(2024, 3, 1), gross="40000.00")
    for period in (date(2024, 3, 1), date(2024, 4, 1)):
        run_to_end(payment_run_start(period=period, actor=None))
    # when
    summaries_refresh(trigger="command")
    # then
    figures = benefit_figures(ReportFilters(year=2024))
    paid = Payment.objects.aggregate(gross=Sum("gross"), net=Sum("net"))
    assert figures.total["paid"] == paid["gross"] == Decimal("280000.00")
    assert figures.total["paid_net"] == paid["net"]
    assert figures.total["new"] == Award.objects.filter(assigned_on__year=2024).count() == 2
    assert figures.total["recipients"] == 2
    assert benefit_figures(ReportFilters(year=2023)).empty


def test_an_import_rebuilds_the_summaries_once_it_has_committed(
    django_capture_on_commit_callbacks,
    eager_celery,  # noqa: F811
) -> None:
    # given: no summaries yet, and no refresh waiting
    cache.clear()
    assert summaries_as_of() is None
    person = PersonFactory()
    # when: a document is loaded (tasks run inline, as in the demo)
    with django_capture_on_commit_callbacks(execute=True):
        load(
            document(
                payer_idn=PayerFactory().idn,
                lines=[line_for(person, "3500.00", date(2024, 3, 1))],
                value_date=date(2024, 4, 10),
            )
        )
    # then
    refresh = SummaryRefresh.objects.get()
    assert refresh.trigger == "change"
    assert summaries_as_of() == refresh.finished_at
    assert coverage_get(ReportFilters(year=2024)).total["persons"] == 1


def test_the_nightly_rebuild_is_in_the_beat_schedule() -> None:
    tasks = {entry.task: entry for entry in SCHEDULE}
    nightly = tasks["reporting.tasks.summaries_refresh_task"]
    assert (nightly.hour, nightly.minute, nightly.day_of_month) == ("3", "0", "*")


def test_a_refresh_twice_gives_the_same_tables(ledger) -> None:
    summaries_refresh(trigger="command")
    once = coverage_get(ReportFilters(year=2024)).total
    summaries_refresh(trigger="nightly")
    assert coverage_get(ReportFilters(year=2024)).total == once
    assert SummaryRefresh.objects.count() == 2

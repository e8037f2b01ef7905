"""The summary tables every report reads: rebuilt whole by one transaction, nightly (the beat
schedule) and, debounced, soon after the data changes (an import, a reversal, a finished
batch run). Readers keep seeing the previous summaries until the rebuild commits.

One implementation for SQLite (the demo) and PostgreSQL: each table is one ``INSERT … SELECT``
with a ``GROUP BY`` in SQL both understand, or an ORM aggregation whose few grouped rows are
inserted in bulk. The figures equal those computed from the raw ledgers (a test holds them
together on both databases).
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, DecimalField, IntegerField, Min, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, ExtractYear, TruncMonth
from django.utils import timezone

from benefits.models import Award, BenefitType
from contributions.models import ContributionLine, PaymentDocument
from gfss.common.money import ZERO
from gfss.common.outages import broker_send
from gfss.common.periods import add_months, month_start
from reporting.indicators.ages import age_band, age_on
from reporting.indicators.benefits import childcare_topup, first_gross, structures
from reporting.indicators.coverage import band_sql
from reporting.indicators.sql import dated_case, year_of
from reporting.models import (
    AwardSummary,
    CoverageSummary,
    PaidSummary,
    PayerMonthSummary,
    ReceiptSummary,
    StructureSummary,
    SummaryRefresh,
)

logger = logging.getLogger(__name__)

_DECIMAL = DecimalField(max_digits=18, decimal_places=6)
_PENDING = "reporting:summaries-refresh-pending"

# Participants of each year in one pass over the ledger. Income follows rules.md §3.1 as
# ``contributions.calculations.income_by_month`` does: per payer and month, the contributions
# (refund reversals netted) ÷ the rate, capped at the cap × MZP, summed over payers. The
# participation at the end of a year is the running count of months with contributions.
_COVERAGE_SQL = """
WITH payer_month AS (
    SELECT cl.person_id, cl.payer_id, cl.period, SUM(cl.amount) AS amount
    FROM contributions_contributionline cl
    WHERE cl.kind = 'contribution'
    GROUP BY cl.person_id, cl.payer_id, cl.period
    HAVING SUM(cl.amount) > 0
), person_month AS (
    SELECT person_id, {year} AS year,
           SUM(CASE WHEN amount / ({rate}) < ({cap}) * ({mzp}) THEN amount / ({rate})
                    ELSE ({cap}) * ({mzp}) END) AS income
    FROM payer_month GROUP BY person_id, period
), person_year AS (
    SELECT person_id, year, COUNT(*) AS months, SUM(income) / COUNT(*) AS income
    FROM person_month GROUP BY person_id, year
), with_stazh AS (
    SELECT person_id, year, months, income,
           SUM(months) OVER (PARTITION BY person_id ORDER BY year
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stazh
    FROM person_year
)
INSERT INTO reporting_coveragesummary
    (created_at, updated_at, year, region_id, sex, band, persons, months, income,
     birth_years, stazh)
SELECT %s, %s, py.year, p.region_id, p.sex, {band}, COUNT(*), SUM(py.months), SUM(py.income),
       SUM({birth_year}), SUM(py.stazh)
FROM with_stazh py
JOIN participants_person p ON p.id = py.person_id
WHERE py.year >= %s
GROUP BY py.year, p.region_id, p.sex, {band}
"""

# Persons each payer paid contributions for (refunds netted, as for coverage), per month and
# in the month before; ``months`` lists every month from the first in the ledger to this one
# with the month before it, so a payer who paid for nobody in a month still has its row there.
_PAYER_MONTH_SQL = """
WITH paid AS (
    SELECT payer_id, period
    FROM contributions_contributionline
    WHERE kind = 'contribution'
    GROUP BY payer_id, period, person_id
    HAVING SUM(amount) > 0
), counts AS (
    SELECT payer_id, period, COUNT(*) AS persons FROM paid GROUP BY payer_id, period
), months (period, previous) AS (VALUES {months})
INSERT INTO reporting_payermonthsummary
    (created_at, updated_at, payer_id, period, persons, previous)
SELECT %s, %s, payer_id, period, SUM(persons), SUM(previous)
FROM (
    SELECT c.payer_id, c.period, c.persons, 0 AS previous FROM counts c
    UNION ALL
    SELECT c.payer_id, m.period, 0 AS persons, c.persons AS previous
    FROM counts c JOIN months m ON m.previous = c.period
) paid
GROUP BY payer_id, period
"""

# Compulsory social insurance began in 2005: a report is for a year from then on.
FIRST_YEAR = 2005


def _execute(sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _coverage(now: datetime) -> int:
    sql = _COVERAGE_SQL.format(
        year=year_of("period"),
        rate=dated_case("so.rate", "period"),
        cap=dated_case("so.object_cap_mzp", "period"),
        mzp=dated_case("mzp", "period"),
        band=band_sql("py.income"),
        birth_year=year_of("p.birth_date"),
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    return _execute(sql, [stamp, stamp, FIRST_YEAR])


def _payer_months(now: datetime, *, today: date) -> int:
    first = ContributionLine.objects.aggregate(first=Min("period"))["first"]
    if first is None:
        return 0
    months, month, last = [], month_start(first), month_start(today)
    while month <= last:
        months.append((add_months(month, 1), month))
        month = add_months(month, 1)
    sql = _PAYER_MONTH_SQL.format(months=", ".join(["(%s, %s)"] * len(months)))
    params = [value for pair in months for value in pair]
    stamp = connection.ops.adapt_datetimefield_value(now)
    return _execute(sql, [*params, stamp, stamp])


def _receipts(now: datetime) -> int:
    rows = (
        PaymentDocument.objects.annotate(month=TruncMonth("value_date"))
        .values("month", "payer__region_id", "knp")
        .annotate(
            documents=Count("id"),
            total=Sum("total", default=ZERO),
            accepted=Sum("amount_accepted", default=ZERO),
        )
    )
    summaries = [
        ReceiptSummary(
            created_at=now,
            updated_at=now,
            month=row["month"].date() if hasattr(row["month"], "date") else row["month"],
            region_id=row["payer__region_id"],
            knp=row["knp"],
            documents=row["documents"],
            total=row["total"],
            accepted=row["accepted"],
        )
        for row in rows
    ]
    ReceiptSummary.objects.bulk_create(summaries, batch_size=5000)
    return len(summaries)


# Payments by run month and their award's group: the award's age band is computed once per award
# (in the CTE), not once per payment line.
_PAID_SQL = """
WITH award_group (id, region_id, sex, band) AS ({awards})
INSERT INTO reporting_paidsummary
    (created_at, updated_at, period, benefit, region_id, sex, band, gross, net, lines)
SELECT %s, %s, r.period, p.benefit, a.region_id, a.sex, a.band, SUM(p.gross), SUM(p.net),
       COUNT(*)
FROM payouts_payment p
JOIN payouts_paymentrun r ON r.id = p.run_id
JOIN award_group a ON a.id = p.award_id
GROUP BY r.period, p.benefit, a.region_id, a.sex, a.band
"""


def _paid(now: datetime) -> int:
    awards, params = (
        _awards_banded()
        .values_list("id", "branch__region_id", "person__sex", "band")
        .order_by()
        .query.sql_with_params()
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    return _execute(_PAID_SQL.format(awards=awards), [*params, stamp, stamp])


_AWARD_KEYS = ("benefit", "branch__region_id", "person__sex", "band")


def _awards_banded() -> Any:
    return Award.objects.annotate(age=age_on("right_date", "person__birth_date")).annotate(
        band=age_band("age")
    )


def _in_payment(first: date, end: date) -> Q:
    """Awards paying in some month of [first, end); a lump sum in the year of its start."""
    monthly = (
        Q(lump_sum=False, start_date__lt=end)
        & (Q(end_date__isnull=True) | Q(end_date__gt=first))
        & (Q(terminated_on__isnull=True) | Q(terminated_on__gte=first))
    )
    lump = Q(lump_sum=True, start_date__gte=first, start_date__lt=end)
    return monthly | lump


def _awards(now: datetime, *, today: date) -> int:
    summaries: dict[tuple[Any, ...], AwardSummary] = {}

    def summary(year: int, row: dict[str, Any]) -> AwardSummary:
        key = (year, *(row[k] for k in _AWARD_KEYS))
        if key not in summaries:
            summaries[key] = AwardSummary(
                created_at=now,
                updated_at=now,
                year=year,
                benefit=row["benefit"],
                region_id=row["branch__region_id"],
                sex=row["person__sex"],
                band=row["band"],
            )
        return summaries[key]

    new_rows = (
        _awards_banded()
        .filter(assigned_on__year__gte=FIRST_YEAR)
        .annotate(
            year=ExtractYear("assigned_on"),
            first_gross=first_gross(),
            income=Cast(KT("calculation__avg_monthly_income"), _DECIMAL),
            stazh=Cast(KT("calculation__stazh_months"), IntegerField()),
        )
        .values("year", *_AWARD_KEYS)
        .annotate(
            n=Count("id"),
            award_sum=Sum("first_gross", default=ZERO),
            income_sum=Sum("income", default=ZERO),
            age_sum=Sum("age", default=0),
            stazh_sum=Sum("stazh", default=0),
            stazh_n=Count("stazh"),
        )
    )
    for row in new_rows:
        item = summary(int(row["year"]), row)
        item.new = row["n"]
        item.award_sum = row["award_sum"]
        item.income_sum = row["income_sum"]
        item.age_sum = int(row["age_sum"])
        item.stazh_sum = int(row["stazh_sum"])
        item.stazh_n = row["stazh_n"]
    first = Award.objects.aggregate(first=Min("start_date"))["first"]
    for year in range(max(first.year, FIRST_YEAR) if first else today.year + 1, today.year + 1):
        rows = (
            _awards_banded()
            .filter(_in_payment(date(year, 1, 1), date(year + 1, 1, 1)))
            .values(*_AWARD_KEYS)
            .annotate(n=Count("person_id", distinct=True))
        )
        for row in rows:
            summary(year, row).recipients = row["n"]
    AwardSummary.objects.bulk_create(summaries.values(), batch_size=5000)
    return len(summaries)


def _structures(now: datetime) -> int:
    """The year's new awards by the bands of their benefit's structure, and the childcare
    top-ups, by region: a few grouped queries over the awards, a handful of rows each."""
    new = (
        Award.objects.filter(assigned_on__year__gte=FIRST_YEAR)
        .annotate(year=ExtractYear("assigned_on"))
        .order_by()
    )
    summaries = []
    for benefit, structure in structures().items():
        # One count per band, named b0, b1…: plain dicts (the stubs see only the grouping).
        rows: list[dict[str, Any]] = [
            dict(row)
            for row in new.filter(benefit=benefit)
            .annotate(value=structure.value)
            .values("year", "branch__region_id")
            .annotate(
                **{f"b{i}": Count("id", filter=q) for i, (_l, q) in enumerate(structure.bands)}
            )
        ]
        summaries += [
            StructureSummary(
                created_at=now,
                updated_at=now,
                year=row["year"],
                benefit=benefit,
                region_id=row["branch__region_id"],
                band=i,
                awards=row[f"b{i}"],
            )
            for row in rows
            for i in range(len(structure.bands))
            if row[f"b{i}"]
        ]
    lifted = Q(topup__gte=Decimal("0.01"))
    topups = (
        new.filter(benefit=BenefitType.CHILDCARE)
        .annotate(topup=childcare_topup())
        .values("year", "branch__region_id")
        .annotate(
            n=Count("id"),
            topped_up=Count("id", filter=lifted),
            topup_sum=Sum("topup", filter=lifted, default=ZERO),
        )
    )
    summaries += [
        StructureSummary(
            created_at=now,
            updated_at=now,
            year=row["year"],
            benefit=BenefitType.CHILDCARE,
            region_id=row["branch__region_id"],
            band=0,
            awards=row["n"],
            topped_up=row["topped_up"],
            topup_sum=row["topup_sum"],
        )
        for row in topups
    ]
    StructureSummary.objects.bulk_create(summaries, batch_size=5000)
    return len(summaries)


@transaction.atomic
def summaries_refresh(*, trigger: str, today: date | None = None) -> SummaryRefresh:
    """Rebuild every summary table from the ledgers, in one transaction."""
    today = today or timezone.localdate()
    started = timezone.now()
    for model in (
        CoverageSummary,
        ReceiptSummary,
        AwardSummary,
        StructureSummary,
        PaidSummary,
        PayerMonthSummary,
    ):
        model.objects.all().delete()
    rows = (
        _coverage(started)
        + _receipts(started)
        + _awards(started, today=today)
        + _structures(started)
        + _paid(started)
        + _payer_months(started, today=today)
    )
    refresh = SummaryRefresh.objects.create(
        trigger=trigger, started_at=started, finished_at=timezone.now(), rows=rows
    )
    logger.info(
        "summaries refreshed trigger=%s rows=%s seconds=%.1f",
        trigger,
        rows,
        (refresh.finished_at - started).total_seconds(),
    )
    return refresh


def summaries_as_of() -> datetime | None:
    """When the summaries the pages read were built; None before the first refresh."""
    return (
        SummaryRefresh.objects.order_by("-finished_at")
        .values_list("finished_at", flat=True)[:1]
        .first()
    )


# --- refresh soon after a change ----------------------------------------------------------

_paused = threading.local()


@contextmanager
def summaries_paused() -> Iterator[None]:
    """No refresh on each change inside (a bulk load refreshes once at its end)."""
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = False


def summaries_refresh_soon(**_kwargs: Any) -> None:
    """The receiver of ``gfss.common.signals.data_changed``: one refresh a few minutes after
    the first change (changes meanwhile ride along), queued once the change has committed."""
    if getattr(_paused, "on", False):
        return
    delay = settings.REPORTING_REFRESH_DELAY
    # The flag outlives the wait a little so that a slow queue does not start a second run.
    if not cache.add(_PENDING, True, timeout=delay + 60):
        return

    def enqueue() -> None:
        from reporting.tasks import summaries_refresh_task

        sent = broker_send(
            lambda: summaries_refresh_task.apply_async(
                kwargs={"trigger": "change"}, countdown=delay
            ),
            what="summaries refresh",
        )
        if not sent:
            # The next change tries again; the nightly rebuild catches up meanwhile.
            cache.delete(_PENDING)

    transaction.on_commit(enqueue)


def summaries_refresh_started() -> None:
    """A refresh begins: changes from now on call for the next one."""
    cache.delete(_PENDING)

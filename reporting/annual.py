"""The annual report for a year: domain.md's tables in their order and shape (coverage,
money in, each benefit's figures, services and deadlines, refunds, arrears and monitoring),
with our figures."""

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gfss.org.actors import Reader
from reporting.filters import FIRST_YEAR, ReportFilters
from reporting.indicators.benefits import (
    BENEFIT_COLUMNS,
    BENEFIT_GROUPS,
    benefit_figures,
    benefit_group_label,
    childcare_topups,
)
from reporting.indicators.coverage import coverage_get
from reporting.indicators.payers import arrears_by_region, monitoring_by_month
from reporting.indicators.receipts import receipts_by_month
from reporting.indicators.refunds import refund_tables
from reporting.indicators.services import service_figures
from reporting.summaries import summaries_as_of
from reporting.tables import BY_ROW, COUNT, MONEY, NUMBER, PERCENT, TEXT, Column, Table, share

_INDICATOR = Column("indicator", gettext_lazy("Indicator"), TEXT)
_VALUE = Column("value", gettext_lazy("Value"), BY_ROW)


def _row(indicator: str, value: Any, kind: str) -> dict[str, Any]:
    return {"indicator": indicator, "value": value, "kind": kind}


@dataclass
class AnnualReport:
    filters: ReportFilters
    tables: list[Table]
    has_data: bool
    as_of: Any


def _coverage(filters: ReportFilters) -> tuple[Table, bool]:
    c = coverage_get(filters).total
    rows = [
        _row(_("Participants with at least one contribution in the year"), c["persons"], COUNT),
        _row(_("of them men"), c["men"], COUNT),
        _row(_("of them women"), c["women"], COUNT),
        _row(_("Employed population"), c["employed"], COUNT),
        _row(_("Share of the employed covered, %"), c["coverage"], PERCENT),
        _row(_("Average age of a participant"), c["age"], NUMBER),
        _row(_("Average participation in the system, months"), c["stazh"], NUMBER),
        _row(_("Average monthly income, tenge"), c["income"], MONEY),
        _row(_("Average number of months with contributions a year"), c["months"], NUMBER),
        _row(_("Participants with an income of at most 120,000 tenge"), c["low_income"], COUNT),
    ]
    table = Table(
        slug="annual-coverage",
        title=_("Coverage on 1 January %(next)s") % {"next": filters.year + 1},
        columns=(_INDICATOR, _VALUE),
        rows=rows,
    )
    return table, bool(c["persons"])


def _receipts(filters: ReportFilters) -> tuple[Table, bool]:
    months = receipts_by_month(filters)
    received = sum((m["received"] for m in months), Decimal(0))
    penalties = sum((m["penalties"] for m in months), Decimal(0))
    before = Decimal(0)
    if filters.year > FIRST_YEAR:
        before = sum(
            (m["received"] for m in receipts_by_month(replace(filters, year=filters.year - 1))),
            Decimal(0),
        )
    growth = share(received - before, before) if before else None
    rows = [
        _row(_("Receipts including penalties, tenge"), received, MONEY),
        _row(_("of them penalties (KNP 017), tenge"), penalties, MONEY),
        _row(_("Change on the previous year, %"), growth, PERCENT),
        _row(_("Payment documents"), sum(m["documents"] for m in months), COUNT),
    ]
    table = Table(
        slug="annual-receipts",
        title=_("Money in: social contributions"),
        columns=(_INDICATOR, _VALUE),
        rows=rows,
    )
    return table, bool(months)


def _benefits(filters: ReportFilters) -> tuple[list[Table], bool]:
    data = benefit_figures(filters)
    rows = [
        {"benefit": benefit_group_label(g), **data.by_group[g]} for g, _members in BENEFIT_GROUPS
    ]
    figures = Table(
        slug="annual-benefits",
        title=_("%(year)s figures by benefit") % {"year": filters.year},
        columns=(Column("benefit", gettext_lazy("Benefit"), TEXT), *BENEFIT_COLUMNS),
        rows=rows,
        total={"benefit": _("All"), **data.total},
    )
    topups = childcare_topups(filters)
    childcare = Table(
        slug="annual-childcare",
        title=_("Childcare: top-ups to the state allowance"),
        columns=(_INDICATOR, _VALUE),
        rows=[
            _row(_("New childcare awards"), topups["awards"], COUNT),
            _row(_("of them topped up to the state allowance"), topups["topped_up"], COUNT),
            _row(_("Share topped up, %"), topups["share"], PERCENT),
            _row(_("Top-ups a month, tenge"), topups["monthly_topup"], MONEY),
        ],
    )
    return [figures, childcare], not data.empty


def _services(filters: ReportFilters, *, coverage_share: Decimal | None) -> Table:
    s = service_figures(filters)["total"]
    rows = [
        _row(_("Applications for a benefit received"), s["received"], COUNT),
        _row(_("of them assigned"), s["assigned"], COUNT),
        _row(_("of them refused"), s["refused"], COUNT),
        _row(_("Decisions within 4 working days, %"), s["decided_on_time_share"], PERCENT),
        _row(_("Services within their deadline, %"), s["rendered_on_time_share"], PERCENT),
        _row(_("Rendered electronically (portal, proactive), %"), s["electronic_share"], PERCENT),
        _row(_("KPI: share of the employed covered, %"), coverage_share, PERCENT),
        _row(_("Contribution statements rendered"), _("not in the data"), TEXT),
    ]
    return Table(
        slug="annual-services",
        title=_("The state services and their deadlines"),
        columns=(_INDICATOR, _VALUE),
        rows=rows,
    )


def _refunds(filters: ReportFilters) -> Table:
    return refund_tables(filters)[0]


def _payers(filters: ReportFilters, *, user: Reader) -> Table:
    arrears = arrears_by_region(filters, user=user)
    monitoring = monitoring_by_month(filters, user=user)
    months = [m["payers"] for m in monitoring]
    rows = [
        _row(_("Payers owing penalties (today)"), sum(r["payers"] for r in arrears), COUNT),
        _row(
            _("Penalties owed (today), tenge"),
            sum((r["owed"] for r in arrears), Decimal(0)),
            MONEY,
        ),
        _row(
            _("Payers whose participants fell by half or more, a month on average"),
            Decimal(sum(months)) / len(months) if months else None,
            NUMBER,
        ),
        _row(_("the same, the most in a month"), max(months, default=None), COUNT),
    ]
    return Table(
        slug="annual-payers",
        title=_("Arrears and the monitoring of payers"),
        columns=(_INDICATOR, _VALUE),
        rows=rows,
    )


def annual_report_get(filters: ReportFilters, *, user: Reader) -> AnnualReport:
    coverage, has_coverage = _coverage(filters)
    receipts, has_receipts = _receipts(filters)
    benefits, has_benefits = _benefits(filters)
    coverage_share = next(r["value"] for r in coverage.rows if r["kind"] == PERCENT)
    tables = [
        coverage,
        receipts,
        *benefits,
        _services(filters, coverage_share=coverage_share),
        _refunds(filters),
        _payers(filters, user=user),
    ]
    return AnnualReport(
        filters=filters,
        tables=tables,
        has_data=has_coverage or has_receipts or has_benefits,
        as_of=summaries_as_of(),
    )

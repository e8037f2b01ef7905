"""The sections of the dashboard and of the annual report, and which section holds each
table, so that an export computes only the section of the table it exports."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from gfss.org.actors import Reader
from reporting.filters import ReportFilters
from reporting.indicators.benefits import benefit_tables
from reporting.indicators.coverage import coverage_get, coverage_tables
from reporting.indicators.payers import payer_tables
from reporting.indicators.receipts import receipts_tables
from reporting.indicators.refunds import refund_tables
from reporting.indicators.services import service_tables
from reporting.tables import Table


def _services(filters: ReportFilters, user: Reader) -> list[Table]:
    return service_tables(filters, coverage_share=coverage_get(filters).total["coverage"])


@dataclass(frozen=True)
class Section:
    slug: str
    title: Any
    build: Callable[[ReportFilters, Any], list[Table]]
    tables: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "coverage",
        _("Participants"),
        lambda f, _u: coverage_tables(f),
        ("coverage", "income-bands"),
    ),
    Section("receipts", _("Money in"), lambda f, _u: receipts_tables(f), ("receipts",)),
    Section(
        "benefits",
        _("Money out: the benefits"),
        lambda f, _u: benefit_tables(f),
        (
            "benefits",
            "benefits-by-region",
            "benefits-by-age",
            "childcare-topups",
            "disability-degree",
            "job-loss-months",
        ),
    ),
    Section(
        "services", _("Services, deadlines and KPI"), _services, ("services", "channels", "kpi")
    ),
    Section("refunds", _("Refunds"), lambda f, _u: refund_tables(f), ("refunds",)),
    Section(
        "payers",
        _("Arrears and monitoring"),
        lambda f, u: payer_tables(f, user=u),
        ("arrears", "monitoring"),
    ),
)


def section_for_table(slug: str) -> Section | None:
    return next((s for s in SECTIONS if slug in s.tables), None)


def table_get(slug: str, *, filters: ReportFilters, user: Reader) -> Table | None:
    section = section_for_table(slug)
    if section is None:
        return None
    return next((t for t in section.build(filters, user) if t.slug == slug), None)

"""Staff pages: the home dashboard (the work counters), the analytical dashboard, the annual
report, and the exports of every table."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.models import BenefitType
from contributions.exceptions import PeriodInvalid
from contributions.periods import period_from_text
from gfss.common.periods import add_months
from gfss.common.replica import replica_reads
from gfss.org import access
from gfss.org.access import Subject
from gfss.org.actors import Reader
from gfss.org.decorators import reads_required, staff_required
from gfss.org.models import Region
from gfss.org.selectors import staff_profile_get
from reporting.access import report_region_limit, user_reads_reports
from reporting.annual import annual_report_get
from reporting.catalog import SECTIONS, table_get
from reporting.charts import chart_svg
from reporting.exports import falling_payers_xlsx, table_csv, table_xlsx
from reporting.filters import ReportFilterInvalid, report_filters_parse
from reporting.forecast import forecast_get
from reporting.indicators.payers import (
    falling_payers,
    large_payer_participants,
    latest_due_month,
)
from reporting.pdf import annual_report_pdf
from reporting.summaries import summaries_as_of

# The tables that say whether the year has data at all (the KPI table always has its rows).
DATA_TABLES = {"coverage", "receipts", "benefits"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    profile = staff_profile_get(user=request.user)
    tiles = []
    if access.reads(request.user, access.Subject.CASE):
        from benefits.selectors import application_counters

        counters = application_counters(user=request.user, today=timezone.localdate())
        queue = reverse("benefits:queue")
        tiles = [
            {"url": queue, "value": counters["open"], "label": _("Open e-cases")},
            {"url": f"{queue}?overdue=1", "value": counters["overdue"], "label": _("Overdue")},
            {
                "url": f"{queue}?status=awaiting_confirmation",
                "value": counters["awaiting"],
                "label": _("Waiting for confirmation"),
            },
        ]
    if access.may(request.user, access.Action.DECIDE_REFUND):
        from refunds.selectors import refund_counters

        counters = refund_counters(user=request.user, today=timezone.localdate())
        refunds = reverse("refunds:list")
        tiles += [
            {
                "url": f"{refunds}?status=checked",
                "value": counters["to_decide"],
                "label": _("Refunds to decide"),
            },
            {
                "url": f"{refunds}?status=decided",
                "value": counters["to_confirm"],
                "label": _("Refunds to confirm"),
            },
            {
                "url": f"{refunds}?status=approved",
                "value": counters["to_order"],
                "label": _("Refunds to order"),
            },
            {
                "url": f"{refunds}?overdue=1",
                "value": counters["overdue"],
                "label": _("Overdue refunds"),
            },
        ]
    return render(
        request,
        "reporting/home.html",
        {
            "profile": profile,
            "tiles": tiles,
            "reads_reports": user_reads_reports(user=request.user),
        },
    )


def _filter_choices(request: HttpRequest, *, benefit: bool = True) -> dict[str, Any]:
    limit = report_region_limit(user=request.user)
    today = timezone.localdate()
    return {
        "years": list(range(today.year, 2004, -1)),
        "regions": [limit] if limit is not None else list(Region.objects.order_by("code")),
        "region_fixed": limit is not None,
        "benefits": BenefitType.choices if benefit else [],
        "asked": request.GET,
        "as_of": summaries_as_of(),
    }


@reads_required(Subject.REPORT)
@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    context = _filter_choices(request)
    try:
        filters = report_filters_parse(request.GET, user=request.user)
    except ReportFilterInvalid as invalid:
        return render(
            request, "reporting/dashboard.html", {**context, "error": invalid.message}, status=400
        )
    sections = []
    for section in SECTIONS:
        tables = section.build(filters, request.user)
        sections.append(
            {
                "slug": section.slug,
                "title": section.title,
                "tables": [{"table": t, "svg": chart_svg(t)} for t in tables],
            }
        )
    return render(
        request,
        "reporting/dashboard.html",
        {
            **context,
            "filters": filters,
            "query": filters.query(),
            "sections": sections,
            "empty": all(
                t["table"].is_empty
                for s in sections
                for t in s["tables"]
                if t["table"].slug in DATA_TABLES
            ),
        },
    )


def _table_get(slug: str, *, filters: Any, user: Reader) -> Any:
    """A table of the dashboard, of the annual report or of the forecast, by its slug."""
    if slug.startswith("annual-"):
        tables = annual_report_get(filters, user=user).tables
    elif slug.startswith("forecast-"):
        tables = forecast_get(region=report_region_limit(user=user)).tables
    else:
        return table_get(slug, filters=filters, user=user)
    return next((t for t in tables if t.slug == slug), None)


@reads_required(Subject.REPORT)
@replica_reads
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    try:
        filters = report_filters_parse(request.GET, user=request.user)
    except ReportFilterInvalid as invalid:
        return HttpResponse(invalid.message, status=400, content_type="text/plain; charset=utf-8")
    table = _table_get(slug, filters=filters, user=request.user)
    if table is None or fmt not in {"csv", "xlsx"}:
        raise Http404
    name = f"{slug}-{filters.year}{'-' + filters.region.code if filters.region else ''}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            table_csv(table), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(table_xlsx(table, filters=filters), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@reads_required(Subject.REPORT)
@replica_reads
def annual_report(request: HttpRequest) -> HttpResponse:
    context = _filter_choices(request, benefit=False)
    try:
        filters = report_filters_parse(request.GET, user=request.user, benefit=False)
    except ReportFilterInvalid as invalid:
        return render(
            request, "reporting/annual.html", {**context, "error": invalid.message}, status=400
        )
    report = annual_report_get(filters, user=request.user)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(annual_report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="annual-report-{filters.year}.pdf"'
        return response
    return render(
        request,
        "reporting/annual.html",
        {**context, "filters": filters, "query": filters.query(), "report": report},
    )


@reads_required(Subject.REPORT)
@replica_reads
def forecast(request: HttpRequest) -> HttpResponse:
    region = report_region_limit(user=request.user)
    result = forecast_get(region=region)
    return render(
        request,
        "reporting/forecast.html",
        {
            "forecast": result,
            "region": region,
            "as_of": summaries_as_of(),
            "tables": [{"table": t, "svg": chart_svg(t)} for t in result.tables],
            "edits_assumptions": request.user.has_perm("reporting.change_forecastscenario"),
        },
    )


MONITORING_MONTHS_BACK = 36


@reads_required(Subject.PAYER)
@replica_reads
def monitoring(request: HttpRequest) -> HttpResponse:
    """The payers whose participants fell by half in a month, from the payer-month summary."""
    default_month = latest_due_month(timezone.localdate())
    month_text = request.GET.get("month", "").strip() or f"{default_month:%Y-%m}"
    region = request.GET.get("region", "").strip()
    # The months offered by their names, the latest due first: a month typed as text would be
    # written in no language.
    months = [add_months(default_month, -shift) for shift in range(MONITORING_MONTHS_BACK)]
    context: dict[str, Any] = {
        "months": months,
        "month": month_text,
        "region": region,
        "regions": Region.objects.order_by("code"),
    }
    try:
        month = period_from_text(month_text, field="month")
    except PeriodInvalid as invalid:
        context["error"] = invalid.message
        return render(request, "contributions/monitoring.html", context, status=400)
    if month not in months:
        context["months"] = sorted({*months, month}, reverse=True)
    rows = falling_payers(user=request.user, month=month, region_code=region or None)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(falling_payers_xlsx(rows, month_text=month_text), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="payers-falling-{month_text}.xlsx"'
        return response
    context.update(
        rows=rows,
        chosen=month,
        threshold=large_payer_participants(month),
        as_of=summaries_as_of(),
    )
    return render(request, "contributions/monitoring.html", context)

"""The report indicators for the ministry's systems (a ``reports`` token) and for staff: each
table of the dashboard, with the dashboard's filters, its numbers typed as in the exports."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from benefits.models import BenefitType
from contributions.periods import period_from_text
from gfss.api.permissions import Subject, reads
from gfss.api.schema import ERRORS
from gfss.common.exceptions import NotFoundError
from gfss.common.replica import replica_reads
from reporting.catalog import SECTIONS, table_get
from reporting.exports import typed_rows
from reporting.filters import report_filters_parse
from reporting.indicators.payers import falling_payers
from reporting.summaries import summaries_as_of

TABLES = [slug for section in SECTIONS for slug in section.tables]

_FILTERS = [
    OpenApiParameter(
        "year", OpenApiTypes.INT, description="From 2005 to this year; default this year"
    ),
    OpenApiParameter(
        "region", OpenApiTypes.STR, description="A region code (e.g. 75); default all"
    ),
    OpenApiParameter(
        "benefit", OpenApiTypes.STR, enum=BenefitType.values, description="Default all"
    ),
]
_TABLE = inline_serializer(
    "ReportTable",
    {
        "table": serializers.CharField(),
        "title": serializers.CharField(),
        "year": serializers.IntegerField(),
        "region": serializers.CharField(allow_null=True),
        "benefit": serializers.CharField(allow_null=True),
        "as_of": serializers.DateTimeField(),
        "columns": serializers.ListField(child=serializers.DictField()),
        "rows": serializers.ListField(child=serializers.DictField()),
        "total": serializers.DictField(allow_null=True),
    },
)


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


class ReportTableListApi(APIView):
    permission_classes = [reads(Subject.REPORT)]

    @extend_schema(
        operation_id="reports_list",
        summary="The report tables",
        responses={
            200: inline_serializer("ReportTables", {"tables": serializers.ListField()}),
            **ERRORS,
        },
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        return Response(
            {
                "tables": [
                    {"table": slug, "section": section.slug}
                    for section in SECTIONS
                    for slug in section.tables
                ]
            }
        )


class ReportTableApi(APIView):
    permission_classes = [reads(Subject.REPORT)]

    @extend_schema(
        operation_id="reports_table",
        summary="One report table",
        description=(
            "Money as decimal strings with two places, shares (per cent) and averages with one, "
            "counts as integers; null where a figure is not in the data. An unknown year, "
            "region or benefit is a 400 with code report_filter_invalid."
        ),
        parameters=[
            OpenApiParameter("table", OpenApiTypes.STR, OpenApiParameter.PATH, enum=TABLES),
            *_FILTERS,
        ],
        responses={200: _TABLE, **ERRORS},
    )
    @replica_reads
    def get(self, request: Request, table: str) -> Response:
        filters = report_filters_parse(request.query_params, user=request.user)
        found = table_get(table, filters=filters, user=request.user) if table in TABLES else None
        if found is None:
            raise NotFoundError(
                _("There is no report table %(table)s.") % {"table": repr(table)},
                code="report_unknown",
            )
        keys = [c.key for c in found.columns]
        rows = [dict(zip(keys, map(_json, row), strict=True)) for row in typed_rows(found)]
        total = rows.pop() if found.total else None
        return Response(
            {
                "table": found.slug,
                "title": str(found.title),
                "year": filters.year,
                "region": filters.region.code if filters.region else None,
                "benefit": filters.benefit,
                "as_of": summaries_as_of(),
                "columns": [
                    {"key": c.key, "label": str(c.label), "kind": c.kind} for c in found.columns
                ],
                "rows": rows,
                "total": total,
            }
        )


class FallingPayerOutputSerializer(serializers.Serializer):
    idn = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(source="region.code", default=None)
    participants_before = serializers.IntegerField()
    participants_now = serializers.IntegerField()
    fall_percent = serializers.DecimalField(max_digits=5, decimal_places=1)


class FallingPayerListApi(APIView):
    """The monitoring list of a month, read from the payer-month summary."""

    permission_classes = [reads(Subject.PAYER)]

    @extend_schema(
        summary="Payers whose participants fell by half or more (monitoring, domain.md)",
        parameters=[
            OpenApiParameter("month", str, description="month M, YYYY-MM", required=True),
            OpenApiParameter("region", str, description="region code"),
        ],
        responses={200: FallingPayerOutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        month = period_from_text(request.query_params.get("month", ""), field="month")
        rows = falling_payers(
            user=request.user, month=month, region_code=request.query_params.get("region")
        )
        return Response(FallingPayerOutputSerializer(rows, many=True).data)

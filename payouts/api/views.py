"""Money out over the API: the payout files of closed months and their registers for the
State Corporation (scope ``payouts``; staff whose role reads payout files, gfss.org.access),
and an award's account month by month for those who read the award.
"""

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from benefits.selectors import award_get_for_user
from gfss.api.permissions import Subject, reads
from gfss.api.schema import ERRORS
from gfss.common.periods import month_start, parse_period
from payouts.api.serializers import AwardMonthsOutputSerializer, PayoutFileOutputSerializer
from payouts.models import PaymentRun, PayoutFile
from payouts.registers import document_filename, payout_register_csv, register_filename
from payouts.selectors import award_balance

PERMISSIONS = [reads(Subject.PAYOUT_FILE)]


def _ready_files() -> QuerySet[PayoutFile]:
    """Files of closed months whose building finished (a file without a hash is not ready)."""
    return (
        PayoutFile.objects.filter(run__status=PaymentRun.Status.CLOSED)
        .exclude(sha256="")
        .select_related("run")
        .order_by("-run__period", "benefit")
    )


@extend_schema(
    tags=["payouts"],
    summary="Payout files of closed months",
    parameters=[OpenApiParameter("period", str, description="Only this month, YYYY-MM.")],
    responses={200: PayoutFileOutputSerializer(many=True), **ERRORS},
)
class PayoutFileListApi(ListAPIView[PayoutFile]):
    permission_classes = PERMISSIONS
    serializer_class = PayoutFileOutputSerializer

    def get_queryset(self) -> QuerySet[PayoutFile]:
        files = _ready_files()
        text = self.request.query_params.get("period")
        if text:
            try:
                files = files.filter(run__period=parse_period(text))
            except ValueError:
                raise ValidationError({"period": [_("A month is written YYYY-MM.")]}) from None
        return files


@extend_schema(
    tags=["payouts"],
    summary="One payout file",
    responses={200: PayoutFileOutputSerializer, **ERRORS},
)
class PayoutFileDetailApi(RetrieveAPIView[PayoutFile]):
    permission_classes = PERMISSIONS
    serializer_class = PayoutFileOutputSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[PayoutFile]:
        return _ready_files()


@extend_schema(
    tags=["payouts"],
    summary="The MT-102 payout file, as built",
    description="The bytes whose SHA-256 the file's description gives (UTF-8, CRLF lines).",
    responses={
        (200, "text/plain"): OpenApiResponse(OpenApiTypes.BINARY, description="MT-102"),
        **ERRORS,
    },
)
class PayoutFileDocumentApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request: Request, uuid: str) -> FileResponse:
        payout = get_object_or_404(_ready_files(), uuid=uuid)
        return FileResponse(
            payout.document.open("rb"),
            as_attachment=True,
            filename=document_filename(payout),
            content_type="text/plain; charset=utf-8",
        )


@extend_schema(
    tags=["payouts"],
    summary="The register of a payout file",
    description="The same lines in the same order, as CSV (UTF-8 with a byte-order mark), "
    "the total last.",
    responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV register"),
        **ERRORS,
    },
)
class PayoutFileRegisterApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request: Request, uuid: str) -> StreamingHttpResponse:
        payout = get_object_or_404(_ready_files(), uuid=uuid)
        response = StreamingHttpResponse(
            payout_register_csv(payout_file=payout), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=register_filename(payout)
        )
        return response


@extend_schema(
    tags=["awards"],
    summary="An award month by month: due, paid, top-ups, recovered, balance",
    description="What the award is due for each month (its entitlement as known today) beside "
    "what moved for it: the regular line, top-ups paid and waiting, overpayments found, "
    "deductions. A back-dated change shows at once as a month's balance; the next payment run "
    "settles it (a top-up or an overpayment).",
    responses={200: AwardMonthsOutputSerializer, **ERRORS},
)
class AwardMonthsApi(APIView):
    permission_classes = [reads(Subject.CASE)]

    def get(self, request: Request, uuid: str) -> Response:
        award = award_get_for_user(user=request.user, uuid=uuid)
        account = award_balance(award_id=award.pk)
        months = account["months"]
        payload = {
            "award": award.uuid,
            "through": month_start(timezone.localdate()),
            "due": account["due"],
            "paid": account["paid"],
            "top_ups_pending": account["top_ups_pending"],
            "overpaid": account["overpaid"],
            "recovered": account["recovered"],
            "to_recover": account["balance"],
            "months": [
                {
                    "period": m.period,
                    "due": m.due,
                    "paid": m.paid,
                    "top_up": m.top_up,
                    "top_up_pending": m.top_up_pending,
                    "overpaid": m.overpaid,
                    "recovered": m.recovered,
                    "balance": m.due - m.paid - m.top_up,
                }
                for m in months
            ],
        }
        return Response(AwardMonthsOutputSerializer(payload).data)

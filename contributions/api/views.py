"""Partner and staff API: MT-102 upload, documents, statements, arrears, monitoring."""

import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.filters import PaymentDocumentFilter, QuarantinedLineFilter
from contributions.api.serializers import (
    Mt102ImportInputSerializer,
    Mt102ImportOutputSerializer,
    PayerArrearsOutputSerializer,
    PaymentDocumentDetailOutputSerializer,
    PaymentDocumentOutputSerializer,
    QuarantinedLineCorrectInputSerializer,
    QuarantinedLineOutputSerializer,
    StatementOutputSerializer,
)
from contributions.models import PaymentDocument, QuarantinedLine, ReceivedFile
from contributions.periods import period_from_text, period_range_from_text
from contributions.selectors import (
    payers_in_arrears,
    payment_document_get_for_user,
    payment_document_list_for_user,
    quarantined_line_list_for_user,
    statement_get,
)
from contributions.services import mt102_import, mt102_oversized_record, quarantined_line_correct
from contributions.services.imports import max_file_bytes
from gfss.api.permissions import Action, Subject, does, reads
from gfss.api.schema import ERRORS
from gfss.common.periods import add_months, month_start
from gfss.common.uploads import LimitedUploadHandler, Streamed, read_chunks, stream_limited
from gfss.org.actors import acting_user
from gfss.org.models import AccessedData
from gfss.org.services import access_log_record
from participants.models import Payer
from participants.selectors import person_get_for_user

_STATUS_CODES = {
    "accepted": status.HTTP_201_CREATED,
    "partially_accepted": status.HTTP_201_CREATED,
    "duplicate": status.HTTP_200_OK,
    "rejected": status.HTTP_422_UNPROCESSABLE_ENTITY,
}
_EXAMPLE_PARTIAL = {
    "file": "bad-lines.txt",
    "status": "partially_accepted",
    "reference": "PP240601000003",
    "payer": "150540012348",
    "knp": "012",
    "value_date": "2024-06-10",
    "lines_total": 20,
    "lines_accepted": 16,
    "lines_rejected": 4,
    "amount_total": "250403.05",
    "amount_accepted": "206717.86",
    "errors": [
        {
            "line": 1,
            "code": "iin_invalid",
            "message": "Line 1: IIN 710814430429 fails its check digit.",
        }
    ],
}
_EXAMPLE_REJECTED = {
    **_EXAMPLE_PARTIAL,
    "file": "bad-total.txt",
    "status": "rejected",
    "reference": "PP240601000004",
    "lines_total": 5,
    "lines_accepted": 0,
    "lines_rejected": 5,
    "amount_total": "77625.44",
    "amount_accepted": "0.00",
    "errors": [
        {
            "line": None,
            "code": "total_mismatch",
            "message": "The lines add up to 77,624.44\u00a0₸ but :32A: says 77,625.44\u00a0₸.",
        }
    ],
}


class RawBodyParser(BaseParser):
    """The request body, streamed, for a file posted as it is (``Streamed``)."""

    media_type = "*/*"

    # DRF takes whatever a parser returns as ``request.data``; the stubs allow mappings only.
    def parse(  # type: ignore[override]
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> Streamed:
        return stream_limited(read_chunks(stream) if stream else (), limit=max_file_bytes())


class Mt102ImportApi(APIView):
    permission_classes = [does(Action.SUBMIT_PAYMENTS)]
    parser_classes = [MultiPartParser, RawBodyParser]

    @extend_schema(
        operation_id="payments_mt102_import",
        summary="Submit one MT-102 payment document",
        description=(
            "Send the file either as multipart/form-data (field `file`) or as the raw request "
            "body (Content-Type application/octet-stream or text/plain; the name may be given "
            "as `?filename=`). The file is stored as received, validated and loaded in one "
            "transaction. Answers with the import report of docs/mt102.md: **201** when the "
            "document was loaded (`accepted` or `partially_accepted`: rejected lines are in "
            "`errors` and in quarantine), **200** for a `duplicate` (nothing changed), **422** "
            "when the document is `rejected` (nothing loaded; `errors` holds the reason with "
            "`line: null`). Every answer has the same body shape."
        ),
        request={
            "multipart/form-data": Mt102ImportInputSerializer,
            "application/octet-stream": OpenApiTypes.BINARY,
            "text/plain": OpenApiTypes.STR,
        },
        parameters=[
            OpenApiParameter("filename", str, description="name of a raw-body upload"),
        ],
        responses={
            201: OpenApiResponse(Mt102ImportOutputSerializer, description="loaded"),
            200: OpenApiResponse(Mt102ImportOutputSerializer, description="duplicate"),
            422: OpenApiResponse(Mt102ImportOutputSerializer, description="rejected"),
        },
        examples=[
            OpenApiExample("partially accepted", value=_EXAMPLE_PARTIAL, status_codes=["201"]),
            OpenApiExample("rejected", value=_EXAMPLE_REJECTED, status_codes=["422"]),
        ],
    )
    def post(self, request: Request) -> Response:
        # The size is checked as the bytes arrive: above the maximum they are not held.
        if request.content_type.startswith("multipart/form-data"):
            request._request.upload_handlers = [
                LimitedUploadHandler(request._request, limit=max_file_bytes())
            ]
            serializer = Mt102ImportInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            upload = serializer.validated_data["file"]
            streamed, filename = upload.streamed, upload.name
        else:
            streamed = request.data if isinstance(request.data, Streamed) else None
            filename = request.query_params.get("filename") or "upload.mt102"
        if streamed is not None and streamed.file is None:
            report = mt102_oversized_record(
                streamed=streamed,
                filename=filename,
                actor=acting_user(request),
                source=ReceivedFile.Source.API,
            )
        else:
            with streamed.file if streamed is not None else io.BytesIO() as file:
                report = mt102_import(
                    data=file,
                    filename=filename,
                    actor=acting_user(request),
                    source=ReceivedFile.Source.API,
                    today=timezone.localdate(),
                )
        return Response(report.as_json(), status=_STATUS_CODES[report.status])


class PaymentDocumentListApi(ListAPIView):
    serializer_class = PaymentDocumentOutputSerializer
    filterset_class = PaymentDocumentFilter
    permission_classes = [reads(Subject.DOCUMENT)]

    def get_queryset(self) -> QuerySet[PaymentDocument]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no query
            return PaymentDocument.objects.none()
        return payment_document_list_for_user(user=self.request.user)


class PaymentDocumentDetailApi(RetrieveAPIView):
    serializer_class = PaymentDocumentDetailOutputSerializer
    permission_classes = [reads(Subject.DOCUMENT)]

    def get_object(self) -> PaymentDocument:
        return payment_document_get_for_user(user=self.request.user, uuid=str(self.kwargs["uuid"]))


class QuarantinedLineListApi(ListAPIView):
    serializer_class = QuarantinedLineOutputSerializer
    filterset_class = QuarantinedLineFilter
    permission_classes = [reads(Subject.QUARANTINED_LINE)]

    def get_queryset(self) -> QuerySet[QuarantinedLine]:
        return quarantined_line_list_for_user(user=self.request.user)


class QuarantinedLineCorrectApi(APIView):
    """A branch specialist fixes a quarantined line's IIN and period; its money joins the
    ledger for that person (the line keeps who corrected it and when)."""

    permission_classes = [does(Action.CORRECT_QUARANTINE)]

    @extend_schema(
        request=QuarantinedLineCorrectInputSerializer,
        responses={200: QuarantinedLineOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, line_id: int) -> Response:
        serializer = QuarantinedLineCorrectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lines = quarantined_line_list_for_user(user=request.user)
        quarantined_line_correct(
            actor=acting_user(request),
            line_id=line_id,
            lines=lines,
            iin=serializer.validated_data["iin"],
            period=period_from_text(serializer.validated_data["period"], field="period"),
        )
        return Response(QuarantinedLineOutputSerializer(lines.get(pk=line_id)).data)


class PersonStatementApi(APIView):
    permission_classes = [reads(Subject.LEDGER)]

    @extend_schema(
        operation_id="person_statement",
        summary="Statement of a participant's social contributions (state service 2)",
        parameters=[
            OpenApiParameter("from", str, description="first month, YYYY-MM"),
            OpenApiParameter("to", str, description="last month, YYYY-MM (default: this month)"),
        ],
        responses={200: StatementOutputSerializer},
    )
    def get(self, request: Request, iin: str) -> Response:
        today = month_start(timezone.localdate())
        first, last = period_range_from_text(
            request.query_params.get("from"),
            request.query_params.get("to"),
            default=(add_months(today, -11), today),
        )
        person = person_get_for_user(user=request.user, iin=iin, subject=Subject.LEDGER)
        statement = statement_get(person=person, first=first, last=last)
        access_log_record(request=request, subject=AccessedData.STATEMENT, iin=person.iin)
        return Response(StatementOutputSerializer(statement).data)


class PayerArrearsListApi(ListAPIView):
    serializer_class = PayerArrearsOutputSerializer
    permission_classes = [reads(Subject.PAYER)]

    @extend_schema(parameters=[OpenApiParameter("region", str, description="region code")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Payer]:
        return payers_in_arrears(
            user=self.request.user, region_code=self.request.query_params.get("region")
        )

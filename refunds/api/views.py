"""The refund API: the State Corporation sends applications and follows them; refund officers
decide, confirm, order and record payment. One view per write; each validates, calls one
service and shapes the answer."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gfss.api.permissions import Action, Subject, does, reads
from gfss.api.schema import ERRORS
from gfss.org.actors import acting_user
from refunds.api.serializers import (
    OrderPaidInputSerializer,
    PayoutOrderOutputSerializer,
    RefundCommentInputSerializer,
    RefundCreateInputSerializer,
    RefundDecideInputSerializer,
    RefundListOutputSerializer,
    RefundOutputSerializer,
    RefundStatusOutputSerializer,
    ReportRowOutputSerializer,
)
from refunds.exceptions import RefundInputError
from refunds.models import RefundApplication
from refunds.reports import report_request
from refunds.selectors import (
    payout_order_get,
    refund_application_get_for_user,
    refund_application_list_for_user,
    refund_report,
)
from refunds.services import (
    Applicant,
    LineRequest,
    refund_application_create,
    refund_bank_return,
    refund_confirm,
    refund_decide,
    refund_decline,
    refund_order_paid,
    refund_payout_orders_build,
)

_CREATE_EXAMPLE = {
    "request_number": "GK-2022-000123",
    "payer": "150540012348",
    "document": {"reference": "PP240601000001", "value_date": "2024-06-10"},
    "reason": "duplicate_payment",
    "reason_text": "The order was sent twice by the bank.",
    "applicant": {
        "name": 'ТОО "ПРИМЕР-СЕРВИС"',
        "idn": "150540012348",
        "bank_bic": "CASPKZKA",
        "bank_account": "KZ18722S000012345678",
    },
    "documents": ["letter 45 of 2024-06-12"],
    "lines": [{"iin": "800416474029", "period": "2024-05", "amount": "13625.20"}],
}


_LINE_EXAMPLE = {
    "line_no": 1,
    "iin": "800416474029",
    "period": "2024-05",
    "amount": "13625.20",
    "approved_amount": None,
    "check_code": "duplicate_confirmed",
    "check_passed": True,
    "check_message": "Оплачено дважды: та же сумма за этого человека и месяц пришла и в "
    "документе 2406110017; подлежит возврату.",
    "counted_award": None,
}
_APPLICATION_EXAMPLE = {
    "uuid": "6f1c2a9e-0b7d-4c55-9a51-3f2d8e4b7c10",
    "request_number": "GK-2024-0001234",
    "source": "state_corporation",
    "status": "checked",
    "reason": "duplicate_payment",
    "payer": "120840001234",
    "document": "2406100042",
    "document_value_date": "2024-06-10",
    "received_on": "2024-06-14",
    "stage_due": "2024-06-21",
    "amount_requested": "13625.20",
    "amount_approved": None,
    "people": 1,
    "decision": "",
    "refusal_code": "",
    "order": None,
    "paid_on": None,
    "lines": [_LINE_EXAMPLE],
}
_STATUS_EXAMPLE = {
    "uuid": _APPLICATION_EXAMPLE["uuid"],
    "request_number": _APPLICATION_EXAMPLE["request_number"],
    "status": "approved",
    "decision": "approve",
    "refusal_code": "",
    "received_on": "2024-06-14",
    "stage_due": "2024-06-28",
    "amount_approved": "13625.20",
    "paid_on": None,
    "events": [
        {
            "kind": kind,
            "from_status": before,
            "to_status": after,
            "actor": actor,
            "created_at": f"2024-06-{day}T10:00:00+05:00",
            "comment": "",
        }
        for kind, before, after, actor, day in [
            ("received", "", "received", "gov4c", "14"),
            ("checked", "received", "checked", None, "14"),
            ("decided", "checked", "decided", "refunds", "17"),
            ("confirmed", "decided", "approved", "refunds2", "18"),
        ]
    ],
}
_LIST_EXAMPLE = {
    key: _APPLICATION_EXAMPLE[key]
    for key in (
        "uuid",
        "request_number",
        "status",
        "reason",
        "payer",
        "received_on",
        "stage_due",
        "amount_requested",
        "amount_approved",
        "people",
    )
}


def _validated(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _application(request: Request, uuid: str) -> RefundApplication:
    return refund_application_get_for_user(user=request.user, uuid=uuid)


def _answer(application: RefundApplication, status: int = 200) -> Response:
    return Response(RefundOutputSerializer(application).data, status=status)


class RefundCreateApi(APIView):
    """The State Corporation sends a refund application; the automatic check runs on arrival
    and each line's verdict is in the answer. The same ``request_number`` again answers 200
    with the application it made, and changes nothing."""

    permission_classes = [does(Action.SUBMIT_REFUNDS)]

    @extend_schema(
        request=RefundCreateInputSerializer,
        responses={201: RefundOutputSerializer, 200: RefundOutputSerializer, **ERRORS},
        examples=[
            OpenApiExample("a duplicate payment", value=_CREATE_EXAMPLE, request_only=True),
            OpenApiExample(
                "checked on arrival",
                value=_APPLICATION_EXAMPLE,
                response_only=True,
                status_codes=[201],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = _validated(RefundCreateInputSerializer, request)
        document = data.get("document") or {}
        application, created = refund_application_create(
            actor=acting_user(request),
            source=RefundApplication.Source.STATE_CORPORATION,
            request_number=data["request_number"],
            payer_idn=data["payer"],
            document_uuid=data.get("document_id"),
            document_reference=document.get("reference", ""),
            document_value_date=document.get("value_date"),
            reason=data["reason"],
            reason_text=data["reason_text"],
            applicant=Applicant(
                name=data["applicant"]["name"],
                idn=data["applicant"]["idn"],
                bank_bic=data["applicant"]["bank_bic"],
                bank_account=data["applicant"]["bank_account"],
            ),
            document_refs=data["documents"],
            lines=[
                LineRequest(iin=line["iin"], period=line["period"], amount=line["amount"])
                for line in data["lines"]
            ],
        )
        return _answer(application, status=201 if created else 200)


class RefundListApi(ListAPIView):
    """A partner's own applications; the officers' whole list."""

    serializer_class = RefundListOutputSerializer
    permission_classes = [reads(Subject.REFUND)]

    def get_queryset(self) -> QuerySet[RefundApplication]:
        return refund_application_list_for_user(user=self.request.user).order_by("-id")

    @extend_schema(
        examples=[OpenApiExample("one application", value=_LIST_EXAMPLE, response_only=True)]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class RefundDetailApi(RetrieveAPIView):
    serializer_class = RefundOutputSerializer
    permission_classes = [reads(Subject.REFUND)]

    def get_object(self) -> RefundApplication:
        return _application(self.request, self.kwargs["uuid"])


class RefundStatusApi(APIView):
    """Where the application is, its deadline and every step with its date."""

    permission_classes = [reads(Subject.REFUND)]

    @extend_schema(
        request=None,
        responses={200: RefundStatusOutputSerializer, **ERRORS},
        examples=[OpenApiExample("approved, to order", value=_STATUS_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, uuid: str) -> Response:
        return Response(RefundStatusOutputSerializer(_application(request, uuid)).data)


class RefundDecideApi(APIView):
    permission_classes = [does(Action.DECIDE_REFUND)]

    @extend_schema(
        request=RefundDecideInputSerializer, responses={200: RefundOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, uuid: str) -> Response:
        data = _validated(RefundDecideInputSerializer, request)
        amounts = {}
        for key, amount in (data.get("line_amounts") or {}).items():
            if not str(key).isdigit():
                raise RefundInputError(
                    _("The application has no line %(line)s.") % {"line": key}, code="line_unknown"
                )
            amounts[int(key)] = amount
        application = refund_decide(
            actor=acting_user(request),
            application_id=_application(request, uuid).pk,
            decision=data["decision"],
            refusal_code=data["refusal_code"],
            comment=data["comment"],
            line_amounts=amounts or None,
        )
        return _answer(application)


class RefundConfirmApi(APIView):
    permission_classes = [does(Action.DECIDE_REFUND)]

    @extend_schema(
        request=RefundCommentInputSerializer, responses={200: RefundOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, uuid: str) -> Response:
        data = _validated(RefundCommentInputSerializer, request)
        application = refund_confirm(
            actor=acting_user(request), application_id=_application(request, uuid).pk, **data
        )
        return _answer(application)


class RefundDeclineApi(APIView):
    permission_classes = [does(Action.DECIDE_REFUND)]

    @extend_schema(
        request=RefundCommentInputSerializer, responses={200: RefundOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, uuid: str) -> Response:
        data = _validated(RefundCommentInputSerializer, request)
        application = refund_decline(
            actor=acting_user(request), application_id=_application(request, uuid).pk, **data
        )
        return _answer(application)


class RefundBankReturnApi(APIView):
    """The bank sent the money back: the reversals are undone and the application reopens."""

    permission_classes = [does(Action.DECIDE_REFUND)]

    @extend_schema(
        request=RefundCommentInputSerializer, responses={200: RefundOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, uuid: str) -> Response:
        data = _validated(RefundCommentInputSerializer, request)
        application = refund_bank_return(
            actor=acting_user(request), application_id=_application(request, uuid).pk, **data
        )
        return _answer(application)


class PayoutOrderBuildApi(APIView):
    """Every approved application into payout orders (KNP 026 and 094)."""

    permission_classes = [does(Action.DECIDE_REFUND)]

    @extend_schema(request=None, responses={201: PayoutOrderOutputSerializer(many=True), **ERRORS})
    def post(self, request: Request) -> Response:
        orders = refund_payout_orders_build(actor=acting_user(request))
        return Response(PayoutOrderOutputSerializer(orders, many=True).data, status=201)


class PayoutOrderPaidApi(APIView):
    """The bank's report: the order was paid on ``paid_on``."""

    permission_classes = [does(Action.DECIDE_REFUND)]

    @extend_schema(
        request=OrderPaidInputSerializer, responses={200: PayoutOrderOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, uuid: str) -> Response:
        data = _validated(OrderPaidInputSerializer, request)
        order = refund_order_paid(
            actor=acting_user(request), order_id=payout_order_get(uuid=uuid).pk, **data
        )
        return Response(PayoutOrderOutputSerializer(order).data)


class RefundReportApi(APIView):
    """Refunds by reason, month or region: applications, people and the sum (domain.md)."""

    permission_classes = [reads(Subject.REFUND)]

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=["reason", "month", "region"]),
            OpenApiParameter("from", str, description="YYYY-MM"),
            OpenApiParameter("to", str, description="YYYY-MM"),
        ],
        responses={200: ReportRowOutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted = report_request(params=request.query_params, today=timezone.localdate())
        rows = refund_report(user=request.user, first=wanted.first, last=wanted.last, by=wanted.by)
        return Response(ReportRowOutputSerializer(rows, many=True).data)

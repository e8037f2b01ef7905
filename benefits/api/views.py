"""The e-case API: partners send applications and offers and follow their status; staff
decide. One view per write operation; each validates, calls one service, shapes the answer."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from benefits.api.serializers import (
    ApplicationAssignInputSerializer,
    ApplicationCreateInputSerializer,
    ApplicationListOutputSerializer,
    ApplicationOutputSerializer,
    ApplicationRefuseInputSerializer,
    ApplicationStatusOutputSerializer,
    AwardChangeInputSerializer,
    AwardDecisionOutputSerializer,
    AwardOutputSerializer,
    AwardRecalculateInputSerializer,
    CommentInputSerializer,
    LifeEventOutputSerializer,
    LifeEventReportInputSerializer,
    OfferCreateInputSerializer,
    OfferOutputSerializer,
)
from benefits.models import Application, Award, AwardDecision
from benefits.selectors import (
    application_get_for_user,
    application_list_for_user,
    application_stages,
    award_get_for_user,
    award_list_for_user,
    life_event_with_awards,
    offer_get_for_user,
)
from benefits.services import applications as cases
from benefits.services import award_decisions as decisions
from benefits.services.life_events import LIFE_EVENT_ACTIONS, life_event_report
from benefits.services.offers import offer_accept, offer_create
from gfss.api.permissions import Action, Subject, does, does_any, reads
from gfss.api.schema import ERRORS
from gfss.common.exceptions import NotFoundError
from gfss.org.actors import acting_user
from gfss.org.models import AccessedData
from gfss.org.services import access_log_record


def _validated(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _application(request: Request, uuid: str) -> Application:
    return application_get_for_user(user=request.user, uuid=uuid)


def _case(application: Application) -> Response:
    return Response(ApplicationOutputSerializer(application).data)


class ApplicationCreateApi(APIView):
    """A partner system (State Corporation, egov portal) sends an application."""

    permission_classes = [does(Action.SUBMIT_APPLICATIONS)]

    @extend_schema(
        request=ApplicationCreateInputSerializer,
        responses={201: ApplicationOutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _validated(ApplicationCreateInputSerializer, request)
        application = cases.application_create(actor=acting_user(request), **data)
        return Response(ApplicationOutputSerializer(application).data, status=201)


class ApplicationStatusApi(APIView):
    """Every stage of the review with its date, for the applicant (transparency)."""

    permission_classes = [reads(Subject.CASE_STATUS)]

    @extend_schema(request=None, responses={200: ApplicationStatusOutputSerializer, **ERRORS})
    def get(self, request: Request, uuid: str) -> Response:
        application = application_get_for_user(
            user=request.user, uuid=uuid, subject=Subject.CASE_STATUS
        )
        payload = {
            "uuid": application.uuid,
            "benefit": application.benefit,
            "status": application.status,
            "outcome": application.outcome,
            "refusal_code": application.refusal_code,
            "received_on": application.received_on,
            "decision_due": application.decision_due,
            "service_due": application.service_due,
            "stages": application_stages(application=application),
        }
        return Response(ApplicationStatusOutputSerializer(payload).data)


class ApplicationListApi(ListAPIView):
    serializer_class = ApplicationListOutputSerializer
    permission_classes = [reads(Subject.CASE)]

    def get_queryset(self) -> QuerySet[Application]:
        return application_list_for_user(user=self.request.user).order_by("decision_due", "id")


class ApplicationDetailApi(RetrieveAPIView):
    serializer_class = ApplicationOutputSerializer
    permission_classes = [reads(Subject.CASE)]

    def get_object(self) -> Application:
        application = _application(self.request, self.kwargs["uuid"])
        access_log_record(
            request=self.request,
            subject=AccessedData.CASE,
            iin=application.person.iin,
            reference=application.uuid,
        )
        return application


# A decision on an e-case: validate the input (if any), call its service, show the case.
# (Comments, not docstrings: a docstring here would become every subclass's API description.)
class _CaseDecisionApi(APIView):
    permission_classes = [reads(Subject.CASE)]
    input_serializer: type[Serializer] | None = None
    service: Callable[..., Application]

    def post(self, request: Request, uuid: str) -> Response:
        data = _validated(self.input_serializer, request) if self.input_serializer else {}
        application = type(self).service(
            actor=acting_user(request), application_id=_application(request, uuid).pk, **data
        )
        return _case(application)


def _decision_schema(input_serializer: type[Serializer] | None) -> Any:
    return extend_schema(
        request=input_serializer, responses={200: ApplicationOutputSerializer, **ERRORS}
    )


@_decision_schema(ApplicationAssignInputSerializer)
class ApplicationAssignApi(_CaseDecisionApi):
    input_serializer = ApplicationAssignInputSerializer
    service = cases.application_assign


@_decision_schema(ApplicationRefuseInputSerializer)
class ApplicationRefuseApi(_CaseDecisionApi):
    input_serializer = ApplicationRefuseInputSerializer
    service = cases.application_refuse


@_decision_schema(CommentInputSerializer)
class ApplicationReturnApi(_CaseDecisionApi):
    input_serializer = CommentInputSerializer
    service = cases.application_return


@_decision_schema(None)
class ApplicationConfirmApi(_CaseDecisionApi):
    service = cases.application_confirm


@_decision_schema(CommentInputSerializer)
class ApplicationDeclineApi(_CaseDecisionApi):
    input_serializer = CommentInputSerializer
    service = cases.application_decline


class AwardListApi(ListAPIView):
    serializer_class = AwardOutputSerializer
    permission_classes = [reads(Subject.CASE)]

    def get_queryset(self) -> QuerySet[Award]:
        return award_list_for_user(user=self.request.user).order_by("id")


class AwardDetailApi(RetrieveAPIView):
    serializer_class = AwardOutputSerializer
    permission_classes = [reads(Subject.CASE)]

    def get_object(self) -> Award:
        return award_get_for_user(user=self.request.user, uuid=self.kwargs["uuid"])


def _decision(decision: AwardDecision, *, created: bool = True) -> Response:
    return Response(AwardDecisionOutputSerializer(decision).data, status=201 if created else 200)


class AwardRecalculateApi(APIView):
    permission_classes = [reads(Subject.CASE)]

    @extend_schema(
        request=AwardRecalculateInputSerializer,
        responses={201: AwardDecisionOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, uuid: str) -> Response:
        data = _validated(AwardRecalculateInputSerializer, request)
        award = award_get_for_user(user=request.user, uuid=uuid)
        return _decision(
            decisions.award_recalculate(actor=acting_user(request), award_id=award.pk, **data)
        )


# Suspend, resume, terminate: the same input, one service each.
class _AwardChangeApi(APIView):
    permission_classes = [reads(Subject.CASE)]
    service: Callable[..., AwardDecision]

    @extend_schema(
        request=AwardChangeInputSerializer, responses={201: AwardDecisionOutputSerializer, **ERRORS}
    )
    def post(self, request: Request, uuid: str) -> Response:
        data = _validated(AwardChangeInputSerializer, request)
        award = award_get_for_user(user=request.user, uuid=uuid)
        return _decision(type(self).service(actor=acting_user(request), award_id=award.pk, **data))


class AwardSuspendApi(_AwardChangeApi):
    service = decisions.award_suspend


class AwardResumeApi(_AwardChangeApi):
    service = decisions.award_resume


class AwardTerminateApi(_AwardChangeApi):
    service = decisions.award_terminate


def _award_decision(request: Request, uuid: str) -> AwardDecision:
    decision = AwardDecision.objects.select_related("award").filter(uuid=uuid).first()
    if decision is None:
        raise NotFoundError(
            _("No award decision %(uuid)s.") % {"uuid": uuid}, code="award_decision_not_found"
        )
    # Visibility follows the award's branch (404 for other branches).
    award_get_for_user(user=request.user, uuid=decision.award.uuid)
    return decision


class AwardDecisionConfirmApi(APIView):
    permission_classes = [reads(Subject.CASE)]

    @extend_schema(request=None, responses={200: AwardDecisionOutputSerializer, **ERRORS})
    def post(self, request: Request, uuid: str) -> Response:
        decision = _award_decision(request, uuid)
        confirmed = decisions.award_decision_confirm(
            actor=acting_user(request), decision_id=decision.pk
        )
        return _decision(confirmed, created=False)


class OfferCreateApi(APIView):
    """The Family Digital Map offers a benefit to a person."""

    permission_classes = [does(Action.SUBMIT_APPLICATIONS)]

    @extend_schema(
        request=OfferCreateInputSerializer, responses={201: OfferOutputSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        data = _validated(OfferCreateInputSerializer, request)
        offer = offer_create(actor=acting_user(request), **data)
        return Response(OfferOutputSerializer(offer).data, status=status.HTTP_201_CREATED)


class OfferAcceptApi(APIView):
    """The person's consent, relayed by the portal: the offer becomes an application."""

    permission_classes = [does(Action.SUBMIT_APPLICATIONS)]

    @extend_schema(request=None, responses={201: ApplicationOutputSerializer, **ERRORS})
    def post(self, request: Request, uuid: str) -> Response:
        offer = offer_get_for_user(user=request.user, uuid=uuid)
        application = offer_accept(actor=acting_user(request), offer_id=offer.pk)
        return Response(ApplicationOutputSerializer(application).data, status=201)


_LIFE_EVENT_EXAMPLES = [
    OpenApiExample(
        "a death (civil registry)",
        value={
            "reference": "ZAGS-2025-000123",
            "kind": "death",
            "iin": "850712300017",
            "date": "2025-04-15",
            "document": "AKT-7781",
        },
        request_only=True,
    ),
    OpenApiExample(
        "a deregistration as unemployed (employment centre)",
        value={
            "reference": "ENBEK-55120",
            "kind": "deregistration",
            "iin": "900201400027",
            "date": "2025-06-10",
        },
        request_only=True,
    ),
    OpenApiExample(
        "a changed degree of disability (medical-social expertise)",
        value={
            "reference": "MSE-2025-0042",
            "kind": "disability_degree",
            "iin": "921029350851",
            "date": "2025-07-01",
            "degree": "0.80",
            "document": "MSE-ACT-42",
        },
        request_only=True,
    ),
    OpenApiExample(
        "the answer: the award ended after the month of death",
        value={
            "uuid": "0b7c1c52-3f0e-4d7e-9a56-8f6f3f6c2a11",
            "reference": "ZAGS-2025-000123",
            "kind": "death",
            "iin": "850712300017",
            "date": "2025-04-15",
            "degree": None,
            "document": "AKT-7781",
            "recorded_at": "2025-08-02T10:15:00+05:00",
            "awards": [
                {
                    "award": "5d3c8a0e-8b43-4d0c-b1a4-3c2a9f5e7d10",
                    "benefit": "disability",
                    "effect": "ended",
                    "effective_date": "2025-05-01",
                    "decision": "e1f0a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b",
                }
            ],
        },
        response_only=True,
        status_codes=["201", "200"],
    ),
]


class LifeEventReportApi(APIView):
    """A partner registry reports a life event of a person; it is applied to every award it
    touches at once, and the months already paid are settled by the next payment run."""

    permission_classes = [does_any(*LIFE_EVENT_ACTIONS)]

    @extend_schema(
        tags=["life events"],
        summary="Report a death, a deregistration, a new job or a changed degree",
        description="Each kind needs its scope: life_events.death (civil registry), "
        "life_events.employment (employment centres), life_events.disability (medical-social "
        "expertise). A death ends the deceased's awards, and the childcare awards for a child "
        "who died, from the 1st of the month after the death; a deregistration or a new job "
        "ends job-loss awards from the 1st of the following month; a changed degree "
        "recalculates disability awards from its date. Messages follow Accept-Language (kk, "
        "ru, en; ru by default). Refusals: person_unknown, event_date_in_future, "
        "death_date_before_birth, life_event_degree_invalid, recalculation_not_eligible (400); "
        "life_event_kind_not_allowed (403); death_date_conflict, life_event_reference_reused "
        "(409). A refused report writes nothing.",
        request=LifeEventReportInputSerializer,
        responses={
            201: OpenApiResponse(LifeEventOutputSerializer, description="Recorded and applied."),
            200: OpenApiResponse(
                LifeEventOutputSerializer, description="The same report again: the first answer."
            ),
            **ERRORS,
        },
        examples=_LIFE_EVENT_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        data = _validated(LifeEventReportInputSerializer, request)
        event, created = life_event_report(
            actor=acting_user(request),
            reference=data["reference"],
            kind=data["kind"],
            iin=data["iin"],
            event_date=data["date"],
            degree=data.get("degree"),
            document=data["document"],
        )
        return Response(
            LifeEventOutputSerializer(life_event_with_awards(life_event_id=event.pk)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

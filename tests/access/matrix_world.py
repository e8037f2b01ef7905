"""The callers and the objects of the access matrix: Almaty (branch B75) owns every object;
each branch-bound role comes once from Almaty and once from Astana (B71)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from benefits.models import Award, BenefitType
from benefits.services.applications import application_assign
from benefits.services.award_decisions import award_terminate
from contributions.models import PaymentDocument
from gfss.org.access import Scope
from gfss.org.models import Role
from gfss.org.services import partner_client_create, staff_user_create
from tests.benefits.cases import case_received, documents_for, insured_person
from tests.factories import PayerFactory, branch, central_office

# The columns of the table, in order.
CALLERS = (
    "anonymous",
    "outsider",  # a login with neither a staff profile nor a partner
    "outsider_flagged",  # the same with Django's staff flag (a profile removed, say)
    "specialist",  # Almaty, the objects' own branch
    "specialist_71",  # Astana
    "head",
    "head_71",
    "analyst",
    "refunds",
    "admin",
    *(f"p:{scope.value}" for scope in Scope),
)
MISSING = uuid.UUID(int=1)  # an object that does not exist


@dataclass
class World:
    clients: dict[str, Client]
    ids: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    admin_pks: dict[str, str] = field(default_factory=dict)  # "app/model": a real object's
    admin_versions: dict[str, int] = field(default_factory=dict)  # its first recorded version


def _staff(role: str, home: Any, name: str) -> Any:
    return staff_user_create(
        username=f"matrix-{name}", password="pass-1234-word", branch=home, role=role
    )


def world_build() -> World:
    almaty, astana, centre = branch("75"), branch("71"), central_office()
    users = {
        "specialist": _staff(Role.SPECIALIST, almaty, "specialist"),
        "specialist_71": _staff(Role.SPECIALIST, astana, "specialist-71"),
        "head": _staff(Role.HEAD, almaty, "head"),
        "head_71": _staff(Role.HEAD, astana, "head-71"),
        "analyst": _staff(Role.ANALYST, centre, "analyst"),
        "refunds": _staff(Role.REFUND_OFFICER, centre, "refunds"),
        "admin": _staff(Role.ADMINISTRATOR, centre, "admin"),
        "outsider": get_user_model().objects.create_user("matrix-outsider", password="x"),
        "outsider_flagged": get_user_model().objects.create_user(
            "matrix-outsider-flagged", password="x", is_staff=True
        ),
    }
    clients = {"anonymous": Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    for scope in Scope:
        issued = partner_client_create(name=f"matrix {scope.value}", scopes=[scope.value])
        clients[f"p:{scope.value}"] = Client(headers={"authorization": f"Token {issued.token}"})

    person = insured_person()  # Almaty, with a document of contributions
    case = case_received(person)
    documents = documents_for(BenefitType.DISABILITY, period_to=date(2026, 3, 9))
    granted = case_received(insured_person(), benefit=BenefitType.DISABILITY, documents=documents)
    application_assign(actor=users["specialist"], application_id=granted.pk)
    award = Award.objects.get(application=granted)
    decision = award_terminate(
        actor=users["specialist"], award_id=award.pk, effective_date=date(2025, 9, 1), reason="x"
    )
    ids = {
        "iin": person.iin,
        "idn": PayerFactory().idn,
        "case": case.uuid,
        "award": award.uuid,
        "award_id": award.pk,
        "decision": decision.uuid,
        "document": PaymentDocument.objects.filter(payer__isnull=False).first().uuid,
        "missing": MISSING,
    }
    pks, versions = admin_objects(users)
    return World(clients=clients, ids=ids, users=users, admin_pks=pks, admin_versions=versions)


def _first_or(model: type[Model], create: Callable[[], Model]) -> Model:
    return model._default_manager.order_by("pk").first() or create()


def admin_objects(users: dict[str, Any]) -> tuple[dict[str, str], dict[str, int]]:
    """One real object of each model the admin shows, its pk quoted as the admin's URLs hold
    it, by "app_label/model_name", and of a model whose admin shows its history, the id of the
    object's first recorded version. The matrix world made most of them; the rest are made
    here, each in a state its own services could leave it (a month already paid, an order
    sent)."""
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib import admin
    from django.contrib.admin.utils import quote
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from rest_framework.authtoken.models import TokenProxy
    from simple_history.admin import SimpleHistoryAdmin

    from benefits.models import ProactiveOffer
    from contributions.models import ContributionLine, PenaltyAccrual, QuarantinedLine
    from gfss.common.models import RejectedInput
    from gfss.jobs.models import BatchRun
    from gfss.legal.models import CalendarException
    from gfss.org.models import AccessLogEntry, Region
    from payouts.models import (
        EventApplication,
        Overpayment,
        Payment,
        PaymentRun,
        PayoutFile,
        RecalculationEvent,
        Recovery,
    )
    from payouts.services.events import event_create
    from refunds.models import PayoutOrder, RefundApplication, RefundLine, RefundPosting
    from reporting.models import EmployedPopulation

    now = timezone.now()
    award = Award.objects.order_by("pk").first()
    line = ContributionLine.objects.select_related("document", "payer", "person").first()
    document, payer, person = line.document, line.payer, line.person
    browser = {"user_agent": "matrix", "http_accept": "*/*", "path_info": "/ru/login/"}
    month = date(2024, 1, 1)  # no month the matrix's pages ask for
    run = _first_or(PaymentRun, lambda: PaymentRun.objects.create(period=month))
    split = {"gross": Decimal("100.00"), "opv": Decimal("10.00")}
    payment = _first_or(
        Payment,
        lambda: Payment.objects.create(
            run=run,
            award=award,
            benefit=award.benefit,
            period=month,
            net=Decimal("90.00"),
            payable=Decimal("90.00"),
            **split,
        ),
    )
    event = _first_or(
        RecalculationEvent,
        lambda: event_create(
            kind="indexation",
            effective_date=date(2022, 1, 1),
            percent=Decimal("5"),
            benefit_types=[award.benefit],
            selection="active_on",
            actor=None,
        ),
    )
    refund = _first_or(
        RefundApplication,
        lambda: RefundApplication.objects.create(
            source=RefundApplication.Source.STAFF,
            submitted_by=users["refunds"],
            payer=payer,
            document=document,
            reason=RefundApplication._meta.get_field("reason").choices[0][0],
            applicant_name=payer.name,
            applicant_idn=payer.idn,
            bank_bic="CASPKZKA",
            bank_account="KZ18722S000012345678",
            received_on=month,
            stage_due=month,
            amount_requested=line.amount,
            people=1,
        ),
    )
    order = _first_or(
        PayoutOrder,
        lambda: PayoutOrder.objects.create(
            reference="MATRIX-1",
            knp="026",
            value_date=month,
            applications_count=1,
            lines=1,
            total=line.amount,
            content=b"",
            sha256="0" * 64,
            register=b"",
            created_by=users["refunds"],
        ),
    )

    def daily() -> Model:
        return IntervalSchedule.objects.create(every=1, period="days")

    made: dict[type[Model], Callable[[], Any]] = {
        TokenProxy: lambda: TokenProxy.objects.create(user=users["outsider"]),
        AccessAttempt: lambda: AccessAttempt.objects.create(
            username="matrix-nobody", get_data="", post_data="", failures_since_start=1, **browser
        ),
        AccessFailureLog: lambda: AccessFailureLog.objects.create(
            username="matrix-nobody", **browser
        ),
        ProactiveOffer: lambda: ProactiveOffer.objects.create(
            person=person,
            benefit=award.benefit,
            right_date=month,
            offered_at=now,
            expires_at=now + timedelta(days=30),
        ),
        RejectedInput: lambda: RejectedInput.objects.create(
            method="POST", path="/api/v1/offers/", status_code=400, code="invalid"
        ),
        PenaltyAccrual: lambda: PenaltyAccrual.objects.create(
            document=document,
            payer=payer,
            period=line.period,
            due_date=document.value_date - timedelta(days=1),
            paid_on=document.value_date,
            days_late=1,
            arrears=line.amount,
            amount=Decimal("1.00"),
        ),
        QuarantinedLine: lambda: QuarantinedLine.objects.create(
            document=document, line_no=999, code="iin_invalid", message="matrix"
        ),
        ClockedSchedule: lambda: ClockedSchedule.objects.create(clocked_time=now),
        CrontabSchedule: CrontabSchedule.objects.create,
        IntervalSchedule: daily,
        PeriodicTask: lambda: PeriodicTask.objects.create(
            name="matrix", task="matrix", interval=_first_or(IntervalSchedule, daily)
        ),
        SolarSchedule: lambda: SolarSchedule.objects.create(
            event="sunrise", latitude=Decimal("43.25"), longitude=Decimal("76.95")
        ),
        BatchRun: lambda: BatchRun.objects.create(
            kind="matrix", key="matrix", status="done", started_at=now, finished_at=now
        ),
        # A working day declared on a Wednesday that is one: no deadline moves.
        CalendarException: lambda: CalendarException.objects.create(
            day=date(2025, 1, 15), kind=CalendarException.Kind.WORKING_DAY
        ),
        AccessLogEntry: lambda: AccessLogEntry.objects.create(
            user=users["specialist"], subject="person", iin=person.iin, path="/ru/"
        ),
        PayoutFile: lambda: PayoutFile.objects.create(
            run=run, benefit=award.benefit, knp="027", reference="MATRIX-1"
        ),
        EventApplication: lambda: EventApplication.objects.create(
            event=event, award=award, valid_from=event.effective_date
        ),
        Overpayment: lambda: Overpayment.objects.create(
            award=award,
            period=month,
            paid_net=Decimal("90.00"),
            entitled_net=Decimal("0.00"),
            amount=Decimal("90.00"),
            detected_from=month,
            **split,
        ),
        Recovery: lambda: Recovery.objects.create(
            award=award,
            kind="deduction",
            amount=Decimal("1.00"),
            received_on=month,
            payment=payment,
        ),
        RefundPosting: lambda: RefundPosting.objects.create(
            line=RefundLine.objects.create(
                application=refund,
                line_no=1,
                iin=person.iin,
                period=line.period,
                amount=line.amount,
                check_code="ok",
                check_passed=True,
                contribution=line,
            ),
            kind="reversal",
            ledger_line=line,
            order=order,
        ),
        EmployedPopulation: lambda: EmployedPopulation.objects.create(
            year=2024, region=Region.objects.order_by("pk").first(), persons=1000
        ),
    }
    pks, versions = {}, {}
    for model, model_admin in admin.site._registry.items():
        create = made.get(model, lambda: None)
        instance = _first_or(model, create)
        assert instance is not None, f"the matrix world has no {model._meta.label}"
        name = f"{model._meta.app_label}/{model._meta.model_name}"
        pks[name] = quote(instance.pk)
        if isinstance(model_admin, SimpleHistoryAdmin):
            versions[name] = instance.history.order_by("pk").first().pk
    return pks, versions

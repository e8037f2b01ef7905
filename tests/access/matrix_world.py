"""The callers and the objects of the access matrix: Almaty (branch B75) owns every object;
each branch-bound role comes once from Almaty and once from Astana (B71)."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

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
    return World(clients=clients, ids=ids, users=users)

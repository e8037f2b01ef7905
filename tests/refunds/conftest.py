"""Refund tests: real MT-102 documents loaded by the import, real services, two officers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from benefits.models import Award
from benefits.services.awards import award_create
from contributions.models import PaymentDocument
from gfss.org.models import Role
from participants.models import Payer, Person
from refunds.models import RefundApplication
from refunds.services import Applicant, LineRequest, refund_application_create
from tests.contributions.documents import document, line_for, load
from tests.factories import PayerFactory, PersonFactory, branch

TODAY = date(2025, 3, 20)
MAY = date(2024, 5, 1)
APPLICANT = Applicant(
    name='ТОО "ПРИМЕР"',
    idn="150540012348",
    bank_bic="CASPKZKA",
    bank_account="KZ18722S000012345678",
)


@dataclass
class Paid:
    payer: Payer
    persons: list[Person]
    document: PaymentDocument


@pytest.fixture
def officers(make_staff: Callable[..., Any]) -> tuple[Any, Any]:
    """The maker and the checker: two central refund officers."""
    return make_staff(Role.REFUND_OFFICER), make_staff(Role.REFUND_OFFICER)


@pytest.fixture
def pay(db: None) -> Callable[..., Paid]:
    """A payer pays ``amounts`` for as many persons, for ``period``, in one document."""

    def make(
        *amounts: str,
        period: date = MAY,
        payer: Payer | None = None,
        persons: list[Person] | None = None,
        value_date: date = date(2024, 6, 10),
        knp: str = "012",
        extra_lines: list[dict] | None = None,
    ) -> Paid:
        payer = payer or PayerFactory()
        persons = persons or [PersonFactory() for _ in amounts]
        lines = [line_for(p, a, period) for p, a in zip(persons, amounts, strict=True)]
        load(
            document(
                payer_idn=payer.idn,
                lines=lines + (extra_lines or []),
                value_date=value_date,
                knp=knp,
            )
        )
        paid_document = PaymentDocument.objects.filter(payer=payer).latest("id")
        return Paid(payer=payer, persons=persons, document=paid_document)

    return make


@pytest.fixture
def apply(db: None) -> Callable[..., RefundApplication]:
    """An application through the real service, one line per (person, amount)."""
    numbers = iter(range(1, 10_000))

    def make(
        paid: Paid,
        *lines: tuple[Person | str, str],
        actor: Any,
        reason: str = "not_contributions",
        period: date = MAY,
        request_number: str | None = None,
        today: date = TODAY,
    ) -> RefundApplication:
        application, _ = refund_application_create(
            actor=actor,
            source=RefundApplication.Source.STATE_CORPORATION,
            request_number=request_number or f"GK-{next(numbers):06d}",
            payer_idn=paid.payer.idn,
            document_uuid=paid.document.uuid,
            reason=reason,
            applicant=APPLICANT,
            lines=[
                LineRequest(
                    iin=person if isinstance(person, str) else person.iin,
                    period=period,
                    amount=Decimal(amount),
                )
                for person, amount in lines
            ],
            today=today,
        )
        return application

    return make


def award_for(person: Person, *, right_date: date, benefit: str = "job_loss") -> Award:
    """An award outside an e-case for ``person``: it counted the 24 months before the right."""
    return award_create(
        person=person,
        benefit=benefit,
        branch=branch("75"),
        right_date=right_date,
        assigned_on=right_date,
        start_date=right_date,
        end_date=None,
        gross=Decimal("50000.00"),
        opv=Decimal("5000.00"),
        actor=None,
    )

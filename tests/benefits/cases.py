"""Helpers for the e-case tests: contributions through the real MT-102 import, documents."""

import itertools
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from benefits.models import Application, BenefitType, Channel
from benefits.services.applications import application_create
from contributions.models import ReceivedFile
from contributions.mt102.build import build_document
from contributions.services.imports import mt102_import
from gfss.common.identifiers import make_bin, make_iin
from gfss.common.periods import add_months, month_start
from participants.models import Person
from tests.factories import PersonFactory

_references = itertools.count(1)
_rng = random.Random(5)

RIGHT_DATE = date(2025, 3, 10)
RECEIVED_ON = date(2025, 3, 12)


def contributions_paid(
    person: Person,
    *,
    before: date = RIGHT_DATE,
    months: int = 24,
    amount: Decimal = Decimal("10500.00"),
    payer_idn: str | None = None,
    value_date: date | None = None,
) -> None:
    """``months`` months of SO up to the month before ``before``, one MT-102 document."""
    last = add_months(month_start(before), -1)
    periods = [add_months(last, -i) for i in range(months)]
    paid_on = value_date or month_start(before) + timedelta(days=2)
    data = build_document(
        reference=f"T{next(_references)}",
        payer_idn=payer_idn or make_bin(registered=date(2015, 5, 1), rng=_rng),
        knp="012",
        value_date=paid_on,
        lines=[
            {
                "iin": person.iin,
                "surname": "Тестова",
                "first_name": "Айгүл",
                "birth_date": person.birth_date,
                "amount": amount,
                "period": period,
            }
            for period in periods
        ],
    )
    report = mt102_import(
        data=data,
        filename="test.mt102",
        actor=None,
        source=ReceivedFile.Source.COMMAND,
        today=max(paid_on, date(2025, 12, 31)),
    )
    assert report.lines_accepted == months, report.errors


def insured_person(**fields: Any) -> Person:
    """A woman of 35 in Almaty city (branch B75) with 24 months of contributions."""
    person = PersonFactory(birth_date=date(1990, 4, 2), sex="F", **fields)
    contributions_paid(person)
    return person


def child_of(parent: Person, *, born: date = date(2025, 3, 10)) -> Person:
    return PersonFactory(birth_date=born, region=parent.region)


def documents_for(benefit: str, *, right_date: date = RIGHT_DATE, **extra: Any) -> dict[str, Any]:
    """A complete set of documents for ``benefit`` whose right arises on ``right_date``."""
    if benefit == BenefitType.DISABILITY:
        return {
            "medical_expertise": {
                "number": "ME-1",
                "degree": Decimal("0.60"),
                "period_from": right_date,
                "period_to": extra.get("period_to"),
            }
        }
    if benefit == BenefitType.BREADWINNER:
        return {
            "death_certificate": {
                "number": "DC-1",
                "deceased_iin": extra["deceased_iin"],
                "death_date": right_date,
                "dependents": extra.get(
                    "dependents", [{"iin": "", "birth_date": date(2015, 6, 1), "relation": "child"}]
                ),
            }
        }
    if benefit == BenefitType.JOB_LOSS:
        return {"unemployed_registration": {"number": "UR-1", "registered_on": right_date}}
    if benefit == BenefitType.MATERNITY:
        return {"sick_leave": {"number": "SL-1", "first_day": right_date, "days": 126}}
    if benefit == BenefitType.ADOPTION:
        return {
            "adoption_decision": {
                "number": "AD-1",
                "decision_date": right_date,
                "child_iin": extra["child_iin"],
            },
            "sick_leave": {"number": "SL-2", "first_day": right_date, "days": 56},
        }
    return {
        "birth_certificate": {
            "number": "BC-1",
            "child_iin": extra["child_iin"],
            "birth_date": right_date,
            "birth_order": 1,
        }
    }


def a_child_iin(born: date = RIGHT_DATE) -> str:
    return make_iin(birth_date=born, sex="M", rng=_rng)


def case_received(
    person: Person,
    *,
    benefit: str = BenefitType.CHILDCARE,
    actor: Any = None,
    received_on: date = RECEIVED_ON,
    right_date: date = RIGHT_DATE,
    documents: dict[str, Any] | None = None,
) -> Application:
    if documents is None:
        documents = documents_for(benefit, right_date=right_date, child_iin=a_child_iin())
    return application_create(
        actor=actor,
        iin=person.iin,
        benefit=benefit,
        channel=Channel.STATE_CORPORATION,
        received_on=received_on,
        right_date=right_date,
        documents=documents,
    )

"""The documents an application carries, read as facts: which each benefit needs, what they
state for the calculation, and which event they are about. Pure functions of the documents.

Documents arrive as structured data from partner systems (medical expertise, civil registry,
employment centres, the sick-leave system); the keys are the API's, see ``benefits.api``.
"""

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from benefits.models.awards import BenefitType

Documents = Mapping[str, Mapping[str, Any]]

# Benefit → document → the fields it must carry for the case to be decided.
REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    BenefitType.DISABILITY: {"medical_expertise": ("degree", "period_from")},
    BenefitType.BREADWINNER: {"death_certificate": ("deceased_iin", "death_date", "dependents")},
    BenefitType.JOB_LOSS: {"unemployed_registration": ("registered_on",)},
    BenefitType.MATERNITY: {"sick_leave": ("first_day", "days")},
    BenefitType.ADOPTION: {
        "adoption_decision": ("decision_date", "child_iin"),
        "sick_leave": ("first_day", "days"),
    },
    BenefitType.CHILDCARE: {"birth_certificate": ("child_iin", "birth_date", "birth_order")},
}


# The documents and their fields by the names staff and applicants know them by.
DOCUMENT_NAMES = {
    "medical_expertise": _("Medical and social expertise decision"),
    "death_certificate": _("Death certificate"),
    "unemployed_registration": _("Registration as unemployed"),
    "sick_leave": _("Sick-leave certificate"),
    "adoption_decision": _("Adoption decision"),
    "birth_certificate": _("Birth certificate"),
}
FIELD_NAMES = {
    "number": _("Number"),
    "degree": _("Degree of lost working capacity"),
    "period_from": _("From"),
    "period_to": _("Until"),
    "deceased_iin": _("IIN of the deceased"),
    "death_date": _("Date of death"),
    "dependents": _("Dependents"),
    "registered_on": _("Registered on"),
    "first_day": _("First day of the leave"),
    "days": _("Days of leave"),
    "decision_date": _("Date of the decision"),
    "child_iin": _("IIN of the child"),
    "birth_date": _("Birth date"),
    "birth_order": _("Birth order"),
    "relation": _("Relation"),
}


def missing_in_words(missing: list[str]) -> str:
    """``missing_facts``' list by names: «Свидетельство о рождении: ИИН ребёнка; …»."""
    words = []
    for item in missing:
        document, _dot, field = item.partition(".")
        name = str(DOCUMENT_NAMES.get(document, document))
        words.append(f"{name}: {FIELD_NAMES.get(field, field)}" if field else name)
    return "; ".join(words)


def missing_facts(*, benefit: str, documents: Documents) -> list[str]:
    """``document`` or ``document.field`` for everything the benefit needs and lacks."""
    missing = []
    for document, fields in REQUIRED[benefit].items():
        given = documents.get(document)
        if not given:
            missing.append(document)
            continue
        missing.extend(f"{document}.{name}" for name in fields if given.get(name) in (None, "", []))
    return missing


def stated_facts(*, benefit: str, documents: Documents) -> dict[str, Any]:
    """What the documents state for the calculation (``benefits.calculation`` keys)."""
    if benefit == BenefitType.DISABILITY:
        return {"degree": documents["medical_expertise"]["degree"]}
    if benefit == BenefitType.BREADWINNER:
        return {"dependents": len(documents["death_certificate"]["dependents"])}
    if benefit in (BenefitType.MATERNITY, BenefitType.ADOPTION):
        return {"days": documents["sick_leave"]["days"]}
    if benefit == BenefitType.CHILDCARE:
        certificate = documents["birth_certificate"]
        return {"birth_order": certificate["birth_order"], "child_iin": certificate["child_iin"]}
    return {}


def event_key(*, benefit: str, documents: Documents) -> str:
    """What makes two applications the same claim: the same expertise period, death, child,
    leave or registration."""
    if benefit == BenefitType.DISABILITY:
        return f"expertise:{documents['medical_expertise']['period_from']}"
    if benefit == BenefitType.BREADWINNER:
        return f"death:{documents['death_certificate']['deceased_iin']}"
    if benefit == BenefitType.JOB_LOSS:
        return f"unemployed:{documents['unemployed_registration']['registered_on']}"
    if benefit == BenefitType.MATERNITY:
        return f"leave:{documents['sick_leave']['first_day']}"
    if benefit == BenefitType.ADOPTION:
        return f"child:{documents['adoption_decision']['child_iin']}"
    return f"child:{documents['birth_certificate']['child_iin']}"


def as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def as_json(documents: Mapping[str, Any]) -> dict[str, Any]:
    """Dates and Decimals as the API writes them (ISO, strings): the JSON column holds no floats."""
    return json.loads(json.dumps(documents, cls=DjangoJSONEncoder))

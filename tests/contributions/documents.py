"""Real MT-102 files for the contributions tests, built with the project's own writer."""

from datetime import date
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

from django.utils import timezone

from contributions.models import ReceivedFile
from contributions.mt102.build import build_document
from contributions.services import ImportReport, mt102_import
from participants.models import Person

SAMPLES = Path(__file__).parent / "samples"
TODAY = date(2025, 3, 20)
_references = count(1)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def line_for(person: Person, amount: str, period: date | None = None, **extra: Any) -> dict:
    line = {
        "iin": person.iin,
        "surname": person.surname,
        "first_name": person.first_name,
        "birth_date": person.birth_date,
        "amount": Decimal(amount),
        **extra,
    }
    if period is not None:
        line["period"] = period
    return line


def document(
    *,
    payer_idn: str,
    lines: list[dict],
    value_date: date = date(2024, 6, 10),
    knp: str = "012",
    reference: str | None = None,
    **options: Any,
) -> bytes:
    return build_document(
        reference=reference or f"T{next(_references):010d}",
        payer_idn=payer_idn,
        knp=knp,
        value_date=value_date,
        lines=lines,
        **options,
    )


def load(data: bytes, *, filename: str = "test.mt102", today: date = TODAY) -> ImportReport:
    return mt102_import(
        data=data,
        filename=filename,
        actor=None,
        source=ReceivedFile.Source.COMMAND,
        today=today or timezone.localdate(),
    )

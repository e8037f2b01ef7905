"""Demo contribution histories for the generated population, loaded through the real importer.

Shaped like domain.md: incomes log-normal with a mean of about 169,000 and a third at most
120,000 (median 149,000, sigma 0.5), about 9 months a year with contributions, some persons
with a second employer, a few late payments and a few bad lines. Every employer pays one MT-102
document a month for its staff; the self-employed pay for themselves.
"""

import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from contributions.models import ReceivedFile
from contributions.mt102.build import build_document
from contributions.services import mt102_import, penalties_accrue
from gfss.common.money import round_kzt
from gfss.common.periods import add_months, month_start
from gfss.legal.selectors import parameter_set
from participants.models import Payer, Person

INCOME_MEDIAN = 149_000
INCOME_SIGMA = 0.5
MONTH_WITH_CONTRIBUTION = 0.75  # about 9 months a year
SECOND_EMPLOYER = 0.10
EMPLOYED = 0.85
LATE_DOCUMENT = 0.03
DOCUMENT_WITH_BAD_LINE = 0.02
WORKING_AGE = 18


@dataclass(frozen=True)
class DemoContributions:
    documents: int
    lines_accepted: int
    lines_rejected: int
    penalties: int
    seconds: float


def _income(rng: random.Random) -> Decimal:
    return Decimal(round(INCOME_MEDIAN * math.exp(rng.gauss(0, INCOME_SIGMA))))


@transaction.atomic
def demo_contributions_generate(*, seed: int, today: date, months: int = 24) -> DemoContributions:
    """Contribution documents for the last ``months`` months before this one.

    One outer transaction: each import keeps its own atomic blocks as savepoints, so that the
    SQLite demo does not pay a disk sync per document.
    """
    started = time.monotonic()
    rng = random.Random(seed)
    params = parameter_set()
    adult_before = today.replace(year=today.year - WORKING_AGE)
    persons = list(
        Person.objects.filter(birth_date__lte=adult_before, death_date__isnull=True)
        .order_by("id")
        .values("iin", "surname", "first_name", "patronymic", "birth_date")
    )
    by_iin = {person["iin"]: person for person in persons}
    payers = list(Payer.objects.order_by("id").values("idn", "name", "kind"))
    employers = [p for p in payers if p["kind"] == Payer.Kind.EMPLOYER]
    staff: defaultdict[str, list[tuple[dict, Decimal]]] = defaultdict(list)
    owners = set()
    for payer in payers:
        if payer["kind"] != Payer.Kind.EMPLOYER and payer["idn"] in by_iin:
            owners.add(payer["idn"])
            staff[payer["idn"]].append((by_iin[payer["idn"]], _income(rng)))
    # A few large employers and many small ones: weights fall with the employer's rank.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(employers))]
    for person in persons:
        if person["iin"] in owners or not employers or rng.random() > EMPLOYED:
            continue
        count = 2 if rng.random() < SECOND_EMPLOYER else 1
        for employer in {rng.choices(employers, weights)[0]["idn"] for _ in range(count)}:
            staff[employer].append((person, _income(rng)))

    names = {payer["idn"]: payer["name"] for payer in payers}
    this_month = month_start(today)
    documents = accepted = rejected = 0
    for offset in range(months, 0, -1):
        period = add_months(this_month, -offset)
        rate = params.get("so.rate", on=period).decimal
        mzp = params.get("mzp", on=period).decimal
        cap = params.get("so.object_cap_mzp", on=period).decimal * mzp
        for payer_idn, members in sorted(staff.items()):
            lines = [
                {
                    "iin": person["iin"],
                    "surname": person["surname"],
                    "first_name": person["first_name"],
                    "patronymic": person["patronymic"],
                    "birth_date": person["birth_date"],
                    "period": period,
                    "amount": round_kzt(min(max(income, mzp), cap) * rate),
                }
                for person, income in members
                if rng.random() < MONTH_WITH_CONTRIBUTION
            ]
            if not lines:
                continue
            if rng.random() < DOCUMENT_WITH_BAD_LINE:
                bad = dict(lines[0])
                bad["iin"] = bad["iin"][:11] + str((int(bad["iin"][11]) + 1) % 10)
                lines.append(bad)
            value_date = add_months(period, 1) + timedelta(days=rng.randrange(5, 20))
            if rng.random() < LATE_DOCUMENT:
                value_date += timedelta(days=rng.randrange(20, 60))
            if value_date > today:
                continue
            data = build_document(
                reference=f"D{period:%y%m}{documents:06d}",
                payer_idn=payer_idn,
                payer_name=names[payer_idn],
                knp="012",
                value_date=value_date,
                lines=lines,
                default_period=period,
            )
            report = mt102_import(
                data=data,
                filename=f"demo-{payer_idn}-{period:%Y%m}.mt102",
                actor=None,
                source=ReceivedFile.Source.DEMO,
                today=today,
            )
            documents += 1
            accepted += report.lines_accepted
            rejected += report.lines_rejected
    penalties = penalties_accrue().accruals
    return DemoContributions(
        documents=documents,
        lines_accepted=accepted,
        lines_rejected=rejected,
        penalties=penalties,
        seconds=time.monotonic() - started,
    )

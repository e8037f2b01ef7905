"""The one code path from the database to a benefit result.

Facts stated by the application (degree, dependents, days, birth order) are joined with the
facts the fund holds (contributions, family links, earlier job-loss awards), and the pure
calculator of ``benefits.rules`` runs on them. The golden runner, the API, the staff calculator,
the e-cases and the batch recalculations all come through here (or, for the golden runner, the
same calculator on facts built from the case file).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from benefits.models import Award, BenefitType
from benefits.rules import Facts, Result, calculate
from benefits.rules.common import LONG_TERM_AVERAGE_MONTHS
from benefits.rules.facts import window
from contributions.calculations import PayerMonth, income_by_month
from contributions.selectors import contribution_month_counts, contribution_payer_months
from gfss.common.periods import add_months, month_start, months_between
from gfss.legal.params import ParameterSet
from gfss.legal.selectors import parameter_set
from participants.models import FamilyLink, Person

STATED_INTEGERS = ("dependents", "days", "birth_order", "previous_job_loss_months", "stazh_months")
STATED_DECIMALS = ("degree", "avg_monthly_income")


@dataclass(frozen=True)
class Request:
    """One calculation asked for: whose, which benefit, the date of the right, what is stated."""

    person_id: int | None
    benefit: str
    right_date: date
    stated: Mapping[str, Any] = field(default_factory=dict)
    # Contributions received after this day do not count (Arts. 77 p.5, 113 p.5, 180 p.3).
    received_before: date | None = None


@dataclass(frozen=True)
class History:
    contributions: tuple[PayerMonth, ...]
    stazh_months: int
    previous_job_loss_months: int


def stated_facts(right_date: date, stated: Mapping[str, Any]) -> Facts:
    """Facts from what the application or the caller states, typed."""
    values: dict[str, Any] = {}
    for name in STATED_INTEGERS:
        if stated.get(name) is not None:
            values[name] = int(stated[name])
    for name in STATED_DECIMALS:
        if stated.get(name) is not None:
            values[name] = Decimal(str(stated[name]))
    return Facts(right_date=right_date, **values)


def _by_window(requests: list[Request]) -> dict[tuple[date, date | None], list[int]]:
    """Persons grouped by the month of their right and their receipt cut-off: each group is
    fetched in one query."""
    groups: dict[tuple[date, date | None], list[int]] = defaultdict(list)
    for r in requests:
        groups[(month_start(r.right_date), r.received_before)].append(r.person_id)  # type: ignore[arg-type]
    return groups


def _window_contributions(requests: list[Request]) -> dict[int, list[PayerMonth]]:
    """Each person's contributions per payer and month of the window before the right."""
    result: dict[int, list[PayerMonth]] = {}
    for (end, received_before), person_ids in _by_window(requests).items():
        result.update(
            contribution_payer_months(
                person_ids=person_ids,
                first=add_months(end, -LONG_TERM_AVERAGE_MONTHS),
                last=add_months(end, -1),
                received_before=received_before,
            )
        )
    return result


def _stazh(requests: list[Request]) -> dict[int, int]:
    """Months with contributions from 2005-01 to the month of the right, per person."""
    result: dict[int, int] = {}
    for (end, received_before), person_ids in _by_window(requests).items():
        result.update(
            contribution_month_counts(
                person_ids=person_ids, before=end, received_before=received_before
            )
        )
    return result


def _previous_job_loss_months(requests: list[Request]) -> dict[int, int]:
    """Months of job-loss awards before the right date (repeat claims, Art. 118 p.5)."""
    person_ids = [
        r.person_id
        for r in requests
        if r.benefit == BenefitType.JOB_LOSS and r.person_id is not None
    ]
    if not person_ids:
        return {}
    right_dates = {r.person_id: r.right_date for r in requests}
    result: dict[int, int] = defaultdict(int)
    awards = Award.objects.filter(
        person_id__in=person_ids, benefit=BenefitType.JOB_LOSS
    ).values_list("person_id", "start_date", "end_date", "terminated_on")
    for person_id, start, end, terminated_on in awards:
        right_date = right_dates[person_id]
        if start >= right_date:
            continue
        stop = min(d for d in (end, terminated_on, right_date) if d is not None)
        result[person_id] += max(months_between(start, stop), 0)
    return result


def histories(requests: Iterable[Request]) -> dict[int, History]:
    """The fund's own facts for many persons in a constant number of queries."""
    requests = [r for r in requests if r.person_id is not None]
    if not requests:
        return {}
    contributions = _window_contributions(requests)
    stazh = _stazh(requests)
    job_loss = _previous_job_loss_months(requests)
    return {
        r.person_id: History(  # type: ignore[misc]
            contributions=tuple(contributions.get(r.person_id, ())),  # type: ignore[arg-type]
            stazh_months=stazh.get(r.person_id, 0),  # type: ignore[arg-type]
            previous_job_loss_months=job_loss.get(r.person_id, 0),  # type: ignore[arg-type]
        )
        for r in requests
    }


def _birth_order(*, person_id: int, child_iin: str) -> int | None:
    """The child's place among the applicant's children by birth date (family links)."""
    children = list(
        FamilyLink.objects.filter(person_id=person_id, kind=FamilyLink.Kind.CHILD)
        .order_by("relative__birth_date", "relative_id")
        .values_list("relative__iin", flat=True)
    )
    return children.index(child_iin) + 1 if child_iin in children else None


def facts_for(request: Request, history: History | None, *, params: ParameterSet) -> Facts:
    """Stated facts win; what is not stated comes from the fund's history."""
    facts = stated_facts(request.right_date, request.stated)
    if history is None:
        return facts
    incomes = income_by_month(history.contributions, params=params)
    derived: dict[str, Any] = {"monthly_incomes": incomes}
    if facts.stazh_months is None:
        derived["stazh_months"] = history.stazh_months
    if "previous_job_loss_months" not in request.stated:
        derived["previous_job_loss_months"] = history.previous_job_loss_months
    first, end = window(right_date=request.right_date, months=LONG_TERM_AVERAGE_MONTHS)
    derived["has_contribution_in_window"] = any(
        first <= c.period < end and c.amount > 0 for c in history.contributions
    )
    if facts.birth_order is None and request.stated.get("child_iin") and request.person_id:
        derived["birth_order"] = _birth_order(
            person_id=request.person_id, child_iin=str(request.stated["child_iin"])
        )
    return replace(facts, **derived)


def benefit_calculate_many(
    requests: list[Request], *, params: ParameterSet | None = None
) -> list[Result]:
    """Many calculations with the history of all the persons fetched at once."""
    params = params or parameter_set()
    known = histories(requests)
    return [
        calculate(r.benefit, facts_for(r, known.get(r.person_id), params=params), params=params)  # type: ignore[arg-type]
        for r in requests
    ]


def benefit_calculate(
    *,
    benefit: str,
    right_date: date,
    person: Person | None = None,
    stated: Mapping[str, Any] | None = None,
    received_before: date | None = None,
    params: ParameterSet | None = None,
) -> Result:
    request = Request(
        person_id=person.pk if person else None,
        benefit=benefit,
        right_date=right_date,
        stated=stated or {},
        received_before=received_before,
    )
    return benefit_calculate_many([request], params=params)[0]

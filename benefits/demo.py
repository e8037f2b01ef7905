"""Demo e-cases and awards for `make run`, through the real services (so each case has its
calculation, checks, deadlines and history) in the proportions of domain.md's new awards of
2022: childcare largest, then maternity and adoption, job loss, disability, breadwinner.

A working day in two branches, Almaty city (B75) and Astana city (B71), each with its own
specialist and head, made by the same code: for each benefit, one case in every state first
(new, held by the specialist, assigned with its award, refused and confirmed, a refusal and an
override waiting for the head, returned), whatever the seed; then the rest of the branch's
cases in the old proportions (most assigned, some refusals and overrides waiting, some
returned, the rest open), a part of them overdue (received up to two weeks ago). The seed
chooses the people, the dates, the documents and the order.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from benefits.models import Application, Award, BenefitType, Channel
from benefits.refusals import refusal_codes_fitting
from benefits.services.applications import (
    application_assign,
    application_confirm,
    application_create,
    application_refuse,
    application_return,
    application_take,
)
from benefits.services.life_events import life_event_report
from contributions.models import ContributionLine
from gfss.common.exceptions import ApplicationError
from gfss.common.identifiers import make_iin
from gfss.legal.selectors import parameter_value
from gfss.org.access import Scope
from gfss.org.actors import StaffUser
from gfss.org.models import Branch, PartnerClient
from gfss.org.services import partner_client_create
from participants.models import LifeEvent, Person, Sex

# domain.md "2022 figures by benefit", new awards; maternity and adoption share one figure,
# adoption being a small part of it [D: 1 in 50].
NEW_AWARDS_2022: dict[str, int] = {
    BenefitType.CHILDCARE: 323_286,
    BenefitType.MATERNITY: 236_738,
    BenefitType.ADOPTION: 4_831,
    BenefitType.JOB_LOSS: 109_923,
    BenefitType.DISABILITY: 15_622,
    BenefitType.BREADWINNER: 5_878,
}
# The demo's branches: (specialist, head, e-cases), the users gfss.org.demo makes.
DEMO_BRANCHES: dict[str, tuple[str, str, int]] = {
    "B75": ("specialist", "head", 160),
    "B71": ("astana", "astana-head", 100),
}
# What the demo does with a case, each giving one state: open (received), held (in review,
# taken by the specialist), assigned, refused (confirmed by the head), waiting (a refusal or
# an override for the head to confirm), returned.
PLANS = ("open", "held", "assigned", "refused", "waiting_refusal", "waiting_override", "returned")
# An assignment, as calculated or with an amount set by hand, needs an eligible case.
_NEEDS_ELIGIBLE = {"assigned", "waiting_override"}


@dataclass(frozen=True)
class DemoCases:
    cases: int
    assigned: int
    waiting: int


def _shares(total: int) -> dict[str, int]:
    """Largest remainder, at least one case per benefit."""
    weight = sum(NEW_AWARDS_2022.values())
    exact = {b: total * n / weight for b, n in NEW_AWARDS_2022.items()}
    counts = {b: max(1, int(v)) for b, v in exact.items()}
    for benefit in sorted(exact, key=lambda b: exact[b] - int(exact[b]), reverse=True):
        if sum(counts.values()) >= total:
            break
        counts[benefit] += 1
    return counts


def _documents(benefit: str, *, right: date, rng: random.Random, other: Person) -> dict[str, Any]:
    child = make_iin(birth_date=right, sex=rng.choice("MF"), rng=rng)
    if benefit == BenefitType.CHILDCARE:
        return {
            "birth_certificate": {
                "number": f"BC-{rng.randrange(10**6)}",
                "child_iin": child,
                "birth_date": right,
                "birth_order": rng.choice((1, 1, 2, 2, 3, 4)),
            }
        }
    if benefit == BenefitType.MATERNITY:
        days = rng.choice((126, 126, 126, 140))
        return {
            "sick_leave": {"number": f"SL-{rng.randrange(10**6)}", "first_day": right, "days": days}
        }
    if benefit == BenefitType.ADOPTION:
        return {
            "adoption_decision": {"number": "AD-1", "decision_date": right, "child_iin": child},
            "sick_leave": {"number": f"SL-{rng.randrange(10**6)}", "first_day": right, "days": 56},
        }
    if benefit == BenefitType.JOB_LOSS:
        return {"unemployed_registration": {"number": "UR-1", "registered_on": right}}
    if benefit == BenefitType.DISABILITY:
        return {
            "medical_expertise": {
                "number": f"ME-{rng.randrange(10**6)}",
                "degree": rng.choice((Decimal("0.40"), Decimal("0.60"), Decimal("0.80"))),
                "period_from": right,
                "period_to": right + timedelta(days=365),
            }
        }
    return {
        "death_certificate": {
            "number": "DC-1",
            "deceased_iin": other.iin,
            "death_date": right,
            "dependents": [{"birth_date": right - timedelta(days=365 * 6), "relation": "child"}],
        }
    }


def _applicants(
    *, region_id: int, today: date, insured: set[int]
) -> tuple[list[Person], list[Person]]:
    """Women and men of working age in a branch's region, those with contributions first."""
    people = list(
        Person.objects.filter(
            region_id=region_id,
            death_date__isnull=True,
            birth_date__lte=today - timedelta(days=20 * 365),
            birth_date__gte=today - timedelta(days=55 * 365),
        ).order_by("id")[:5000]
    )
    people.sort(key=lambda p: p.pk not in insured)
    women = [p for p in people if p.sex == Sex.FEMALE]
    men = [p for p in people if p.sex == Sex.MALE]
    return women, men


def _plan_roll(rng: random.Random) -> str:
    """A case beyond the first of each state: old cases are mostly decided, recent ones stay
    open."""
    roll = rng.random()
    for plan, below in (
        ("open", 0.35),
        ("held", 0.45),
        ("refused", 0.5),
        ("waiting_refusal", 0.55),
        ("returned", 0.6),
        ("waiting_override", 0.65),
    ):
        if roll < below:
            return plan
    return "assigned"


def demo_cases_generate(*, seed: int, today: date) -> DemoCases:
    """Idempotent: nothing is generated when e-cases exist."""
    if Application.objects.exists():
        return DemoCases(0, 0, 0)
    insured = set(ContributionLine.objects.values_list("person_id", flat=True).distinct()[:20_000])
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=[name for spec in DEMO_BRANCHES.values() for name in spec[:2]]
        )
    }
    made = assigned = waiting = 0
    for code, (specialist_name, head_name, count) in DEMO_BRANCHES.items():
        branch = Branch.objects.filter(code=code).first()
        specialist, head = users.get(specialist_name), users.get(head_name)
        if branch is None or branch.region_id is None or specialist is None or head is None:
            continue
        cases = _BranchCases(
            rng=random.Random(f"{seed}-{code}"),
            today=today,
            people=_applicants(region_id=branch.region_id, today=today, insured=insured),
            specialist=specialist,
            head=head,
        )
        cases.generate(count)
        made += cases.made
        assigned += cases.outcomes.count("assigned")
        waiting += cases.outcomes.count("waiting_refusal") + cases.outcomes.count(
            "waiting_override"
        )
    return DemoCases(made, assigned, waiting)


class _BranchCases:
    """One branch's e-cases: every state of every benefit first, then the rest of ``count``."""

    def __init__(
        self,
        *,
        rng: random.Random,
        today: date,
        people: tuple[list[Person], list[Person]],
        specialist: StaffUser,
        head: StaffUser,
    ) -> None:
        self.rng, self.today = rng, today
        self.women, self.men = people
        self.specialist, self.head = specialist, head
        self.used: set[int] = set()
        self.tried: set[tuple[str, int]] = set()
        self.made = 0
        self.outcomes: list[str] = []

    def generate(self, count: int) -> None:
        shares = _shares(count)
        for benefit in shares:
            plans = list(PLANS)
            self.rng.shuffle(plans)
            self._cases(benefit, plans, required=True)
        for benefit, n in shares.items():
            extra = [_plan_roll(self.rng) for _ in range(max(0, n - len(PLANS)))]
            self._cases(benefit, extra, required=False)

    def _people(self, benefit: str) -> Iterator[Person]:
        """Those without a case yet first, then those with a case of another benefit."""
        women_only = benefit in (BenefitType.CHILDCARE, BenefitType.MATERNITY)
        pool = self.women if women_only else self.rng.choice((self.women, self.men))
        others = [] if women_only else (self.men if pool is self.women else self.women)
        candidates = [p for p in pool + others if (benefit, p.pk) not in self.tried]
        candidates.sort(key=lambda p: p.pk in self.used)
        yield from candidates

    def _cases(self, benefit: str, plans: list[str], *, required: bool) -> None:
        """Each plan on a case of its own. A plan needing an eligible case waits for one; an
        ineligible case takes the first plan it fits, a case beyond the required ones becoming
        a refusal for the head."""
        pending = list(plans)
        for person in self._people(benefit):
            if not pending:
                return
            self.tried.add((benefit, person.pk))
            received = self.today - timedelta(days=self.rng.randrange(0, 14))
            right = received - timedelta(days=self.rng.randrange(1, 20))
            try:
                with transaction.atomic():
                    case = self._case(benefit, person, received=received, right=right)
                    plan = next(
                        (p for p in pending if case.eligible or p not in _NEEDS_ELIGIBLE),
                        None if required else pending[0],
                    )
                    if plan is None:
                        transaction.set_rollback(True)
                        continue
                    done = (
                        plan if case.eligible or plan not in _NEEDS_ELIGIBLE else "waiting_refusal"
                    )
                    self._decide(case, done)
            except ApplicationError:
                continue  # e.g. the person already has such a case: skip, the demo goes on
            pending.remove(plan)
            self.used.add(person.pk)
            self.made += 1
            self.outcomes.append(done)

    def _case(self, benefit: str, person: Person, *, received: date, right: date) -> Application:
        rng = self.rng
        return application_create(
            actor=None,
            iin=person.iin,
            benefit=benefit,
            channel=rng.choice((Channel.STATE_CORPORATION, Channel.PORTAL, Channel.PROACTIVE)),
            received_on=received,
            right_date=right,
            documents=_documents(benefit, right=right, rng=rng, other=self._deceased(person)),
            today=received,
        )

    def _deceased(self, applicant: Person) -> Person:
        """The breadwinner a survivor's case names: a man of the region, or where a small
        population has none of working age, a woman other than the applicant."""
        if self.men:
            return self.rng.choice(self.men)
        others = [p for p in self.women if p.pk != applicant.pk]
        return self.rng.choice(others or self.women)

    def _decide(self, case: Application, plan: str) -> None:
        specialist = self.specialist
        if plan == "open":
            return
        application_take(actor=specialist, application_id=case.pk)
        if plan == "held":
            return
        if plan in ("refused", "waiting_refusal"):
            application_refuse(
                actor=specialist,
                application_id=case.pk,
                reason_code=refusal_codes_fitting(case)[0],
                reason_text="Основания отказа указаны в расчёте.",
            )
            if plan == "refused":
                application_confirm(actor=self.head, application_id=case.pk)
        elif plan == "returned":
            application_return(
                actor=specialist, application_id=case.pk, comment="Нечитаемая копия."
            )
        elif plan == "waiting_override":
            application_assign(
                actor=specialist,
                application_id=case.pk,
                # Whole tens of tenge: the OPV is then whole and SQLite's float arithmetic in
                # the gross = OPV + net check stays exact.
                override_gross=case.calculated_gross.quantize(Decimal(10)) + Decimal(1000),
                comment="Уточнён доход по справке работодателя.",
            )
        else:
            application_assign(actor=specialist, application_id=case.pk)


# The registries of the demo, one scope each (gfss.org.access), as partner_create issues them.
DEMO_REGISTRIES = {
    "ИС ЗАГС (демо)": Scope.LIFE_EVENTS_DEATH,
    "Центр занятости Алматы (демо)": Scope.LIFE_EVENTS_EMPLOYMENT,
    "МСЭ (демо)": Scope.LIFE_EVENTS_DISABILITY,
}


def _registry(name: str) -> Any:
    client = PartnerClient.objects.filter(name=name).select_related("user").first()
    if client is None:
        client = partner_client_create(name=name, scopes=[DEMO_REGISTRIES[name]]).client
    return client.user


def demo_life_events_report(*, today: date, awards: list[Award]) -> int:
    """Life events the registries report late on awards already paid for a while (the caller
    gives them, the earliest first): a recipient's death, a deregistration as unemployed, a
    degree of disability raised from the award's start. The next payment run settles them."""
    registry = {name: _registry(name) for name in DEMO_REGISTRIES}
    death, employment, disability = registry.values()
    reported = 0
    chosen: set[int] = set()

    def first(benefits: set[str]) -> Award | None:
        return next((a for a in awards if a.benefit in benefits and a.pk not in chosen), None)

    plan = [
        (first({BenefitType.JOB_LOSS}), employment, LifeEvent.Kind.DEREGISTRATION, None),
        (first({BenefitType.DISABILITY}), disability, LifeEvent.Kind.DISABILITY_DEGREE, "0.90"),
    ]
    for award, actor, kind, degree in plan:
        if award is None:
            continue
        chosen.add(award.pk)
        on = min(award.start_date + timedelta(days=3), today)
        life_event_report(
            actor=actor,
            reference=f"DEMO-{kind}-{award.pk}",
            kind=kind,
            iin=award.person.iin,
            event_date=on if degree is None else award.start_date,
            degree=None if degree is None else Decimal(degree),
            document=f"{award.pk:06d}",
        )
        reported += 1
    deceased = first({BenefitType.CHILDCARE, BenefitType.BREADWINNER, BenefitType.DISABILITY})
    if deceased is not None:
        life_event_report(
            actor=death,
            reference=f"DEMO-death-{deceased.pk}",
            kind=LifeEvent.Kind.DEATH,
            iin=deceased.person.iin,
            event_date=min(deceased.start_date + timedelta(days=1), today),
            document=f"АЗ-{deceased.pk:06d}",
        )
        reported += 1
    return reported


# --- at scale: set-based on PostgreSQL ------------------------------------------------------

# Recipients of 2022 by benefit (domain.md "2022 figures by benefit"), with the averages at
# award: (recipients, award, income, participation months).
RECIPIENTS_2022 = {
    BenefitType.DISABILITY: (97_645, 37_902, 117_963, 131),
    BenefitType.BREADWINNER: (61_442, 40_854, 124_667, 121),
    BenefitType.JOB_LOSS: (110_619, 44_896, 109_563, 78),
    BenefitType.MATERNITY: (251_105, 810_523, 188_492, 0),
    BenefitType.CHILDCARE: (642_646, 45_997, 94_737, 48),
}
# Who receives each benefit: (sex, youngest, oldest, share of the benefit's awards); domain.md
# gives disability 60 % men and 63.9 % aged 50-63, job loss 37 % aged 20-34, 43 % 35-49, 20 %
# 50-63, and an average age of 30 for mothers, 41 for breadwinner families.
COHORTS = {
    BenefitType.DISABILITY: (
        ("M", 50, 63, 0.384),
        ("F", 50, 63, 0.255),
        ("M", 30, 49, 0.216),
        ("F", 30, 49, 0.145),
    ),
    BenefitType.BREADWINNER: (("M", 30, 55, 0.5), ("F", 30, 55, 0.5)),
    BenefitType.JOB_LOSS: (
        ("M", 20, 34, 0.185),
        ("F", 20, 34, 0.185),
        ("M", 35, 49, 0.215),
        ("F", 35, 49, 0.215),
        ("M", 50, 63, 0.1),
        ("F", 50, 63, 0.1),
    ),
    BenefitType.MATERNITY: (("F", 22, 39, 1.0),),
    BenefitType.CHILDCARE: (("F", 22, 39, 0.95), ("M", 22, 39, 0.05)),
}
# How long each award runs, in months (None: open-ended; 0: a lump sum), and over how many
# months before today the awards started.
DURATION = {
    BenefitType.DISABILITY: (None, 96),
    BenefitType.BREADWINNER: (None, 96),
    BenefitType.JOB_LOSS: (6, 36),
    BenefitType.MATERNITY: (0, 36),
    BenefitType.CHILDCARE: (12, 36),
}
_U = "((hashint8(({x})::bigint)::float8 + 2147483648.5) / 4294967296.0)"

_AWARDS_SQL = """
INSERT INTO benefits_award (created_at, updated_at, uuid, person_id, benefit, branch_id,
    right_date, assigned_on, start_date, end_date, lump_sum, status, termination_reason,
    calculation, revision)
SELECT now(), now(), gen_random_uuid(), p.id, %(benefit)s, b.id, s.start, s.start, s.start,
       CASE WHEN %(months)s::int > 0 THEN (s.start + make_interval(months => s.months))::date END,
       %(months)s::int = 0, 'active', '',
       jsonb_build_object(
           'avg_monthly_income', round((%(income)s * (0.6 + 0.8 * {u_income}))::numeric)::text,
           'stazh_months', round((%(stazh)s * (0.5 + {u_stazh}))::numeric)::int,
           'months', s.months),
       0
FROM (
    SELECT id, region_id FROM participants_person
    WHERE sex = %(sex)s AND birth_date > %(born_after)s AND birth_date <= %(born_before)s
    ORDER BY hashint8(id + %(salt)s) LIMIT %(n)s
) p
JOIN org_branch b ON b.region_id = p.region_id
CROSS JOIN LATERAL (
    SELECT (date_trunc('month', %(today)s::date)
            - make_interval(months => 1 + floor({u_start} * %(window)s)::int))::date AS start,
           CASE WHEN %(benefit)s = 'job_loss'
                THEN CASE WHEN {u_months} < 0.54 THEN 6
                          ELSE 1 + floor(({u_months} - 0.54) / 0.46 * 5)::int END
                ELSE GREATEST(%(months)s::int, 0) END AS months
) s
"""

_AMOUNTS_SQL = """
INSERT INTO benefits_awardamount (created_at, updated_at, award_id, valid_from, gross, opv, net,
    reason, comment, base, step)
SELECT now(), now(), a.id, a.start_date, g.gross, g.opv, g.gross - g.opv, 'assignment', '',
       g.gross, '{{}}'::jsonb
FROM benefits_award a
CROSS JOIN LATERAL (SELECT round((%(award)s * (0.7 + 0.6 * {u}))::numeric, 2) AS gross) base
CROSS JOIN LATERAL (
    SELECT base.gross,
           CASE WHEN a.benefit = 'breadwinner' THEN 0 ELSE round(base.gross * %(opv)s, 2) END
           AS opv
) g
WHERE a.id > %(after)s AND a.benefit = %(benefit)s
"""


@transaction.atomic
def demo_awards_bulk(*, count: int, today: date) -> dict[str, int]:
    """``count`` awards in the 2022 proportions by benefit, sex and age, in the persons'
    regions, each with its assignment amount; set-based (PostgreSQL). Returns awards by
    benefit."""
    total = sum(figures[0] for figures in RECIPIENTS_2022.values())
    opv_rate = parameter_value("benefit.opv_rate", on=today)
    made: dict[str, int] = {}
    with connection.cursor() as cursor:
        for salt, (benefit, (recipients, award, income, stazh)) in enumerate(
            RECIPIENTS_2022.items()
        ):
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM benefits_award")
            after = cursor.fetchone()[0]
            months, window = DURATION[benefit]
            for index, (sex, youngest, oldest, share) in enumerate(COHORTS[benefit]):
                cursor.execute(
                    _AWARDS_SQL.format(
                        u_income=_U.format(x="p.id * 8 + 1"),
                        u_stazh=_U.format(x="p.id * 8 + 2"),
                        u_start=_U.format(x="p.id * 8 + 3"),
                        u_months=_U.format(x="p.id * 8 + 4"),
                    ),
                    {
                        "benefit": benefit,
                        "months": -1 if months is None else months,
                        "income": income,
                        "stazh": stazh,
                        "sex": sex,
                        "born_after": today.replace(year=today.year - oldest - 1),
                        "born_before": today.replace(year=today.year - youngest),
                        "salt": salt * 10 + index,
                        "n": round(count * recipients / total * share),
                        "today": today,
                        "window": window,
                    },
                )
            cursor.execute(
                _AMOUNTS_SQL.format(u=_U.format(x="a.id * 8 + 5")),
                {"award": award, "opv": opv_rate, "after": after, "benefit": benefit},
            )
            cursor.execute(
                "SELECT COUNT(*) FROM benefits_award WHERE id > %s AND benefit = %s",
                [after, benefit],
            )
            made[benefit] = cursor.fetchone()[0]
        cursor.execute("ANALYZE benefits_award; ANALYZE benefits_awardamount")
    return made

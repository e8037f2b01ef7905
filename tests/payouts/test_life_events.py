"""Life events from partner registries over the API: each kind applied to the awards it
touches and settled by the next payment run, idempotent on the partner's reference, and
refused with a specific code in the caller's language, nothing written."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from benefits.entitlement import award_entitlement
from benefits.models import AwardAmount, AwardDecision, AwardLifeEvent, BenefitType
from benefits.services.amount_chain import Link, amount_chain_extend
from benefits.services.applications import application_assign
from gfss.org.models import Role
from gfss.org.services import partner_client_create
from participants.models import LifeEvent, Person
from payouts.models import Overpayment, Payment, Underpayment
from payouts.services.payments import payment_run_start
from tests.benefits.cases import case_received, child_of, documents_for, insured_person
from tests.factories import PersonFactory
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db

DEATH = "life_events.death"
EMPLOYMENT = "life_events.employment"
DISABILITY = "life_events.disability"
URL = "/api/v1/life-events/"


def assigned(specialist, benefit: str, *, person: Person | None = None, **documents):
    """An award from an e-case assigned by a specialist (right date 2025-03-10)."""
    person = person or insured_person()
    case = case_received(
        person, benefit=benefit, documents=documents_for(benefit, **documents) or None
    )
    application_assign(actor=specialist, application_id=case.pk)
    case.refresh_from_db()
    return case.award


def disability_award(specialist, *, gross: str = "50000.00"):
    """Disability from 2025-03-10 to 2026-03-09 at exactly ``gross`` a month."""
    award = assigned(specialist, BenefitType.DISABILITY, period_to=date(2026, 3, 9))
    amount_chain_extend(
        {
            award.pk: [
                Link(
                    valid_from=award.start_date,
                    reason=AwardAmount.Reason.RECALCULATION,
                    base=Decimal(gross),
                )
            ]
        },
        actor_id=specialist.pk,
    )
    return award


def run(*months: int, year: int = 2025) -> None:
    for month in months:
        batch = run_to_end(payment_run_start(period=date(year, month, 1), actor=None))
        assert batch.status == "done", batch.error_report


def paid_months(award, kind=Payment.Kind.REGULAR) -> list[date]:
    return list(
        Payment.objects.filter(award=award, kind=kind)
        .order_by("period")
        .values_list("period", flat=True)
    )


def overpaid_months(award) -> list[date]:
    return list(
        Overpayment.objects.filter(award=award).order_by("period").values_list("period", flat=True)
    )


def report(client: APIClient, **body):
    body.setdefault("reference", "REF-1")
    return client.post(URL, body, format="json")


def test_a_death_recorded_late_ends_the_award_and_the_months_after_it_are_overpaid(
    specialist, partner_api
) -> None:
    # given: a disability award paid March to June 2025
    award = disability_award(specialist)
    run(3, 4, 5, 6)
    # when: the civil registry reports the death on 15 April
    answer = report(
        partner_api(DEATH), kind="death", iin=award.person.iin, date="2025-04-15", document="A-1"
    )
    # then: recorded on the person, the award ends after the month of death …
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["kind"] == "death"
    assert body["awards"] == [
        {
            "award": str(award.uuid),
            "benefit": "disability",
            "effect": "ended",
            "effective_date": "2025-05-01",
            "decision": body["awards"][0]["decision"],
        }
    ]
    award.refresh_from_db()
    award.person.refresh_from_db()
    assert award.person.death_date == date(2025, 4, 15)
    assert award.terminated_on == date(2025, 5, 1)
    assert award.status == "terminated"
    known_today = award_entitlement(award.pk, known_on=timezone.localdate())
    assert known_today.due(date(2025, 5, 1)).net == Decimal("0.00")
    assert known_today.due(date(2025, 4, 1)).net == Decimal("45000.00")
    # … and the next run finds May and June overpaid (45,000 net each) and pays nothing more
    run(7)
    assert overpaid_months(award) == [date(2025, 5, 1), date(2025, 6, 1)]
    assert set(Overpayment.objects.filter(award=award).values_list("amount", flat=True)) == {
        Decimal("45000.00")
    }
    assert paid_months(award)[-1] == date(2025, 6, 1)


def test_a_childs_death_ends_the_childcare_award_after_the_month_of_death(
    specialist, partner_api
) -> None:
    # given: a childcare award for a registered child, paid March to May 2025
    mother = insured_person()
    child = child_of(mother)
    award = assigned(specialist, BenefitType.CHILDCARE, person=mother, child_iin=child.iin)
    run(3, 4, 5)
    # when: the registry reports the child's death on 2 April
    answer = report(partner_api(DEATH), kind="death", iin=child.iin, date="2025-04-02")
    # then: the mother's childcare award ends from 1 May; May is overpaid after the next run
    assert answer.status_code == 201, answer.json()
    assert [(a["award"], a["effect"], a["effective_date"]) for a in answer.json()["awards"]] == [
        (str(award.uuid), "ended", "2025-05-01")
    ]
    run(6)
    assert overpaid_months(award) == [date(2025, 5, 1)]
    assert paid_months(award)[-1] == date(2025, 5, 1)


@pytest.mark.parametrize("kind", ["deregistration", "employment"])
def test_leaving_the_unemployed_register_ends_job_loss_from_the_next_month(
    specialist, partner_api, kind
) -> None:
    # given: a 3-month job-loss award (March to May 2025), all paid
    award = assigned(specialist, BenefitType.JOB_LOSS)
    disability = disability_award(specialist)  # someone else's: untouched
    run(3, 4, 5)
    assert paid_months(award) == [date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)]
    # when: the employment centre reports it on 20 April
    answer = report(partner_api(EMPLOYMENT), kind=kind, iin=award.person.iin, date="2025-04-20")
    # then: the award ends from 1 May, and May becomes an overpayment
    assert answer.status_code == 201, answer.json()
    assert answer.json()["awards"][0]["effective_date"] == "2025-05-01"
    run(6)
    assert overpaid_months(award) == [date(2025, 5, 1)]
    assert not Overpayment.objects.filter(award=disability).exists()


def test_a_degree_raised_from_a_past_date_tops_the_paid_months_up(specialist, partner_api) -> None:
    # given: a disability award (degree 0.60) of 50,000 a month, paid March to June
    award = disability_award(specialist)
    run(3, 4, 5, 6)
    # when: the expertise reports degree 0.80 from 1 April
    answer = report(
        partner_api(DISABILITY),
        kind="disability_degree",
        iin=award.person.iin,
        date="2025-04-01",
        degree="0.80",
    )
    # then: a recalculation from April through the e-case's calculation …
    assert answer.status_code == 201, answer.json()
    assert answer.json()["awards"][0]["effect"] == "recalculated"
    decision = AwardDecision.objects.get(award=award, kind="recalculate")
    assert decision.effective_date == date(2025, 4, 1)
    assert decision.facts == {"degree": "0.80"}
    entitlement = award_entitlement(award.pk)
    assert entitlement.due(date(2025, 3, 1)).gross == Decimal("50000.00")
    assert entitlement.due(date(2025, 4, 1)).gross == decision.gross
    # … and the next run tops April to June up by the difference, March untouched
    run(7)
    top_ups = list(Underpayment.objects.filter(award=award).order_by("period"))
    assert [t.period for t in top_ups] == [date(2025, m, 1) for m in (4, 5, 6)]
    new_net = entitlement.due(date(2025, 4, 1)).net
    assert new_net > Decimal("45000.00")
    assert {t.net for t in top_ups} == {new_net - Decimal("45000.00")}
    assert not Overpayment.objects.filter(award=award).exists()


def test_a_death_ends_an_award_made_without_an_e_case_too(make_award, partner_api) -> None:
    award = make_award("disability", start=date(2024, 1, 1), gross="60000.00")
    run(1, 2, 3)
    answer = report(partner_api(DEATH), kind="death", iin=award.person.iin, date="2025-01-20")
    assert answer.status_code == 201, answer.json()
    award.refresh_from_db()
    assert award.terminated_on == date(2025, 2, 1)
    run(4)
    assert overpaid_months(award) == [date(2025, 2, 1), date(2025, 3, 1)]


def test_the_same_report_again_is_the_same_answer_and_changes_nothing(
    specialist, partner_api
) -> None:
    award = disability_award(specialist)
    client = partner_api(DEATH)
    body = {"kind": "death", "iin": award.person.iin, "date": "2025-04-15", "reference": "Z-9"}
    first = report(client, **body)
    again = report(client, **body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert LifeEvent.objects.count() == 1
    assert AwardDecision.objects.filter(award=award).count() == 1
    # the same reference with another body is refused, and nothing is written
    other = report(client, **{**body, "date": "2025-04-16"})
    assert other.status_code == 409
    assert other.json()["code"] == "life_event_reference_reused"
    assert LifeEvent.objects.count() == 1


def test_another_partners_reference_is_its_own(specialist, partner_api) -> None:
    award = disability_award(specialist)
    body = {"kind": "death", "iin": award.person.iin, "date": "2025-04-15", "reference": "1"}
    assert report(partner_api(DEATH), **body).status_code == 201
    second = APIClient()
    issued = partner_client_create(name="another registry", scopes=[DEATH])
    second.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
    answer = report(second, **body)
    # a second registry reporting the same death: recorded, the award already ended
    assert answer.status_code == 201
    assert answer.json()["awards"][0]["effect"] == "unchanged"


def _nothing_written() -> None:
    assert not LifeEvent.objects.exists()
    assert not AwardLifeEvent.objects.exists()
    assert not AwardDecision.objects.exists()


def test_an_unknown_person_is_refused(partner_api) -> None:
    answer = report(partner_api(DEATH), kind="death", iin="850712300017", date="2025-04-15")
    assert answer.status_code == 400
    assert answer.json()["code"] == "person_unknown"
    _nothing_written()


@pytest.mark.parametrize(("scope", "kind"), [(DEATH, "death"), (EMPLOYMENT, "deregistration")])
def test_a_date_in_the_future_is_refused(specialist, partner_api, scope, kind) -> None:
    person = insured_person()
    tomorrow = timezone.localdate() + timedelta(days=1)
    answer = report(partner_api(scope), kind=kind, iin=person.iin, date=tomorrow.isoformat())
    assert answer.status_code == 400
    assert answer.json()["code"] == "event_date_in_future"
    person.refresh_from_db()
    assert person.death_date is None
    _nothing_written()


def test_a_second_different_date_of_death_is_refused(specialist, partner_api) -> None:
    award = disability_award(specialist)
    client = partner_api(DEATH)
    assert report(client, kind="death", iin=award.person.iin, date="2025-04-15").status_code == 201
    answer = report(
        client, kind="death", iin=award.person.iin, date="2025-06-01", reference="REF-2"
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "death_date_conflict"
    award.refresh_from_db()
    assert award.terminated_on == date(2025, 5, 1)
    assert LifeEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("scope", "kind"),
    [(EMPLOYMENT, "death"), (DEATH, "deregistration"), (DEATH, "disability_degree")],
)
def test_a_kind_the_scope_does_not_allow_is_forbidden(specialist, partner_api, scope, kind):
    person = insured_person()
    body = {"kind": kind, "iin": person.iin, "date": "2025-04-15"}
    if kind == "disability_degree":
        body["degree"] = "0.50"
    answer = report(partner_api(scope), **body)
    assert answer.status_code == 403
    assert answer.json()["code"] == "life_event_kind_not_allowed"
    _nothing_written()


def test_no_life_event_scope_no_staff_session_reports_anything(partner_api, make_staff) -> None:
    person = insured_person()
    body = {"kind": "death", "iin": person.iin, "date": "2025-04-15", "reference": "X"}
    staff = APIClient()
    staff.force_login(make_staff(Role.HEAD))
    for client in (partner_api("applications"), staff):
        assert client.post(URL, body, format="json").status_code == 403
    _nothing_written()


def test_a_degree_is_needed_for_a_changed_degree_and_only_there(specialist, partner_api):
    person = insured_person()
    client = partner_api(DISABILITY, DEATH)
    missing = report(client, kind="disability_degree", iin=person.iin, date="2025-04-01")
    extra = report(client, kind="death", iin=person.iin, date="2025-04-01", degree="0.5")
    assert [missing.json()["code"], extra.json()["code"]] == ["life_event_degree_invalid"] * 2
    _nothing_written()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "Человек с ИИН 850712300017 не найден в регистре."),
        ("ru", "Человек с ИИН 850712300017 не найден в регистре."),
        ("kk", "ЖСН 850712300017 адам тіркелімде жоқ."),
        ("en", "No person with IIN 850712300017 is in the registry."),
    ],
)
def test_a_refusal_speaks_the_callers_language_russian_by_default(
    partner_api, language, message
) -> None:
    client = partner_api(DEATH)
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    answer = client.post(
        URL,
        {"kind": "death", "iin": "850712300017", "date": "2025-04-15", "reference": "L"},
        format="json",
        **headers,
    )
    assert answer.json()["message"] == message


def test_the_award_months_api_shows_a_late_death_at_once_and_settled_after_the_run(
    specialist, partner_api, make_staff
) -> None:
    award = disability_award(specialist)
    run(3, 4, 5, 6)
    report(partner_api(DEATH), kind="death", iin=award.person.iin, date="2025-04-15")
    staff = APIClient()
    staff.force_login(specialist)
    url = f"/api/v1/awards/{award.uuid}/months/"
    # at once: May and June are no longer due, each paid 45,000 too much
    months = {m["period"]: m for m in staff.get(url).json()["months"]}
    assert (months["2025-05"]["due"], months["2025-05"]["paid"]) == ("0.00", "45000.00")
    assert months["2025-05"]["balance"] == "-45000.00"
    assert months["2025-04"]["balance"] == "0.00"
    # after the next run: the overpayments found, left to recover
    run(7)
    body = staff.get(url).json()
    june = next(m for m in body["months"] if m["period"] == "2025-06")
    assert june["overpaid"] == "45000.00"
    assert body["to_recover"] == "90000.00"
    # another region's specialist does not see the award
    other = APIClient()
    other.force_login(make_staff(Role.SPECIALIST, region="71"))
    assert other.get(url).status_code == 404


def test_the_schema_documents_life_events_and_award_months_with_no_warning(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    assert "/api/v1/life-events/:" in schema
    assert "/api/v1/awards/{uuid}/months/:" in schema
    assert "life_event_kind_not_allowed" in schema
    assert "a changed degree of disability (medical-social expertise)" in schema


PAGE_TEXTS = {
    "ru": ("Жизненные события", "Смерть", "Прекращено с даты"),
    "kk": ("Өмірлік оқиғалар", "Қайтыс болу", "Күннен бастап тоқтатылды"),
    "en": ("Life events", "Death", "Ended from the date"),
}


@pytest.mark.parametrize("language", PAGE_TEXTS)
def test_the_e_case_award_and_person_pages_show_the_life_events(
    specialist, partner_api, make_staff, language
) -> None:
    heading, kind, effect = PAGE_TEXTS[language]
    # given: a death the civil registry reported on a paid award
    award = disability_award(specialist)
    run(3, 4)
    report(
        partner_api(DEATH), kind="death", iin=award.person.iin, date="2025-04-15", document="A-77"
    )
    staff = APIClient()
    staff.force_login(specialist)
    # then: the e-case page shows the event, what it did to the award and from when …
    case = staff.get(f"/{language}/cases/{award.application.uuid}/").content.decode()
    block = case[case.index('id="award-life-events"') :]
    for text in (heading, kind, effect, "15.04.2025", "01.05.2025"):
        assert text in block, text
    # … the decision reads as the event, in the page's language
    decisions = case[case.index('id="award-decisions"') : case.index('id="award-life-events"')]
    assert f"{kind} 15.04.2025" in decisions
    # … and so do the award page and the person's page
    officer = APIClient()
    officer.force_login(make_staff(Role.REFUND_OFFICER))
    award_page = officer.get(f"/{language}/refunds/awards/{award.uuid}/").content.decode()
    assert effect in award_page[award_page.index('id="award-life-events"') :]
    person_page = staff.get(f"/{language}/contributions/statement/{award.person.iin}/")
    body = person_page.content.decode()
    events = body[body.index('id="life-events"') :]
    assert heading in events
    assert kind in events
    assert "A-77" in events


def breadwinner_award(specialist, *dependents: Person):
    """A widow's breadwinner award from 2025-03-10 for these children of the deceased."""
    deceased = insured_person(death_date=date(2025, 3, 10))
    widow = PersonFactory(birth_date=date(1982, 3, 3), sex="F", region=deceased.region)
    documents = documents_for(
        BenefitType.BREADWINNER,
        deceased_iin=deceased.iin,
        dependents=[
            {"iin": child.iin, "birth_date": child.birth_date, "relation": "child"}
            for child in dependents
        ],
    )
    case = case_received(widow, benefit=BenefitType.BREADWINNER, documents=documents)
    application_assign(actor=specialist, application_id=case.pk)
    case.refresh_from_db()
    return case.award


def test_a_dependents_death_ends_their_share_of_the_breadwinner_award(
    specialist, partner_api
) -> None:
    # given: a breadwinner award for two children, paid March to June 2025
    first = PersonFactory(birth_date=date(2015, 6, 1))
    second = PersonFactory(birth_date=date(2017, 9, 1))
    award = breadwinner_award(specialist, first, second)
    run(3, 4, 5, 6)
    for_two = award_entitlement(award.pk).due(date(2025, 4, 1))
    registry = partner_api(DEATH)
    # when: the civil registry reports the first child's death on 10 April
    answer = report(registry, kind="death", iin=first.iin, date="2025-04-10")
    # then: the award is calculated again for one dependent from 1 May (КИ 0.65 → 0.5) …
    assert answer.status_code == 201, answer.json()
    assert [(a["award"], a["effect"], a["effective_date"]) for a in answer.json()["awards"]] == [
        (str(award.uuid), "recalculated", "2025-05-01")
    ]
    decision = AwardDecision.objects.get(award=award, kind="recalculate")
    assert decision.facts == {"dependents": 1}
    entitlement = award_entitlement(award.pk)
    assert entitlement.due(date(2025, 4, 1)) == for_two
    for_one = entitlement.due(date(2025, 5, 1))
    assert for_one.gross == decision.gross
    assert abs(Fraction(for_one.gross) - Fraction(for_two.gross) * Fraction(50, 65)) <= Fraction(
        1, 100
    )
    # … and the next run finds May and June overpaid by the difference
    run(7)
    assert overpaid_months(award) == [date(2025, 5, 1), date(2025, 6, 1)]
    assert set(Overpayment.objects.filter(award=award).values_list("amount", flat=True)) == {
        for_two.net - for_one.net
    }
    assert Payment.objects.get(award=award, period=date(2025, 7, 1)).net == for_one.net
    # when: the second child dies on 20 July, no dependent is left: the award ends from August
    answer = report(registry, kind="death", iin=second.iin, date="2025-07-20", reference="REF-2")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["awards"][0]["effect"] == "ended"
    assert answer.json()["awards"][0]["effective_date"] == "2025-08-01"
    award.refresh_from_db()
    assert award.terminated_on == date(2025, 8, 1)


def test_a_degree_lowered_below_the_least_ends_the_disability_award(
    specialist, partner_api
) -> None:
    # given: a disability award of 50,000 a month (45,000 net), paid March to June 2025
    award = disability_award(specialist)
    run(3, 4, 5, 6)
    # when: the expertise reports degree 0.20 (below 0.30) from 15 April
    answer = report(
        partner_api(DISABILITY),
        kind="disability_degree",
        iin=award.person.iin,
        date="2025-04-15",
        degree="0.20",
    )
    # then: the award ends after April (months are due in full), not a refused recalculation
    assert answer.status_code == 201, answer.json()
    assert [(a["effect"], a["effective_date"]) for a in answer.json()["awards"]] == [
        ("ended", "2025-05-01")
    ]
    award.refresh_from_db()
    assert (award.status, award.terminated_on) == ("terminated", date(2025, 5, 1))
    assert not AwardDecision.objects.filter(award=award, kind="recalculate").exists()
    # … and May and June, already paid, are overpaid; nothing is paid in July
    run(7)
    assert overpaid_months(award) == [date(2025, 5, 1), date(2025, 6, 1)]
    assert set(Overpayment.objects.filter(award=award).values_list("amount", flat=True)) == {
        Decimal("45000.00")
    }
    assert paid_months(award)[-1] == date(2025, 6, 1)

"""The specialist's day on the staff pages: a case is taken before it is decided, a decision
reads back, a refusal cites only what the case supports; each test a finding a user made."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from benefits.models import Application, ApplicationEvent, Award, BenefitType
from gfss.org.models import Role
from tests.benefits.cases import case_received, contributions_paid, insured_person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def aigul(make_staff):
    return make_staff(Role.SPECIALIST, first_name="Айгүл", last_name="Серікбаева")


@pytest.fixture
def marat(make_staff):
    return make_staff(Role.SPECIALIST, first_name="Марат", last_name="Омаров")


def _page(client: Client, case: Application, language: str = "ru") -> str:
    return client.get(f"/{language}/cases/{case.uuid}/").content.decode()


# --- a case is taken -----------------------------------------------------------------------


def test_opening_a_case_writes_nothing_and_offers_to_take_it(aigul):
    case = case_received(insured_person())
    page = _page(_client(aigul), case)
    assert Application.objects.get(pk=case.pk).status == "received"
    assert list(case.events.values_list("kind", flat=True)) == ["received"]
    assert 'id="take-button"' in page
    assert "Макет никем не взят в работу" in page


def test_a_taken_case_shows_its_holder_to_everyone_and_only_the_holder_decides(aigul, marat):
    # given Aigul takes a case
    case = case_received(insured_person())
    response = _client(aigul).post(f"/ru/cases/{case.uuid}/take")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.held_by == aigul
    assert case.status == "in_review"
    # when Marat opens it
    marat_client = _client(marat)
    page = _page(marat_client, case)
    # then he reads who holds it, and has no decision form, only the take-over
    assert "Айгүл Серікбаева" in page
    assert "В работе у Айгүл Серікбаева" in page
    assert 'id="assign-button"' not in page
    assert 'id="take-over-button"' in page
    # and an assignment he sends anyway is refused on the page, nothing written
    response = marat_client.post(f"/ru/cases/{case.uuid}/assign", {}, follow=True)
    assert "Айгүл Серікбаева" in response.content.decode()
    assert not Award.objects.filter(application=case).exists()
    assert Application.objects.get(pk=case.pk).status == "in_review"


def test_a_take_over_is_recorded_with_whose_hold_it_ended(aigul, marat):
    case = case_received(insured_person())
    _client(aigul).post(f"/ru/cases/{case.uuid}/take")
    marat_client = _client(marat)
    marat_client.post(f"/ru/cases/{case.uuid}/take", {"over": "1"})
    case.refresh_from_db()
    assert case.held_by == marat
    event = case.events.get(kind=ApplicationEvent.Kind.TAKEN_OVER)
    assert event.actor == marat
    assert event.comment == "Айгүл Серікбаева"
    assert "Взято у другого специалиста" in _page(marat_client, case)


def test_a_second_take_without_taking_over_is_refused(aigul, marat):
    case = case_received(insured_person())
    _client(aigul).post(f"/ru/cases/{case.uuid}/take")
    response = _client(marat).post(f"/ru/cases/{case.uuid}/take", follow=True)
    assert "Айгүл Серікбаева" in response.content.decode()
    assert Application.objects.get(pk=case.pk).held_by == aigul


def test_a_hold_lapses_after_the_inactivity_timeout(aigul, marat, settings):
    # given Aigul took a case and did nothing for longer than the timeout
    settings.CASE_HOLD_MINUTES = 30
    case = case_received(insured_person())
    _client(aigul).post(f"/ru/cases/{case.uuid}/take")
    Application.objects.filter(pk=case.pk).update(
        held_active_at=timezone.now() - timedelta(minutes=31)
    )
    # then Marat sees it free and decides it
    marat_client = _client(marat)
    assert "Макет никем не взят в работу" in _page(marat_client, case)
    marat_client.post(f"/ru/cases/{case.uuid}/assign", {})
    assert Application.objects.get(pk=case.pk).status == "assigned"


def test_a_decision_releases_the_hold_and_the_first_decision_takes_the_case(aigul):
    case = case_received(insured_person())
    _client(aigul).post(f"/ru/cases/{case.uuid}/assign", {})
    case.refresh_from_db()
    assert case.status == "assigned"
    assert case.held_by is None


def test_next_skips_cases_others_hold_and_the_decision_opens_the_next_free_one(aigul, marat):
    # given three cases by deadline, the second held by Marat
    first = case_received(insured_person())
    held = case_received(insured_person())
    third = case_received(insured_person())
    _client(marat).post(f"/ru/cases/{held.uuid}/take")
    client = _client(aigul)
    # when Aigul asks for the next case, she gets the first
    assert client.get("/ru/cases/next/")["Location"] == f"/ru/cases/{first.uuid}/"
    # and after assigning it, the third opens (not the held one, not the first again)
    response = client.post(f"/ru/cases/{first.uuid}/assign", {})
    assert response["Location"] == f"/ru/cases/{third.uuid}/"


def test_the_analyst_has_no_next_case(make_staff):
    case = case_received(insured_person())
    analyst = _client(make_staff(Role.ANALYST))
    page = _page(analyst, case)
    assert 'id="next-link"' not in page
    assert 'id="open-next"' not in analyst.get("/ru/cases/").content.decode()
    assert analyst.get("/ru/cases/next/")["Location"] == "/ru/cases/"


def test_the_queue_shows_who_holds_a_case(aigul, marat):
    case = case_received(insured_person())
    _client(aigul).post(f"/ru/cases/{case.uuid}/take")
    page = _client(marat).get("/ru/cases/").content.decode()
    assert "Айгүл Серікбаева" in page


def test_a_post_after_logging_out_elsewhere_ends_on_the_case_not_a_405(aigul):
    # given the session ended in another tab
    case = case_received(insured_person())
    client = Client()
    # when "Assign" is sent, the login is asked for
    response = client.post(f"/ru/cases/{case.uuid}/assign", {})
    assert response.status_code == 302
    assert response["Location"].startswith("/ru/login/")
    # and after the login the address it returns to opens the case
    client.force_login(aigul)
    back = client.get(f"/ru/cases/{case.uuid}/assign", follow=True)
    assert back.status_code == 200
    assert back.redirect_chain[-1][0] == f"/ru/cases/{case.uuid}/"
    assert Application.objects.get(pk=case.pk).status == "received"


def test_the_hints_and_the_confirmation_are_on_the_page(aigul):
    case = case_received(insured_person())
    page = _page(_client(aigul), case, "kk")
    assert 'id="confirm-dialog"' in page
    assert 'data-confirm="' in page
    assert "<kbd>Enter</kbd>" in page
    assert "<kbd>Esc</kbd>" in page


# --- decisions that read back --------------------------------------------------------------


def test_an_override_says_it_goes_to_the_head_and_shows_both_amounts(aigul):
    case = case_received(insured_person())
    response = _client(aigul).post(
        f"/ru/cases/{case.uuid}/assign", {"override_gross": "50000", "comment": ""}, follow=True
    )
    page = response.content.decode()
    assert "отправлено руководителю филиала на подтверждение" in page.lower()
    assert "50\xa0000,00\xa0₸" in page
    calculated = f"{case.calculated_gross:,.2f}".replace(",", "\xa0").replace(".", ",")
    assert f"{calculated}\xa0₸" in page


def test_a_refused_case_shows_its_decision_block_with_the_legal_ground(aigul, make_staff):
    # given a refusal the head confirmed
    case = case_received(insured_person())
    _client(aigul).post(
        f"/ru/cases/{case.uuid}/refuse",
        {"reason_code": "documents_invalid", "reason_text": "Свидетельство не подтверждено."},
    )
    head = make_staff(Role.HEAD, first_name="Динара", last_name="Қасымова")
    _client(head).post(f"/ru/cases/{case.uuid}/confirm")
    # when anyone opens it
    page = _page(_client(aigul), case)
    # then the decision block says what, who, why, on what ground, and who checked
    assert 'id="decision"' in page
    assert "Документы недействительны или не подтверждены" in page
    assert "Свидетельство не подтверждено." in page
    assert "статьи 84-86" in page
    assert "Динара Қасымова" in page
    assert "documents_invalid" not in page


def test_an_assigned_case_shows_the_amount_and_who_decided(aigul):
    case = case_received(insured_person())
    _client(aigul).post(f"/ru/cases/{case.uuid}/assign", {})
    page = _page(_client(aigul), case, "kk")
    assert 'id="decision-amount"' in page
    assert "Айгүл Серікбаева" in page


def test_the_refusal_form_offers_only_what_the_checks_support(aigul):
    # given an eligible case (every check passes)
    case = case_received(insured_person())
    assert case.eligible
    page = _page(_client(aigul), case)
    form = page[page.index('id="refuse-form"') : page.index('id="return-box"')]
    # then no calculated reason is offered, none is preselected
    assert 'value="stazh_below_minimum"' not in form
    assert 'value="amount_not_positive"' not in form
    assert 'value="" selected' in form
    assert 'value="documents_invalid"' in form


def test_a_refusal_the_checks_contradict_is_refused_on_the_page(aigul):
    case = case_received(insured_person())
    response = _client(aigul).post(
        f"/ru/cases/{case.uuid}/refuse",
        {"reason_code": "stazh_below_minimum", "reason_text": "Мало стажа."},
        follow=True,
    )
    assert "противоречит расчёту и проверкам" in response.content.decode()
    assert Application.objects.get(pk=case.pk).status == "received"


def test_a_refused_calculation_preselects_its_own_reason(aigul):
    # given a job-loss case of a woman of working age with 3 months of contributions (stazh
    # below 6); a random birth date could reach pension age, which refuses the application
    person = PersonFactory(sex="F", birth_date=date(1990, 4, 2))
    contributions_paid(person, months=3)
    case = case_received(person, benefit=BenefitType.JOB_LOSS)
    assert not case.eligible
    page = _page(_client(aigul), case)
    form = page[page.index('id="refuse-form"') : page.index('id="return-box"')]
    reason = case.calculation["refusal_reason"]
    assert f'value="{reason}" selected' in form


def test_a_form_error_names_the_field_by_its_label(aigul):
    case = case_received(insured_person())
    response = _client(aigul).post(
        f"/ru/cases/{case.uuid}/refuse", {"reason_code": "other", "reason_text": ""}, follow=True
    )
    page = response.content.decode()
    assert "reason_text" not in page.split('id="refuse-form"')[0]
    assert "Обоснование для заявителя" in page


def test_a_heads_own_refusal_goes_to_another_head(make_staff):
    case = case_received(insured_person())
    head = make_staff(Role.HEAD)
    other_head = make_staff(Role.HEAD)
    _client(head).post(
        f"/ru/cases/{case.uuid}/refuse", {"reason_code": "other", "reason_text": "Нет данных."}
    )
    assert 'id="confirm-button"' not in _page(_client(head), case)
    other = _client(other_head)
    assert other.get("/ru/cases/next/")["Location"] == f"/ru/cases/{case.uuid}/"
    other.post(f"/ru/cases/{case.uuid}/confirm")
    assert Application.objects.get(pk=case.pk).status == "refused"


def test_the_history_speaks_in_labels_and_dates_the_arrival_as_received(aigul):
    case = case_received(insured_person())
    page = _page(_client(aigul), case)
    history = page[page.index('id="history"') :]
    assert "state_corporation" not in history
    assert "Государственная корпорация" in history
    assert case.received_on.strftime("%d.%m.%Y") in history


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_case_money_is_written_one_way(aigul, language):
    case = case_received(insured_person())
    page = _page(_client(aigul), case, language)
    contributions = page[page.index('id="contributions"') :]
    # 24 months of 10,500.00: one line each, in the locale's way
    assert "10\xa0500,00" in contributions
    assert "10,500,00" not in contributions
    assert f"{Decimal(case.calculation['gross']):.2f}".replace(".", ",")[-3:] in page


def test_a_stale_decision_is_refused_in_the_page_s_language(aigul, marat):
    case = case_received(insured_person())
    _client(marat).post(f"/ru/cases/{case.uuid}/assign", {})
    response = _client(aigul).post(
        f"/kk/cases/{case.uuid}/refuse",
        {"reason_code": "other", "reason_text": "Құжат жоқ."},
        follow=True,
    )
    page = response.content.decode()
    assert "Макет «Тағайындалды» күйінде" in page
    assert "cannot be" not in page


def test_the_queue_filters_by_iin_or_name(aigul):
    first = case_received(insured_person(surname="Жұмабекова", first_name="Анна"))
    second = case_received(insured_person(surname="Омарова", first_name="Әсел"))
    client = _client(aigul)
    by_iin = client.get("/ru/cases/", {"q": first.person.iin}).content.decode()
    assert str(first.uuid) in by_iin
    assert str(second.uuid) not in by_iin
    by_name = client.get("/ru/cases/", {"q": "омар"}).content.decode()
    assert str(second.uuid) in by_name
    assert str(first.uuid) not in by_name

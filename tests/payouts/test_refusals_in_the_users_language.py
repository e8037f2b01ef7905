"""Every refusal of bad input on awards and payouts, made the way a user makes it (a staff page
in /kk/ and /ru/, a partner's API call with its Accept-Language, an operator's command in the
language it runs in): refused with its code, said in that language, and nothing written."""

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from benefits.models import AwardAmount, AwardDecision, AwardLifeEvent, BenefitType
from benefits.services.amount_chain import Link, amount_chain_extend
from benefits.services.applications import application_assign
from benefits.services.award_decisions import award_suspend
from gfss.common import display
from gfss.common.periods import add_months, month_start
from gfss.jobs.models import BatchRun
from gfss.jobs.services import batchrun_fail
from gfss.org.models import Role
from participants.models import LifeEvent
from payouts.models import (
    AwardAccount,
    EventApplication,
    Payment,
    PaymentRun,
    PayoutFile,
    RecalculationEvent,
    Recovery,
)
from payouts.services.events import event_apply_start, event_create
from payouts.services.overpayments import repayment_record
from payouts.services.payments import payment_run_start
from tests.benefits.cases import case_received, documents_for, insured_person
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]
# Latin letters a Kazakh or Russian message may hold: abbreviations, never English words.
ABBREVIATIONS = {"ID", "IIN", "IBAN", "KZ", "REF"}
MAY = date(2024, 5, 1)


def said(language: str, msgid: str, **params: object) -> str:
    """The catalog's text of ``msgid`` in ``language``, its values written as pages write
    them (days 19.11.2026, money 1 234,56 ₸, months 05.2024)."""
    with translation.override(language):
        return gettext(msgid) % params


def assert_in_language(language: str, message: str, english: str) -> None:
    """Kazakh and Russian say it in Cyrillic, each its own words, not the English text."""
    assert "%(" not in message
    if language == "en":
        assert message == english
        assert not re.search("[а-яёәіңғүұқөһ]", message, re.IGNORECASE), message
        return
    latin = set(re.findall(r"[A-Za-z]{2,}", message)) - ABBREVIATIONS
    assert not latin, (language, message, latin)
    assert re.search("[а-яё]", message, re.IGNORECASE), message
    if language == "kk":
        assert re.search("[әіңғүұқөһ]", message, re.IGNORECASE), message
    assert message != english


def assert_refused_on_page(
    page: str, *, language: str, msgid: str, params: Mapping[str, object], code: str
) -> None:
    """The page shows the catalog's text in its language, never the code or a placeholder."""
    message = said(language, msgid, **params)
    assert_in_language(language, message, said("en", msgid, **params))
    assert escape(message) in page, (message, page[:3000])
    assert code not in page
    assert "%(" not in page
    if language != "en":
        assert msgid.split("%(", maxsplit=1)[0][:30] not in page


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the award decision form on the e-case page -------------------------------------------


def case_award(specialist):
    """A disability award from its e-case, from 2025-03-10 to 2026-03-09."""
    case = case_received(
        insured_person(),
        benefit=BenefitType.DISABILITY,
        documents=documents_for(BenefitType.DISABILITY, period_to=date(2026, 3, 9)),
    )
    application_assign(actor=specialist, application_id=case.pk)
    case.refresh_from_db()
    return case.award


DECISIONS = {
    # action: (form kind, effective date, code, msgid, params from the award)
    "suspend_before_start": (
        "suspend",
        date(2025, 1, 1),
        "effective_date_invalid",
        "The decision cannot take effect on %(effective)s, before the award starts (%(start)s).",
        lambda award: {
            "effective": display.day(date(2025, 1, 1)),
            "start": display.day(award.start_date),
        },
    ),
    "resume_not_suspended": (
        "resume",
        date(2025, 6, 1),
        "award_not_suspended",
        "The award is not suspended; there is nothing to resume.",
        lambda award: {},
    ),
    "suspend_again": (
        "suspend",
        date(2025, 7, 1),
        "award_state_invalid",
        "The award is already suspended; resume it before suspending it again.",
        lambda award: {},
    ),
    "terminate_before_suspension": (
        "terminate",
        date(2025, 5, 1),
        "termination_before_suspension",
        "The termination cannot take effect on %(effective)s, before the suspension in force "
        "from %(suspended)s.",
        lambda award: {
            "effective": display.day(date(2025, 5, 1)),
            "suspended": display.day(date(2025, 6, 1)),
        },
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("action", list(DECISIONS))
def test_an_award_decision_out_of_order_is_refused_on_the_case_page(
    specialist, language, action
) -> None:
    # given: a specialist's award on its e-case, suspended from June where the case needs it
    award = case_award(specialist)
    if action in {"suspend_again", "terminate_before_suspension"}:
        award_suspend(
            actor=specialist, award_id=award.pk, effective_date=date(2025, 6, 1), reason="Abroad"
        )
        award.refresh_from_db()
    kind, effective, code, msgid, params = DECISIONS[action]
    decisions = AwardDecision.objects.count()
    events = award.application.events.count()
    status = award.status
    # when: the decision form of the e-case page is sent
    response = staff_client(specialist).post(
        f"/{language}/cases/{award.application.uuid}/award",
        {"kind": kind, "effective_date": effective.isoformat(), "reason": "Reported"},
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/{language}/cases/{award.application.uuid}/"
    assert_refused_on_page(
        response.content.decode(),
        language=language,
        params=params(award),
        msgid=msgid,
        code=code,
    )
    award.refresh_from_db()
    assert AwardDecision.objects.count() == decisions
    assert award.application.events.count() == events
    assert award.status == status


# --- the repayment form --------------------------------------------------------------------


def overpaid_award(make_award) -> AwardAccount:
    """January paid at 100,000.00 gross, then lowered to 50,000.00 from January: the February
    run finds January overpaid and deducts a quarter of its own net."""
    award = make_award("job_loss", start=date(2024, 1, 1), end=date(2024, 7, 1))
    assert run_to_end(payment_run_start(period=date(2024, 1, 1), actor=None)).status == "done"
    amount_chain_extend(
        {
            award.pk: [
                Link(
                    valid_from=date(2024, 1, 1),
                    reason=AwardAmount.Reason.RECALCULATION,
                    base=Decimal("50000.00"),
                )
            ]
        },
        actor_id=None,
    )
    assert run_to_end(payment_run_start(period=date(2024, 2, 1), actor=None)).status == "done"
    account = AwardAccount.objects.get(award=award)
    assert account.balance > 0
    return account


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("refusal", ["above_balance", "reference_used"])
def test_a_repayment_above_the_balance_or_with_a_used_reference_is_refused_on_the_form(
    make_award, make_staff, language, refusal
) -> None:
    # given: an award with money to recover, one repayment already recorded
    account = overpaid_award(make_award)
    operator = make_staff(Role.ADMINISTRATOR)
    repayment_record(
        award_id=account.award_id,
        amount=Decimal("1000.00"),
        received_on=date(2024, 3, 5),
        bank_reference="KZ-2024-0001",
        actor=operator,
    )
    account.refresh_from_db()
    balance = account.balance
    above = balance + Decimal("0.01")
    form = {
        "above_balance": {"amount": str(above), "bank_reference": "KZ-2024-0002"},
        "reference_used": {"amount": "1000.00", "bank_reference": "KZ-2024-0001"},
    }[refusal]
    code, msgid, params = {
        "above_balance": (
            "repayment_exceeds_balance",
            "The repayment %(amount)s is more than the %(balance)s left to recover.",
            {"amount": above, "balance": balance},
        ),
        "reference_used": (
            "repayment_reference_used",
            "The repayment with the bank reference %(reference)s is already recorded.",
            {"reference": "KZ-2024-0001"},
        ),
    }[refusal]
    with translation.override(language):
        shown = {
            key: display.money(v) if isinstance(v, Decimal) else v for key, v in params.items()
        }
    recoveries = Recovery.objects.count()
    # when: the repayment form of the overpayments page is sent
    response = staff_client(operator).post(
        f"/{language}/payouts/awards/{account.award_id}/repayment/",
        {**form, "received_on": "2024-03-06", "note": ""},
        follow=True,
    )
    # then
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/{language}/payouts/overpayments/"
    assert_refused_on_page(
        response.content.decode(),
        language=language,
        params=shown,
        msgid=msgid,
        code=code,
    )
    account.refresh_from_db()
    assert account.balance == balance
    assert Recovery.objects.count() == recoveries


# --- the payment run: a future month, on the page and by the command ------------------------

FUTURE_MSGID = "Payments for %(period)s cannot be run before the month has begun."


def future_month() -> date:
    return add_months(month_start(timezone.localdate()), 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_run_for_a_future_month_is_refused_on_the_run_page(
    make_award, make_staff, language
) -> None:
    make_award("disability", start=date(2024, 1, 1))
    future = future_month()
    response = staff_client(make_staff(Role.ADMINISTRATOR)).post(
        f"/{language}/payouts/runs/start/", {"period": f"{future:%Y-%m}"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/{language}/payouts/"
    assert_refused_on_page(
        response.content.decode(),
        language=language,
        params={"period": display.month(future)},
        msgid=FUTURE_MSGID,
        code="period_in_future",
    )
    assert not BatchRun.objects.exists()
    assert not PaymentRun.objects.exists()
    assert not Payment.objects.exists()


def command(language: str, *args: str) -> CommandError:
    """The operator's command refused, run in ``language`` (an operator's shell: ru unless set)."""
    with translation.override(language), pytest.raises(CommandError) as refused:
        call_command(*args, "--timeout", "5", stdout=StringIO())
    assert refused.value.returncode == 1
    return refused.value


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_run_for_a_future_month_is_refused_by_the_command(make_award, language) -> None:
    make_award("disability", start=date(2024, 1, 1))
    future = future_month()
    error = str(command(language, "payment_run", f"{future:%Y-%m}"))
    code, message = error.split(": ", 1)
    assert code == "period_in_future"
    assert message == said(language, FUTURE_MSGID, period=display.month(future))
    assert_in_language(language, message, said("en", FUTURE_MSGID, period=display.month(future)))
    assert not BatchRun.objects.exists()
    assert not Payment.objects.exists()


# --- closing a month after a failed run ----------------------------------------------------

INCOMPLETE_MSGID = (
    "The payment run of %(period)s is not complete (%(state)s): finish it or run the month "
    "again before closing it, or the payout files would miss payments."
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_close_after_a_failed_run_is_refused_on_the_run_page(
    make_award, make_staff, language
) -> None:
    # given: May's run failed
    make_award("disability", start=MAY)
    batchrun_fail(run_id=payment_run_start(period=MAY, actor=None).pk, error="killed")
    jobs = BatchRun.objects.count()
    # when: the month's close button is pressed
    response = staff_client(make_staff(Role.ADMINISTRATOR)).post(
        f"/{language}/payouts/runs/2024-05/close/", follow=True
    )
    # then
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/{language}/payouts/runs/2024-05/"
    with translation.override(language):
        state = str(BatchRun.Status.FAILED.label)
    assert_refused_on_page(
        response.content.decode(),
        language=language,
        params={"period": "05.2024", "state": state},
        msgid=INCOMPLETE_MSGID,
        code="run_incomplete",
    )
    assert PaymentRun.objects.get(period=MAY).status == PaymentRun.Status.OPEN
    assert BatchRun.objects.count() == jobs
    assert not PayoutFile.objects.exists()


# --- an event applied twice: the apply button and the command -------------------------------

APPLIED_MSGID = "The event has already been applied; it is applied to an award only once."


def applied_indexation(make_award) -> RecalculationEvent:
    make_award("disability", start=date(2021, 6, 1))
    event = event_create(
        kind="indexation",
        effective_date=date(2022, 1, 1),
        percent=Decimal("5"),
        benefit_types=[BenefitType.DISABILITY],
        selection="active_on",
        actor=None,
    )
    assert run_to_end(event_apply_start(event_id=event.pk, actor=None)).status == "done"
    return event


def written() -> tuple[int, int, int]:
    return (
        EventApplication.objects.count(),
        AwardAmount.objects.count(),
        BatchRun.objects.count(),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_event_applied_twice_is_refused_by_the_apply_button(
    make_award, make_staff, language
) -> None:
    event = applied_indexation(make_award)
    before = written()
    response = staff_client(make_staff(Role.ADMINISTRATOR)).post(
        f"/{language}/payouts/events/{event.pk}/apply/", follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/{language}/payouts/events/"
    assert_refused_on_page(
        response.content.decode(),
        language=language,
        params={},
        msgid=APPLIED_MSGID,
        code="event_already_applied",
    )
    assert written() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_event_applied_twice_is_refused_by_the_command(make_award, language) -> None:
    event = applied_indexation(make_award)
    before = written()
    code, message = str(command(language, "event_apply", str(event.pk))).split(": ", 1)
    assert code == "event_already_applied"
    assert message == said(language, APPLIED_MSGID)
    assert_in_language(language, message, said("en", APPLIED_MSGID))
    assert written() == before


# --- a death date in the future from the civil registry --------------------------------------

FUTURE_DEATH_MSGID = "The date of death %(date)s is after today (%(today)s)."


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_death_date_in_the_future_is_refused_in_the_partners_language(
    specialist, partner_api, language
) -> None:
    # given: a recipient of a disability award
    award = case_award(specialist)
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    decisions = AwardDecision.objects.count()
    # when: the civil registry reports a death tomorrow
    answer = partner_api("life_events.death").post(
        "/api/v1/life-events/",
        {"kind": "death", "iin": award.person.iin, "date": tomorrow.isoformat(), "reference": "R"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "event_date_in_future"
    expected = said(
        language, FUTURE_DEATH_MSGID, date=display.day(tomorrow), today=display.day(today)
    )
    assert body["message"] == expected
    english = said("en", FUTURE_DEATH_MSGID, date=display.day(tomorrow), today=display.day(today))
    assert_in_language(language, body["message"], english)
    award.person.refresh_from_db()
    assert award.person.death_date is None
    assert not LifeEvent.objects.exists()
    assert not AwardLifeEvent.objects.exists()
    assert AwardDecision.objects.count() == decisions

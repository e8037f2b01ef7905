from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from benefits.demo import demo_cases_generate
from benefits.models import Application, Award, BenefitType
from gfss.common.periods import add_months, month_start
from gfss.org.demo import DEMO_PASSWORD, demo_staff_create
from gfss.org.models import Region, Role, StaffProfile
from participants.demo import population_generate
from participants.models import FamilyLink, LifeEvent, Payer, Person
from participants.validators import validate_bin_or_iin, validate_iin
from payouts.models import (
    EventApplication,
    Overpayment,
    Payment,
    PaymentRun,
    PayoutFile,
    RecalculationEvent,
    Underpayment,
)
from refunds.demo import reason_allocation
from refunds.models import BankReport, Reason, RefundApplication, RefundEvent

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_a_small_population_with_valid_identifiers_and_demo_logins() -> None:
    # given the events of 2022-2023, as `make run` loads them before the seed
    call_command("events_load_2022", stdout=StringIO())
    # when
    output = _seed("--participants", "300", "--seed", "5", "--months", "3")
    # then
    persons = list(Person.objects.values_list("iin", flat=True))
    assert len(persons) >= 300
    for iin in persons:
        validate_iin(iin)
    for idn in Payer.objects.values_list("idn", flat=True):
        validate_bin_or_iin(idn)
    assert FamilyLink.objects.exists()
    assert {Payer.Kind.EMPLOYER, Payer.Kind.ENTREPRENEUR} <= set(
        Payer.objects.values_list("kind", flat=True)
    )
    assert "specialist" in output
    assert "demo-gfss-2022" in output
    assert "e-cases" in output
    # money out as the pages show it: the 2022-2023 events with their dry-run reports, their
    # top-ups, back-dated overpayments, and last month closed with its payout files
    events = list(RecalculationEvent.objects.all())
    assert events
    assert all(e.dry_run_report["complete"] for e in events)
    assert all(EventApplication.objects.filter(event=e).exists() for e in events)
    assert Underpayment.objects.exists()
    assert Overpayment.objects.exists()
    closed = PaymentRun.objects.get(status=PaymentRun.Status.CLOSED)
    assert closed.period == add_months(month_start(timezone.localdate()), -1)
    files = PayoutFile.objects.filter(run=closed)
    assert files.exists()
    assert all(f.is_complete for f in files)
    # and a death the civil registry reported late, which ended the award it touched
    assert LifeEvent.objects.filter(kind="death", awards_touched__effect="ended").exists()
    _assert_demo_refunds(output)


def _assert_demo_refunds(output: str) -> None:
    """Two refund officers; applications of each reason in the recorded shares, in each
    state; one refused by the Art. 247 check; an order settled by the bank's report."""
    officers = StaffProfile.objects.filter(role=Role.REFUND_OFFICER).values_list(
        "user__username", flat=True
    )
    assert {"refunds", "refunds2"} <= set(officers)
    demo = RefundApplication.objects.exclude(request_number=f"GK-DEMO-{49:06d}")
    by_reason = Counter(demo.values_list("reason", flat=True))
    assert by_reason == Counter(reason_allocation(48))
    assert set(by_reason) == set(Reason.values)
    statuses = set(RefundApplication.objects.values_list("status", flat=True))
    assert statuses == {"checked", "decided", "approved", "refused", "ordered", "paid"}
    art_247 = RefundApplication.objects.get(request_number=f"GK-DEMO-{49:06d}")
    assert (art_247.status, art_247.refusal_code) == ("refused", "counted_in_award")
    assert art_247.lines.get().check_code == "counted_in_award"
    assert art_247.confirmed_by.username == "refunds2"
    report = BankReport.objects.get()
    assert report.paid_applications >= 1
    assert report.returned_applications == 1
    assert RefundEvent.objects.filter(kind="returned").count() == 1
    assert "refund applications" in output


def test_the_same_seed_gives_the_same_people() -> None:
    def generate() -> list[tuple]:
        with transaction.atomic():
            population_generate(participants=40, seed=9, today=date(2025, 1, 1))
            people = sorted(Person.objects.values_list("iin", "surname", "birth_date", "region"))
            transaction.set_rollback(True)
        return people

    first, second = generate(), generate()
    assert len(first) >= 40
    assert first == second


def test_if_empty_does_not_generate_twice() -> None:
    _seed("--participants", "30", "--seed", "1", "--months", "0")
    count = Person.objects.count()
    output = _seed("--participants", "30", "--seed", "1", "--if-empty")
    assert "already present" in output
    assert Person.objects.count() == count


@pytest.mark.parametrize("value", ["0", "-3", "abc"])
def test_nonsense_arguments_exit_with_a_usage_message(value: str) -> None:
    with pytest.raises(CommandError, match="participants"):
        call_command("seed_demo", "--participants", value)
    assert not Person.objects.exists()


def _login(username: str) -> Client:
    client = Client()
    response = client.post("/ru/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


def test_every_state_of_every_benefit_in_almaty_and_astana_with_their_heads() -> None:
    # given a small demo
    output = _seed("--participants", "400", "--seed", "7", "--months", "12")
    # then each branch has a case of every benefit in every state, with its history
    cases = Application.objects.select_related("branch__region")
    found = {(c.status, c.benefit, c.branch.region.name_en) for c in cases}
    for city in ("Almaty city", "Astana city"):
        for benefit in BenefitType.values:
            for status in Application.Status.values:
                assert (status, benefit, city) in found
    for case in cases.filter(status__in=["assigned", "refused", "returned"]):
        assert case.events.count() >= 3
    astana = cases.filter(branch__region__code="71")
    assert (
        Award.objects.filter(application__in=astana).count()
        == astana.filter(status="assigned").count()
    )
    assert Payment.objects.filter(award__application__in=astana).exists()
    # waiting for the head: refusals and amounts set by hand, in both cities
    for code in ("71", "75"):
        waiting = cases.filter(branch__region__code=code, status="awaiting_confirmation")
        assert {"refuse", "assign"} <= set(waiting.values_list("outcome", flat=True))
    # the Astana head is a demo login, and Astana's refusals are confirmed by its own users
    assert "astana-head" in output
    refused = astana.filter(status="refused")
    assert set(refused.values_list("decided_by__username", flat=True)) == {"astana"}
    assert set(refused.values_list("confirmed_by__username", flat=True)) == {"astana-head"}
    # when Almaty's head opens an Astana case waiting for the head, he cannot see or confirm it
    astana_head = _login("astana-head")
    letter = astana_head.get(f"/ru/cases/{refused.first().uuid}/letter/")
    assert letter.status_code == 200
    case = astana.filter(status="awaiting_confirmation").order_by("pk").first()
    almaty_head = _login("head")
    assert almaty_head.get(f"/ru/cases/{case.uuid}/").status_code in (403, 404)
    assert almaty_head.post(f"/ru/cases/{case.uuid}/confirm").status_code in (403, 404)
    case.refresh_from_db()
    assert case.status == "awaiting_confirmation"
    # and when Astana's head opens it, it reads in Russian with its confirm button, and confirms
    page = astana_head.get(f"/ru/cases/{case.uuid}/").content.decode()
    assert 'id="confirm-button"' in page
    assert "Ахметов" in page
    response = astana_head.post(f"/ru/cases/{case.uuid}/confirm", follow=True)
    assert "Решение подтверждено" in response.content.decode()
    case.refresh_from_db()
    assert case.status in ("assigned", "refused")
    assert case.confirmed_by.username == "astana-head"


def test_a_branch_whose_region_has_no_man_of_working_age_still_gets_every_benefits_cases() -> None:
    # given a small population in which Astana's men all live in Almaty
    today = timezone.localdate()
    demo_staff_create()
    population_generate(participants=100, seed=3, today=today)
    Person.objects.filter(region__code="71", sex="M").update(region=Region.objects.get(code="75"))
    assert Person.objects.filter(region__code="71", sex="F").exists()
    # when the demo's e-cases are made
    demo_cases_generate(seed=3, today=today)
    # then Astana's women have their cases, a breadwinner's naming another person as deceased
    astana = Application.objects.filter(branch__region__code="71")
    assert set(astana.values_list("person__sex", flat=True)) == {"F"}
    breadwinner = astana.filter(benefit=BenefitType.BREADWINNER).first()
    assert breadwinner is not None
    deceased = breadwinner.documents["death_certificate"]["deceased_iin"]
    assert deceased != breadwinner.person.iin
    assert Person.objects.filter(iin=deceased).exists()

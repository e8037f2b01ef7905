from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from gfss.common.periods import add_months, month_start
from gfss.org.models import Role, StaffProfile
from participants.demo import population_generate
from participants.models import FamilyLink, LifeEvent, Payer, Person
from participants.validators import validate_bin_or_iin, validate_iin
from payouts.models import (
    EventApplication,
    Overpayment,
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

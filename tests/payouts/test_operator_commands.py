"""``payment_run YYYY-MM [--close]`` and ``event_apply ID [--dry-run]`` run the pages' batch jobs
inline, print what they did and exit non-zero on a refusal with its code and message."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from benefits.models import AwardAmount
from gfss.common.exceptions import ApplicationError, ConflictError
from gfss.common.periods import add_months, month_start
from gfss.jobs.models import BatchRun
from payouts.models import EventApplication, Payment, PaymentRun, PayoutFile, RecalculationEvent
from payouts.services.closing import payment_run_close

# Real commits: a job's first step is enqueued when the start commits, and runs inline.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run_command(eager_celery):
    """The command as an operator runs it (a short wait: inline jobs are done at once)."""

    def run(*args: str) -> str:
        out = StringIO()
        call_command(*args, "--timeout", "10", stdout=out)
        return out.getvalue()

    return run


def test_payment_run_pays_the_month_and_prints_counts_and_sums(make_award, run_command) -> None:
    # given
    make_award("disability", start=date(2024, 5, 1), gross="100000.00")
    make_award("breadwinner", start=date(2024, 5, 1), gross="40000.00")
    # when
    out = run_command("payment_run", "2024-05")
    # then
    assert Payment.objects.filter(run__period=date(2024, 5, 1)).count() == 2
    assert "payment_run: done · looked at 2 of 2 · changed 2" in out
    printed = dict(line.strip().split(": ", 1) for line in out.splitlines()[1:])
    assert printed["lines"] == "2"
    assert Decimal(printed["payable"]) == Decimal("130000.00")
    assert (printed["top_ups"], printed["overpayments"]) == ("0", "0")
    assert Decimal(printed["deducted"]) == 0
    assert PaymentRun.objects.get().status == "open"


def test_payment_run_with_close_builds_the_files(make_award, run_command) -> None:
    make_award("disability", start=date(2024, 5, 1), gross="100000.00")
    out = run_command("payment_run", "2024-05", "--close")
    assert PaymentRun.objects.get().status == "closed"
    payout = PayoutFile.objects.get()
    assert payout.is_complete
    assert "payout_files: done" in out
    assert f"sha256 {payout.sha256}" in out
    assert "2024-05 is closed." in out


def test_a_close_of_a_closed_month_exits_non_zero_with_the_code(make_award, run_command) -> None:
    # given
    make_award("disability", start=date(2024, 5, 1))
    run_command("payment_run", "2024-05", "--close")
    # when
    with pytest.raises(CommandError) as error:
        run_command("payment_run", "2024-05", "--close")
    # then
    assert error.value.returncode == 1
    assert str(error.value).startswith("payment_run_closed: ")
    assert "05.2024" in str(error.value)
    assert Payment.objects.count() == 1


def test_a_close_after_a_failed_run_is_refused_with_run_incomplete(
    make_award, run_command, monkeypatch
) -> None:
    # given: the month's run fails in its first chunk
    make_award("disability", start=date(2024, 5, 1))

    def broken(self, **kwargs):
        raise ApplicationError("The database refused the chunk.", code="chunk_refused")

    monkeypatch.setattr("payouts.services.payments.PaymentRunJob.run_chunk", broken)
    # when
    with pytest.raises(CommandError) as error:
        run_command("payment_run", "2024-05", "--close")
    # then: the run failed, so the close was never tried
    assert str(error.value).startswith("batch_run_failed: chunk_refused")
    assert PaymentRun.objects.get().status == "open"
    # and closing the month is refused until it is finished or rerun
    monkeypatch.undo()
    with pytest.raises(ConflictError) as refused:
        payment_run_close(period=date(2024, 5, 1), actor=None)
    assert refused.value.code == "run_incomplete"
    assert not PayoutFile.objects.exists()


def test_a_malformed_month_is_refused(run_command) -> None:
    with pytest.raises(CommandError, match=r"^period_invalid: "):
        run_command("payment_run", "May")
    assert not BatchRun.objects.exists()


def test_a_run_for_year_one_is_refused_as_out_of_the_window(make_award, run_command) -> None:
    # before: the catch-up months before 0001-01 overflowed, a traceback
    make_award("disability", start=date(2024, 5, 1))
    with pytest.raises(CommandError, match=r"^period_invalid: period=0001-01: .* 2005-01"):
        run_command("payment_run", "0001-01")
    assert not BatchRun.objects.exists()


def test_a_run_for_a_future_month_exits_non_zero_with_period_in_future(
    make_award, run_command
) -> None:
    # given
    make_award("disability", start=date(2024, 5, 1))
    future = add_months(month_start(timezone.localdate()), 2)
    # when
    with pytest.raises(CommandError) as error:
        run_command("payment_run", f"{future:%Y-%m}")
    # then
    assert str(error.value).startswith("period_in_future: ")
    assert f"{future:%m.%Y}" in str(error.value)
    assert not Payment.objects.exists()
    assert not BatchRun.objects.exists()


def _indexation(make_award) -> RecalculationEvent:
    make_award("disability", start=date(2021, 6, 1), gross="100000.00")
    make_award("disability", start=date(2021, 6, 1), gross="80000.00")
    call_command("events_load_2022")
    return RecalculationEvent.objects.get(effective_date=date(2022, 1, 1))


def test_event_apply_applies_and_prints_the_counts(make_award, run_command) -> None:
    event = _indexation(make_award)
    out = run_command("event_apply", str(event.pk))
    assert EventApplication.objects.filter(event=event).count() == 2
    assert "recalculation_event: done · looked at 2 of 2 · changed 2 · skipped 0" in out
    assert "awards_with_event: 2" in out


def test_an_event_applied_twice_is_refused_and_writes_nothing(make_award, run_command) -> None:
    # given
    event = _indexation(make_award)
    run_command("event_apply", str(event.pk))
    amounts = AwardAmount.objects.count()
    # when
    with pytest.raises(CommandError) as error:
        run_command("event_apply", str(event.pk))
    # then
    assert str(error.value).startswith("event_already_applied: ")
    assert AwardAmount.objects.count() == amounts
    assert BatchRun.objects.filter(kind="recalculation_event").count() == 1


def test_event_dry_run_prints_the_months_and_applies_nothing(make_award, run_command) -> None:
    event = _indexation(make_award)
    out = run_command("event_apply", str(event.pk), "--dry-run")
    assert not EventApplication.objects.exists()
    assert "2022-01: 2 awards · gross 9000.00 · net 8100.00" in out
    event.refresh_from_db()
    assert event.dry_run_report["complete"] is True


def test_an_unknown_event_is_refused(run_command) -> None:
    with pytest.raises(CommandError, match=r"^event_not_found: "):
        run_command("event_apply", "999")

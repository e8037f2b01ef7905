"""Bad input: each refused with a clear message and code, nothing applied twice."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from benefits.models import BenefitType
from gfss.common.exceptions import ApplicationError, ConflictError
from gfss.jobs.models import BatchRun
from payouts.models import EventApplication, RecalculationEvent
from payouts.services.closing import payment_run_close
from payouts.services.events import event_apply_start, event_create, event_dry_run
from payouts.services.payments import payment_run_start
from tests.payouts.conftest import run_to_end
from tests.payouts.events import disability_indexation

pytestmark = pytest.mark.django_db


def _indexation(
    day: date, percent: str = "5", benefits: list[str] | None = None
) -> RecalculationEvent:
    return event_create(
        kind="indexation",
        effective_date=day,
        percent=Decimal(percent),
        benefit_types=benefits or [BenefitType.DISABILITY],
        selection="active_on",
        actor=None,
    )


def test_an_event_dated_before_every_award_is_refused(make_award) -> None:
    # given
    make_award("disability", start=date(2021, 6, 1))
    event = _indexation(date(2019, 1, 1))
    # when / then
    for attempt in (
        lambda: event_apply_start(event_id=event.pk, actor=None),
        lambda: event_dry_run(event_id=event.pk, horizon=date(2024, 1, 1)),
    ):
        with pytest.raises(ApplicationError) as error:
            attempt()
        assert error.value.code == "event_before_awards"
        assert "01.01.2019" in error.value.message
    assert not BatchRun.objects.exists()


@pytest.mark.parametrize("percent", ["-100", "-100.5", "-250"])
def test_a_percent_of_minus_100_or_less_is_refused(percent: str) -> None:
    with pytest.raises(ApplicationError) as error:
        _indexation(date(2022, 1, 1), percent=percent)
    assert error.value.code == "event_percent_invalid"
    assert "-100" in error.value.message
    assert not RecalculationEvent.objects.exists()


def test_the_database_refuses_a_percent_of_minus_100() -> None:
    with pytest.raises(IntegrityError):
        RecalculationEvent.objects.create(
            kind="indexation",
            effective_date=date(2022, 1, 1),
            percent=Decimal("-100"),
            benefit_types=["disability"],
            selection="active_on",
        )


def test_an_event_overlapping_one_of_the_same_kind_date_and_benefits_is_refused(make_award) -> None:
    # given
    award = make_award("disability", start=date(2021, 6, 1))
    first = _indexation(date(2022, 1, 1), benefits=["disability", "breadwinner"])
    run_to_end(event_apply_start(event_id=first.pk, actor=None))
    # when
    with pytest.raises(ConflictError) as error:
        _indexation(date(2022, 1, 1), percent="7", benefits=["disability"])
    # then
    assert error.value.code == "event_overlaps"
    assert error.value.status_code == 409
    assert award.amounts.count() == 2


def test_an_overlapping_event_slipped_past_the_service_applies_nothing_twice(make_award) -> None:
    # given: a duplicate written straight to the table, around the service's check
    award = make_award("disability", start=date(2021, 6, 1))
    first = _indexation(date(2022, 1, 1))
    run_to_end(event_apply_start(event_id=first.pk, actor=None))
    twin = RecalculationEvent.objects.create(
        kind="indexation",
        effective_date=date(2022, 1, 1),
        percent=Decimal("5"),
        benefit_types=["disability"],
        selection="active_on",
    )
    # when
    run = run_to_end(event_apply_start(event_id=twin.pk, actor=None))
    # then
    assert (run.status, run.changed, run.skipped) == ("done", 0, 1)
    assert award.amounts.count() == 2
    assert EventApplication.objects.filter(award=award).count() == 1


def test_an_event_applied_again_is_refused_and_changes_nothing(make_award) -> None:
    # given
    award = make_award("disability", start=date(2021, 6, 1))
    event = _indexation(date(2022, 1, 1))
    run_to_end(event_apply_start(event_id=event.pk, actor=None))
    # when
    with pytest.raises(ConflictError) as error:
        event_apply_start(event_id=event.pk, actor=None)
    # then
    assert error.value.code == "event_already_applied"
    assert award.amounts.count() == 2


def test_the_database_allows_an_event_once_per_award(make_award) -> None:
    award = make_award("disability", start=date(2021, 6, 1))
    event = _indexation(date(2022, 1, 1))
    EventApplication.objects.create(event=event, award=award, valid_from=date(2022, 1, 1))
    with pytest.raises(IntegrityError):
        EventApplication.objects.create(event=event, award=award, valid_from=date(2022, 1, 1))


def test_a_payment_run_for_a_closed_month_is_refused(make_award) -> None:
    # given
    make_award("disability", start=date(2024, 1, 1))
    run_to_end(payment_run_start(period=date(2024, 1, 1), actor=None))
    payment_run_close(period=date(2024, 1, 15), actor=None)
    # when
    with pytest.raises(ConflictError) as error:
        payment_run_start(period=date(2024, 1, 1), actor=None)
    # then
    assert error.value.code == "payment_run_closed"
    assert "01.2024" in error.value.message
    with pytest.raises(ConflictError):
        payment_run_close(period=date(2024, 1, 1), actor=None)


def test_a_run_started_twice_at_once_is_refused(make_award) -> None:
    # given: a payment run queued (not stepped yet)
    make_award("disability", start=date(2024, 1, 1))
    first = payment_run_start(period=date(2024, 1, 1), actor=None)
    # when
    with pytest.raises(ConflictError) as error:
        payment_run_start(period=date(2024, 2, 1), actor=None)
    # then
    assert error.value.code == "batch_already_running"
    assert BatchRun.objects.get().pk == first.pk


def test_the_database_refuses_two_active_runs_of_the_same_key() -> None:
    BatchRun.objects.create(kind="payment_run", key="payment_run", status="running")
    BatchRun.objects.create(
        kind="payment_run", key="payment_run", status="done", finished_at=timezone.now()
    )
    with pytest.raises(IntegrityError):
        BatchRun.objects.create(kind="payment_run", key="payment_run", status="queued")


@pytest.mark.django_db(transaction=True)
def test_two_starts_of_the_same_event_at_the_same_moment_make_one_run(make_award) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL: SQLite serialises writers")
    # given an indexation and two administrators pressing "apply" at once
    make_award("disability", start=date(2021, 6, 1))
    event = disability_indexation()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start() -> None:
        barrier.wait()
        try:
            event_apply_start(event_id=event.pk, actor=None)
            outcomes.append("started")
        except ConflictError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then the database let exactly one through
    assert sorted(outcomes) == ["batch_already_running", "started"]
    assert BatchRun.objects.filter(params__event_id=event.pk).count() == 1


def test_events_are_applied_in_date_order(make_award) -> None:
    # given a disability award and the 2022 indexations, the April one applied first
    make_award("disability", start=date(2021, 6, 1))
    january, april = (
        event_create(
            kind="indexation",
            effective_date=day,
            percent=percent,
            benefit_types=["disability", "breadwinner"],
            selection="active_on",
            actor=None,
        )
        for day, percent in ((date(2022, 1, 1), Decimal("5")), (date(2022, 4, 1), Decimal("4")))
    )
    run_to_end(event_apply_start(event_id=april.pk, actor=None))
    # when January comes after April
    with pytest.raises(ConflictError) as error:
        event_apply_start(event_id=january.pk, actor=None)
    # then it is refused and nothing of it is applied
    assert error.value.code == "event_out_of_order"
    assert not EventApplication.objects.filter(event=january).exists()

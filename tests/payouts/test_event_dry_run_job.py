"""An event's dry run is a batch job; its report stays on the event, the page only shows it."""

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from benefits.models import AwardAmount
from gfss.common.exceptions import ApplicationError
from gfss.jobs.models import BatchRun
from gfss.org.models import Role
from payouts.models import EventApplication, RecalculationEvent
from payouts.services.event_dry_runs import DRY_RUN_JOB_KIND, event_dry_run_start
from payouts.services.events import event_dry_run
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db


def _indexation_2022(make_award) -> RecalculationEvent:
    make_award("disability", start=date(2021, 6, 1), end=date(2022, 4, 1), gross="100000.00")
    make_award("breadwinner", start=date(2021, 6, 1), gross="50000.00")
    make_award("disability", start=date(2021, 9, 1), gross="80000.00")
    call_command("events_load_2022")
    return RecalculationEvent.objects.get(effective_date=date(2022, 1, 1))


def test_the_job_reports_what_the_dry_run_computes_and_writes_nothing_else(make_award) -> None:
    # given
    event = _indexation_2022(make_award)
    amounts = AwardAmount.objects.count()
    # when: one award per chunk, so the report is summed over three chunks
    run = run_to_end(
        event_dry_run_start(event_id=event.pk, actor=None, horizon=date(2022, 5, 20), chunk_size=1)
    )
    # then
    assert run.status == "done", run.error_report
    event.refresh_from_db()
    reference = event_dry_run(event_id=event.pk, horizon=date(2022, 5, 20))
    report = event.dry_run_report
    assert report["complete"] is True
    assert report["months"] == reference["months"]
    assert (report["awards_selected"], report["awards_changed"]) == (3, 3)
    assert report["months"][0] == {
        "period": "2022-01",
        "awards": 3,
        "gross_change": "11500.00",
        "net_change": "10600.00",
    }
    assert event.dry_run_at is not None
    assert run.result["awards_changed"] == 3
    assert AwardAmount.objects.count() == amounts
    assert not EventApplication.objects.exists()


def test_the_event_page_computes_nothing_on_get_and_shows_the_stored_report(
    make_award, make_staff
) -> None:
    # given
    event = _indexation_2022(make_award)
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    # when: the page before any dry run
    page = client.get(f"/ru/payouts/events/{event.pk}/").content.decode()
    # then
    assert "Пробного расчёта ещё не было" in page
    assert not BatchRun.objects.exists()
    # when: the dry run is started from the page, and runs
    response = client.post(f"/ru/payouts/events/{event.pk}/dry-run/")
    run = BatchRun.objects.get(kind=DRY_RUN_JOB_KIND)
    assert response.url == f"/ru/jobs/{run.pk}/"
    run_to_end(run)
    # then: the report is on the event page and in the admin
    page = client.get(f"/ru/payouts/events/{event.pk}/").content.decode()
    assert "01.2022" in page
    assert "11\xa0500,00" in page
    admin = client.get(f"/ru/admin/payouts/recalculationevent/{event.pk}/change/")
    assert "11500.00" in admin.content.decode()
    assert client.get(f"/ru/payouts/events/{event.pk}/dry-run/").status_code == 405


def test_a_dry_run_started_twice_at_once_is_refused(make_award) -> None:
    event = _indexation_2022(make_award)
    event_dry_run_start(event_id=event.pk, actor=None)
    with pytest.raises(ApplicationError) as error:
        event_dry_run_start(event_id=event.pk, actor=None)
    assert error.value.code == "batch_already_running"
    assert BatchRun.objects.filter(kind=DRY_RUN_JOB_KIND).count() == 1


def test_a_dry_run_of_an_event_before_every_award_is_refused_with_nothing_written(
    make_award,
) -> None:
    make_award("disability", start=date(2023, 6, 1))
    call_command("events_load_2022")
    event = RecalculationEvent.objects.get(effective_date=date(2022, 1, 1))
    with pytest.raises(ApplicationError) as error:
        event_dry_run_start(event_id=event.pk, actor=None)
    assert error.value.code == "event_before_awards"
    event.refresh_from_db()
    assert event.dry_run_report == {}
    assert not BatchRun.objects.exists()

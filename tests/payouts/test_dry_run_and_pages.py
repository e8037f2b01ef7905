"""The dry run writes nothing and reports per month; staff pages and the schedule."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from benefits.models import AwardAmount
from benefits.models.awards import BenefitType
from gfss.org.models import Role
from payouts.models import EventApplication, RecalculationEvent
from payouts.services.closing import payment_run_close
from payouts.services.events import event_dry_run
from payouts.services.payments import payment_run_start
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db


def test_dry_run_reports_awards_and_money_per_month_and_writes_nothing(make_award) -> None:
    # given: one award paying to March 2022, one open-ended
    make_award("disability", start=date(2021, 6, 1), end=date(2022, 4, 1), gross="100000.00")
    make_award("breadwinner", start=date(2021, 6, 1), gross="50000.00")
    call_command("events_load_2022")
    event = RecalculationEvent.objects.get(effective_date=date(2022, 1, 1))
    amounts = AwardAmount.objects.count()
    # when
    report = event_dry_run(event_id=event.pk, horizon=date(2022, 5, 20))
    # then
    assert AwardAmount.objects.count() == amounts
    assert not EventApplication.objects.exists()
    assert (report["awards_selected"], report["awards_changed"]) == (2, 2)
    assert report["months"] == [
        {"period": "2022-01", "awards": 2, "gross_change": "7500.00", "net_change": "7000.00"},
        {"period": "2022-02", "awards": 2, "gross_change": "7500.00", "net_change": "7000.00"},
        {"period": "2022-03", "awards": 2, "gross_change": "7500.00", "net_change": "7000.00"},
        {"period": "2022-04", "awards": 1, "gross_change": "2500.00", "net_change": "2500.00"},
        {"period": "2022-05", "awards": 1, "gross_change": "2500.00", "net_change": "2500.00"},
    ]


def test_dry_run_of_the_childcare_extension_counts_the_added_months(make_award) -> None:
    make_award("childcare", start=date(2022, 5, 10), end=date(2023, 5, 10), gross="50000.00")
    call_command("events_load_2022")
    event = RecalculationEvent.objects.get(kind="period_extension")
    report = event_dry_run(event_id=event.pk, horizon=date(2024, 1, 1))
    assert [m["period"] for m in report["months"]] == [f"2023-{m:02d}" for m in range(5, 11)]
    assert report["months"][0]["net_change"] == "45000.00"


def test_payout_pages_for_an_administrator(make_award, make_staff) -> None:
    # given
    award = make_award("disability", start=date(2024, 1, 1))
    run_to_end(payment_run_start(period=date(2024, 1, 1), actor=None))
    run_to_end(payment_run_close(period=date(2024, 1, 1), actor=None))
    make_award("disability", start=date(2021, 1, 1), end=date(2023, 1, 1))
    call_command("events_load_2022")
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    event = RecalculationEvent.objects.first()
    # when / then
    for url in [
        "/en/payouts/",
        "/en/payouts/runs/2024-01/",
        "/en/payouts/events/",
        f"/en/payouts/events/{event.pk}/",
        "/en/payouts/overpayments/",
    ]:
        assert client.get(url).status_code == 200, url
    # the event's benefits by their names, not their codes
    detail = client.get(f"/ru/payouts/events/{event.pk}/").content.decode()
    assert "disability" not in detail
    with translation.override("ru"):
        assert str(BenefitType.DISABILITY.label) in detail
    page = client.get("/en/payouts/runs/2024-01/").content.decode()
    assert "027" in page
    assert "90,000.00" in page
    refused = client.post("/en/payouts/runs/start/", {"period": "2024-01"}, follow=True)
    assert "closed" in refused.content.decode()
    assert award.payments.count() == 1


def test_specialists_see_no_payout_pages(specialist) -> None:
    client = Client()
    client.force_login(specialist)
    assert client.get("/en/payouts/").status_code == 403


def test_setup_periodic_tasks_rebuilds_the_schedule() -> None:
    # given: a stale entry of ours and one of someone else
    every_minute = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(name="gfss: retired job", task="x.y", interval=every_minute)
    # when
    call_command("setup_periodic_tasks")
    call_command("setup_periodic_tasks")
    # then
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "payouts.tasks.payment_run_monthly_task" in names
    assert "contributions.tasks.penalties_accrue_task" in names
    assert "gfss.jobs.tasks.batchrun_requeue_stale_task" in names
    assert "reporting.tasks.payer_monitoring_task" in names
    assert "benefits.tasks.offers_lapse_task" in names
    assert not PeriodicTask.objects.filter(name="gfss: retired job").exists()
    assert PeriodicTask.objects.filter(name__startswith="gfss: ").count() == len(names)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_payout_pages_write_changes_dates_months_and_grounds_as_the_language_does(
    make_award, make_staff, language
) -> None:
    # given: the 2022-2023 events and a month paid
    make_award("disability", start=date(2024, 1, 1))
    run_to_end(payment_run_start(period=date(2024, 1, 1), actor=None))
    call_command("events_load_2022")
    client = Client()
    client.force_login(make_staff(Role.ANALYST))
    coefficient = RecalculationEvent.objects.get(kind="coefficient_change")
    # when
    events = client.get(f"/{language}/payouts/events/").content.decode()
    detail = client.get(f"/{language}/payouts/events/{coefficient.pk}/").content.decode()
    operator = Client()
    operator.force_login(make_staff(Role.ADMINISTRATOR))
    runs = operator.get(f"/{language}/payouts/").content.decode()
    # then: no parameter dict, no four-decimal percent, no ISO or spelled-out dates
    for page in (events, detail):
        assert "{&#x27;from&#x27;" not in page
        assert "'from'" not in page
        assert "rules.md" not in page
        assert "[V, seed]" not in page
        assert "0,40 → 0,45" in page
        assert "01.01.2023" in page
    assert "5,0000" not in events
    assert "+5\u00a0%" in events
    assert "+8,5\u00a0%" in events
    assert "2022-01-01" not in events
    assert "2022 г." not in events
    with translation.override(language):
        assert gettext("Social Code, article %(articles)s") % {"articles": "118"} in detail
        assert (
            gettext("replacement coefficient %(old)s → %(new)s")
            % {
                "old": "0,40",
                "new": "0,45",
            }
            in detail
        )
        january = str(MONTHS[1])
    assert ">2024-01<" not in runs
    assert f"{january} 2024" in runs
    # a month field is written in the browser's language: the months are offered by name
    assert 'type="month"' not in runs
    assert 'name="period"' in runs


def test_batch_jobs_are_named_and_their_parameters_and_results_written_for_people(
    make_award, make_staff
) -> None:
    # given: a month paid
    make_award("disability", start=date(2024, 1, 1))
    run = run_to_end(payment_run_start(period=date(2024, 1, 1), actor=None))
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    # when
    listing = client.get("/kk/jobs/").content.decode()
    detail = client.get(f"/kk/jobs/{run.pk}/").content.decode()
    # then: the kind by its name, the month as a month, the money as money; no dict, no code
    with translation.override("kk"):
        name = gettext("Payment run")
        payable = gettext("Payable")
    for page in (listing, detail):
        assert name in page
        assert "payment_run" not in page
        assert "&#x27;period&#x27;" not in page
        assert "2024-01-01" not in page
        assert "01.2024" in page
    assert re.search(rf"{payable}: \d{{1,3}}(?:\u00a0\d{{3}})*,\d\d\u00a0₸", detail)
    # the run's position is a record number, not a developer's "id"
    assert "Өңделген соңғы жазба №" in detail
    assert not re.search(r"\bid\b", re.sub(r"<[^>]+>", " ", detail))


@pytest.mark.parametrize(("language", "act"), [("kk", "№ 286-VI Заң"), ("ru", "Закон № 286-VI")])
def test_each_2022_2023_event_shows_its_legal_act(make_staff, language, act) -> None:
    # given: the events of rules.md §5; the indexations of 2022 and 2023 rest on the law on
    # compulsory social insurance of 2019 (No. 286-VI, in force until the Social Code)
    call_command("events_load_2022")
    client = Client()
    client.force_login(make_staff(Role.ANALYST))
    # when
    page = client.get(f"/{language}/payouts/events/").content.decode()
    # then: every row names its ground, none is a dash
    rows = re.findall(r"<tr><td><a href=\"/\w+/payouts/events/\d+/\">.*?</tr>", page, re.S)
    assert len(rows) == RecalculationEvent.objects.count() == 5
    heads = re.findall(r"<th[^>]*>(.*?)</th>", page)
    ground = heads.index(gettext_in(language, "Legal ground"))
    grounds = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[ground].strip() for row in rows]
    assert "—" not in grounds
    indexations = [g for g, row in zip(grounds, rows, strict=True) if "→" not in row]
    assert indexations == [act] * 3


def gettext_in(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def test_a_payment_run_that_crashes_reads_failed_and_the_month_can_be_run_again(
    make_award, make_staff, eager_celery, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    # given: the demo's inline tasks, and a chunk that breaks a database constraint
    from django.db import IntegrityError

    make_award("disability", start=date(2024, 1, 1))
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))

    def broken(*args, **kwargs):
        raise IntegrityError("CHECK constraint failed: payouts_payment_gross_is_opv_net")

    monkeypatch.setattr("payouts.services.payments.awards_pay", broken)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/ru/payouts/runs/start/", {"period": "2024-01"})
    # then: the run's page, not an error page, says it failed
    page = client.get(started.url)
    assert page.status_code == 200
    assert "Ошибка" in page.content.decode()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/ru/payouts/runs/start/", {"period": "2024-01"})
    assert again.url != started.url
    assert "Завершено" in client.get(again.url).content.decode()

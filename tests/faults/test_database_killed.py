"""The database connection terminated by the server in the middle of an import, of a decision
and of a batch chunk: nothing partial stays, the caller is told to retry (or the task retries
itself), and the retry does the work exactly once."""

from datetime import date

import pytest
from celery.exceptions import Retry
from django.db import connection
from django.test import Client
from django.utils import translation

from benefits.models import Application, Award
from benefits.services.applications import application_take
from contributions.models import ContributionLine, PaymentDocument, QuarantinedLine, ReceivedFile
from gfss.api.permissions import Scope
from gfss.common.outages import database_unavailable_message
from gfss.jobs.models import BatchRun
from gfss.jobs.tasks import batchrun_step_task
from participants.models import Person
from payouts.models import EventApplication
from payouts.services.events import event_apply_start
from tests.benefits.cases import case_received, insured_person
from tests.contributions.documents import document, line_for
from tests.factories import PayerFactory, PersonFactory
from tests.faults.conftest import needs_postgres, terminate_backend
from tests.payouts.conftest import run_to_end
from tests.payouts.events import disability_indexation

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def _killed_once(monkeypatch, target: str) -> list[int]:
    """Wrap ``target`` so that its first call does its work, then loses the connection."""
    module, name = target.rsplit(".", 1)
    original = getattr(__import__(module, fromlist=[name]), name)
    calls: list[int] = []

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            terminate_backend(connection)
        return result

    monkeypatch.setattr(target, wrapper)
    return calls


def test_an_import_cut_off_leaves_nothing_and_the_retry_loads_it_once(partner_api, monkeypatch):
    # given: a bank's document of 40 lines, 20 of them for persons the registry does not know
    # yet, and one bad line for quarantine
    payer = PayerFactory()
    known = [PersonFactory() for _ in range(20)]
    lines = [line_for(p, "10500.00", date(2024, 5, 1)) for p in known]
    lines += [line_for(PersonFactory.build(), "10500.00", date(2024, 5, 1)) for _ in range(20)]
    lines.append({**line_for(known[0], "10500.00", date(2024, 5, 1)), "iin": "123"})
    data = document(payer_idn=payer.idn, lines=lines)
    persons_before = Person.objects.count()
    client = partner_api(Scope.PAYMENTS)

    def upload():
        return client.generic(
            "POST",
            "/api/v1/payments/mt102/?filename=may.mt102",
            data,
            content_type="application/octet-stream",
            HTTP_ACCEPT_LANGUAGE="kk",
        )

    # when: the connection is terminated after the lines went in, before the commit
    calls = _killed_once(monkeypatch, "contributions.services.imports._lines_insert")
    cut = upload()
    # then: a 503 the bank's system can act on, in Kazakh, and nothing of the document
    assert calls == [1]
    assert cut.status_code == 503
    assert cut["Retry-After"] == "5"
    with translation.override("kk"):
        assert cut.json() == {
            "code": "database_unavailable",
            "message": database_unavailable_message(),
            "extra": {},
        }
    assert "байланыс үзілді" in cut.json()["message"]
    assert PaymentDocument.objects.count() == 0
    assert ContributionLine.objects.count() == 0
    assert QuarantinedLine.objects.count() == 0
    assert Person.objects.count() == persons_before
    # the received bytes are kept for audit, marked failed
    assert list(ReceivedFile.objects.values_list("outcome", flat=True)) == ["failed"]
    # when: the bank sends the same document again, and once more
    retried = upload()
    again = upload()
    # then: loaded once
    assert retried.status_code == 201, retried.json()
    assert retried.json()["status"] == "partially_accepted"
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert PaymentDocument.objects.count() == 1
    assert ContributionLine.objects.count() == 40
    assert QuarantinedLine.objects.count() == 1
    assert Person.objects.count() == persons_before + 20


def test_a_decision_cut_off_leaves_the_case_undecided_and_the_retry_decides_it_once(
    specialist, monkeypatch
):
    # given: a childcare case the specialist holds
    case = case_received(insured_person())
    application_take(actor=specialist, application_id=case.pk)
    events_before = case.events.count()
    client = Client()
    client.force_login(specialist)
    # when: the connection is terminated after the award was written, before the commit
    calls = _killed_once(monkeypatch, "benefits.services.applications._award_grant")
    cut = client.post(f"/ru/cases/{case.uuid}/assign", {"override_gross": "", "comment": ""})
    # then: a page in Russian saying nothing was saved, and nothing was
    assert calls == [1]
    assert cut.status_code == 503
    assert cut["Retry-After"] == "5"
    page = cut.content.decode()
    assert "Соединение с базой данных прервалось" in page
    assert 'lang="ru"' in page
    case.refresh_from_db()
    assert case.status == Application.Status.IN_REVIEW
    assert case.events.count() == events_before
    assert not Award.objects.filter(application=case).exists()
    # when: she presses the button again, and once more
    retried = client.post(f"/ru/cases/{case.uuid}/assign", {"override_gross": "", "comment": ""})
    again = client.post(
        f"/ru/cases/{case.uuid}/assign", {"override_gross": "", "comment": ""}, follow=True
    )
    # then: decided once, one award; the second press is told the case is decided
    assert retried.status_code == 302
    case.refresh_from_db()
    assert case.status == Application.Status.ASSIGNED
    assert Award.objects.filter(application=case).count() == 1
    assert case.events.count() == events_before + 1
    assert again.status_code == 200
    assert "сейчас нельзя" in again.content.decode()
    assert Award.objects.filter(application=case).count() == 1


def test_a_batch_chunk_cut_off_is_retried_by_its_task_and_applied_once(make_award, monkeypatch):
    # given: an indexation of 6 awards in chunks of 2, one chunk already done
    for _ in range(6):
        make_award("disability", start=date(2021, 6, 1))
    event = disability_indexation()
    sent: list[int] = []
    monkeypatch.setattr(
        "gfss.jobs.services.batchrun_send",
        lambda *, run_id, queue: sent.append(run_id) or True,
    )
    monkeypatch.setattr("gfss.jobs.tasks.DATABASE_RETRY_SECONDS", 0)
    monkeypatch.setattr("gfss.jobs.services.TIME_BOX_SECONDS", 0)  # one chunk a step
    run = event_apply_start(event_id=event.pk, actor=None, chunk_size=2)
    batchrun_step_task.apply(kwargs={"run_id": run.pk})
    run.refresh_from_db()
    assert (run.done, EventApplication.objects.count()) == (2, 2)
    # when: the connection is terminated after the second chunk's work, before its commit
    calls = _killed_once(monkeypatch, "payouts.services.events.event_apply_ids")
    with pytest.raises(Retry):
        batchrun_step_task.apply(kwargs={"run_id": run.pk})
    # then: the task asks to be retried; the chunk left nothing and the run did not move
    run.refresh_from_db()
    assert (run.status, run.done, run.errors) == ("running", 2, 0)
    assert EventApplication.objects.count() == 2
    # when: the retry runs
    batchrun_step_task.apply(kwargs={"run_id": run.pk})
    # then: the second chunk is done once
    assert len(calls) == 2
    run.refresh_from_db()
    assert (run.status, run.done, run.errors) == ("running", 4, 0)
    assert EventApplication.objects.count() == 4
    assert EventApplication.objects.values("award_id").distinct().count() == 4
    # when: it runs to the end
    done = run_to_end(run)
    # then: every award indexed exactly once
    assert (done.status, done.done, done.changed) == ("done", 6, 6)
    assert EventApplication.objects.filter(event=event).count() == 6
    assert BatchRun.objects.get(pk=run.pk).error_report == ""

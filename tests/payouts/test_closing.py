"""Closing a month: only after a completed run; the payout files built by a batch job into
storage, chunk by chunk, the same bytes as the MT-102 builder makes in one piece."""

import hashlib
from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from contributions.mt102.build import build_document
from contributions.mt102.parse import parse_document
from gfss.common.exceptions import ConflictError, NotFoundError
from gfss.jobs.models import BatchRun
from gfss.jobs.services import batchrun_cancel, batchrun_fail, batchrun_resume, batchrun_step
from gfss.org.models import Role
from payouts.models import Payment, PaymentRun, PayoutFile
from payouts.payout_file import payout_header, payout_line
from payouts.services.closing import FILES_JOB_KIND, payment_run_close
from payouts.services.payments import payment_run_start
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db

MAY = date(2024, 5, 1)


def _paid_month(make_award, n: int = 5) -> None:
    for i in range(n):
        make_award("disability", start=MAY, gross=f"{100000 + i * 1000}.00")
    make_award("childcare", start=MAY, end=date(2025, 11, 1), gross="60000.00")
    run = run_to_end(payment_run_start(period=MAY, actor=None))
    assert run.status == "done", run.error_report


def _nothing_closed() -> None:
    run = PaymentRun.objects.get(period=MAY)
    assert (run.status, run.closed_at) == ("open", None)
    assert not PayoutFile.objects.exists()
    assert not BatchRun.objects.filter(kind=FILES_JOB_KIND).exists()


@pytest.mark.parametrize("stop", ["failed", "cancelled"])
def test_a_close_after_a_run_that_did_not_complete_is_refused(make_award, stop) -> None:
    # given: the month's run stopped before its first chunk
    make_award("disability", start=MAY)
    batch = payment_run_start(period=MAY, actor=None)
    if stop == "failed":
        batchrun_fail(run_id=batch.pk, error="worker lost")
    else:
        batchrun_cancel(run_id=batch.pk, actor=None)
    # when
    with pytest.raises(ConflictError) as error:
        payment_run_close(period=MAY, actor=None)
    # then
    assert error.value.code == "run_incomplete"
    assert "05.2024" in error.value.message
    assert error.value.extra["batch_run"] == batch.pk
    _nothing_closed()


def test_a_failed_run_after_a_completed_one_still_blocks_the_close(make_award) -> None:
    # given: a done run, then a rerun of the month that failed
    _paid_month(make_award, n=1)
    rerun = payment_run_start(period=MAY, actor=None)
    batchrun_fail(run_id=rerun.pk, error="database went away")
    # when / then
    with pytest.raises(ConflictError, match=r"05\.2024") as error:
        payment_run_close(period=MAY, actor=None)
    assert error.value.code == "run_incomplete"
    _nothing_closed()
    # and once the failed run is finished, the month closes
    run_to_end(batchrun_resume(run_id=rerun.pk, actor=None))
    files = run_to_end(payment_run_close(period=MAY, actor=None))
    assert files.status == "done", files.error_report


def test_a_rerun_unblocks_the_close(make_award) -> None:
    make_award("disability", start=MAY)
    batchrun_fail(run_id=payment_run_start(period=MAY, actor=None).pk, error="killed")
    run_to_end(payment_run_start(period=MAY, actor=None))
    assert run_to_end(payment_run_close(period=MAY, actor=None)).status == "done"
    assert PaymentRun.objects.get(period=MAY).status == "closed"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", "05.2024 үшін төлем циклі аяқталмаған"),
        ("ru", "не завершён"),
        ("en", "is not complete"),
    ],
)
def test_the_refusal_speaks_the_users_language(make_award, language, words) -> None:
    make_award("disability", start=MAY)
    batchrun_fail(run_id=payment_run_start(period=MAY, actor=None).pk, error="killed")
    with translation.override(language), pytest.raises(ConflictError) as error:
        payment_run_close(period=MAY, actor=None)
    assert words in error.value.message


def test_a_close_of_a_closed_month_is_refused(make_award) -> None:
    # given
    _paid_month(make_award, n=1)
    run_to_end(payment_run_close(period=MAY, actor=None))
    files = PayoutFile.objects.count()
    # when
    with pytest.raises(ConflictError) as error:
        payment_run_close(period=MAY, actor=None)
    # then
    assert error.value.code == "payment_run_closed"
    assert PayoutFile.objects.count() == files
    assert BatchRun.objects.filter(kind=FILES_JOB_KIND).count() == 1


def test_a_close_of_a_month_never_run_is_refused() -> None:
    with pytest.raises(NotFoundError) as error:
        payment_run_close(period=MAY, actor=None)
    assert error.value.code == "payment_run_missing"
    assert not PaymentRun.objects.exists()


def test_the_files_built_in_chunks_are_the_builders_document_byte_for_byte(
    make_award, django_capture_on_commit_callbacks
) -> None:
    # given: six lines, written two by two
    _paid_month(make_award)
    # when: (the parts are deleted once the last step commits)
    job = payment_run_close(period=MAY, actor=None, chunk_size=2)
    with django_capture_on_commit_callbacks(execute=True):
        job = run_to_end(job)
    # then
    assert (job.status, job.total, job.done) == ("done", 6, 6)
    payout = PayoutFile.objects.get(benefit="disability")
    data = payout.document.read()
    payments = list(
        Payment.objects.filter(run__period=MAY, benefit="disability")
        .select_related("award__person")
        .order_by("pk")
    )
    one_piece = build_document(
        lines=[payout_line(p) for p in payments], **asdict(payout_header(payout))
    )
    assert data == one_piece
    assert payout.sha256 == hashlib.sha256(data).hexdigest()
    assert (payout.lines, payout.total) == (5, Decimal("459000.00"))
    document = parse_document(data=data)
    assert (document.knp, len(document.lines)) == ("027", 5)
    assert [line.amount for line in document.lines] == [p.payable for p in payments]
    assert payout.parts == []
    assert default_storage.listdir("payouts/2024-05/parts")[1] == []
    summary = {f["benefit"]: f for f in job.result["files"]}
    assert summary["disability"]["sha256"] == payout.sha256


def test_a_files_job_stopped_part_way_resumes_to_the_same_file(make_award, monkeypatch) -> None:
    # given: one chunk per step, the job fails after its first chunk
    _paid_month(make_award)
    monkeypatch.setattr("gfss.jobs.services.TIME_BOX_SECONDS", 0)
    job = payment_run_close(period=MAY, actor=None, chunk_size=2)
    assert batchrun_step(run_id=job.pk)
    assert PayoutFile.objects.get(benefit="disability").parts != []
    batchrun_fail(run_id=job.pk, error="worker killed")
    # when
    job = run_to_end(batchrun_resume(run_id=job.pk, actor=None))
    # then
    assert job.status == "done", job.error_report
    document = parse_document(data=PayoutFile.objects.get(benefit="disability").document.read())
    assert [line.number for line in document.lines] == ["1", "2", "3", "4", "5"]


def test_the_close_page_starts_the_job_and_its_progress_shows_on_the_run(
    make_award, make_staff
) -> None:
    # given
    _paid_month(make_award, n=1)
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    # when
    response = client.post("/en/payouts/runs/2024-05/close/")
    # then
    job = BatchRun.objects.get(kind=FILES_JOB_KIND)
    assert response.url == f"/en/jobs/{job.pk}/"
    page = client.get("/en/payouts/runs/2024-05/").content.decode()
    assert f"/en/jobs/{job.pk}/progress.json" in page
    assert "Being built" in page
    run_to_end(job)
    page = client.get("/en/payouts/runs/2024-05/").content.decode()
    payout = PayoutFile.objects.get(benefit="disability")
    assert f"/en/payouts/files/{payout.pk}/register/" in page
    download = client.get(f"/en/payouts/files/{payout.pk}/")
    assert download.streaming
    assert download["Content-Disposition"] == f'attachment; filename="{payout.reference}.txt"'
    assert b"".join(download.streaming_content) == payout.document.read()


def test_the_close_page_refuses_after_a_failed_run_in_the_users_language(
    make_award, make_staff
) -> None:
    make_award("disability", start=MAY)
    batchrun_fail(run_id=payment_run_start(period=MAY, actor=None).pk, error="killed")
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    page = client.post("/ru/payouts/runs/2024-05/close/", follow=True).content.decode()
    assert "не завершён" in page
    assert "run_incomplete" not in page
    _nothing_closed()


def test_the_register_lists_the_files_lines_in_order_with_the_total(make_award, make_staff) -> None:
    # given
    _paid_month(make_award, n=3)
    run_to_end(payment_run_close(period=MAY, actor=None, chunk_size=2))
    payout = PayoutFile.objects.get(benefit="disability")
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    # when
    response = client.get(f"/ru/payouts/files/{payout.pk}/register/")
    # then
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = [line.split(",") for line in text.strip().splitlines()]
    assert rows[0][:2] == ["№", "ИИН"]
    document = parse_document(data=payout.document.read())
    assert [row[1] for row in rows[1:-1]] == [line.iin for line in document.lines]
    assert rows[-1][-1] == str(payout.total)
    assert "-register.csv" in response["Content-Disposition"]


def test_the_run_list_reads_stored_totals_without_summing_payments(make_award, make_staff) -> None:
    # given
    _paid_month(make_award)
    run = PaymentRun.objects.get(period=MAY)
    assert (run.lines, run.payable) == (6, Decimal("513000.00"))
    assert run.totals_at is not None
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    # when
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/payouts/").content.decode()
    # then
    assert "513,000.00" in page
    assert not [q for q in queries.captured_queries if 'payouts_payment"' in q["sql"]]


def test_a_month_whose_run_never_completed_shows_no_totals(make_award, make_staff) -> None:
    make_award("disability", start=MAY)
    payment_run_start(period=MAY, actor=None)
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    assert "No run of this month has completed yet." in client.get("/en/payouts/").content.decode()

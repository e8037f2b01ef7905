import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from contributions.models import (
    ContributionLine,
    PaymentDocument,
    QuarantinedLine,
    ReceivedFile,
)
from contributions.mt102 import parse
from contributions.services import imports, mt102_import
from participants.models import Payer, Person
from tests.contributions.documents import TODAY, document, line_for, load, sample
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db

PAYER = "150540012348"


def _nothing_loaded() -> None:
    assert PaymentDocument.objects.count() == 0
    assert ContributionLine.objects.count() == 0
    assert QuarantinedLine.objects.count() == 0
    assert Person.objects.count() == 0
    assert Payer.objects.count() == 0


# --- the golden samples -----------------------------------------------------------------------


def test_valid_sample_in_kz1048_is_accepted_with_persons_and_payer_created():
    # given the three-line sample in KZ-1048 and an empty registry
    data = sample("valid-3-lines.txt")
    # when it is imported
    report = load(data, filename="valid-3-lines.txt")
    # then all three lines are ledger rows and the registry learned the persons and the payer
    assert report.as_json() == {
        "file": "valid-3-lines.txt",
        "status": "accepted",
        "reference": "PP240601000001",
        "payer": PAYER,
        "knp": "012",
        "value_date": "2024-06-10",
        "lines_total": 3,
        "lines_accepted": 3,
        "lines_rejected": 0,
        "amount_total": "38528.58",
        "amount_accepted": "38528.58",
        "errors": [],
    }
    lines = ContributionLine.objects.select_related("person").order_by("line_no")
    assert [(line.person.iin, line.period, line.amount) for line in lines] == [
        ("800416474029", date(2024, 5, 1), Decimal("13625.20")),
        ("960123430501", date(2024, 5, 1), Decimal("4948.91")),
        ("660512388251", date(2024, 5, 1), Decimal("19954.47")),
    ]
    anna = Person.objects.get(iin="800416474029")
    assert (anna.surname, anna.first_name, anna.birth_date, anna.sex) == (
        "ЖАНҰЗАҚОВ",
        "АННА",
        date(1980, 4, 16),
        "F",
    )
    payer = Payer.objects.get(idn=PAYER)
    assert (payer.name, payer.kind) == ('ТОО "ПРИМЕР-СЕРВИС"', Payer.Kind.EMPLOYER)
    received = ReceivedFile.objects.get()
    assert bytes(received.content) == data
    assert received.outcome == ReceivedFile.Outcome.ACCEPTED


def test_a_file_imported_from_disk_is_kept_whole_and_loaded_as_its_bytes(tmp_path, monkeypatch):
    # given the 200-line sample on disk, read in blocks of 100 bytes
    data = sample("valid-200-lines-utf8.txt")
    path = tmp_path / "200.txt"
    path.write_bytes(data)
    monkeypatch.setattr(imports, "_COPY_BYTES", 100)
    monkeypatch.setattr(parse, "_CHUNK_BYTES", 700)
    # when it is imported from the open file
    with path.open("rb") as file:
        report = mt102_import(
            data=file,
            filename="200.txt",
            actor=None,
            source=ReceivedFile.Source.COMMAND,
            today=TODAY,
        )
    # then all its lines load and the file is kept byte for byte
    assert (report.status, report.lines_accepted) == ("accepted", 200)
    assert ContributionLine.objects.count() == 200
    received = ReceivedFile.objects.get()
    assert (bytes(received.content), received.size) == (data, len(data))


def test_utf8_sample_with_200_lines_is_accepted():
    report = load(sample("valid-200-lines-utf8.txt"))
    assert (report.status, report.lines_accepted) == ("accepted", 200)
    assert ContributionLine.objects.count() == 200


def test_bad_lines_sample_is_partially_accepted_with_its_four_errors_in_quarantine():
    # given the sample with two wrong IINs, a wrong period and a zero amount
    # when it is imported
    report = load(sample("bad-lines.txt"), filename="bad-lines.txt")
    # then 16 lines load and the 4 others are quarantined with their money
    result = report.as_json()
    assert (result["status"], result["lines_accepted"], result["lines_rejected"]) == (
        "partially_accepted",
        16,
        4,
    )
    assert [(e["line"], e["code"]) for e in result["errors"]] == [
        (1, "iin_invalid"),
        (5, "period_invalid"),
        (10, "amount_invalid"),
        (17, "iin_invalid"),
    ]
    assert all(e["message"] for e in result["errors"])
    assert ContributionLine.objects.count() == 16
    quarantined = list(QuarantinedLine.objects.order_by("line_no"))
    assert [q.line_no for q in quarantined] == [1, 5, 10, 17]
    assert all(q.status == QuarantinedLine.Status.OPEN for q in quarantined)
    assert quarantined[2].amount == Decimal("0.00")
    assert sum(q.amount for q in quarantined) + sum(
        ContributionLine.objects.values_list("amount", flat=True)
    ) == Decimal(result["amount_total"])


def test_bad_total_sample_is_rejected_and_only_the_received_bytes_are_kept():
    # given a document whose total is off by one tenge
    data = sample("bad-total.txt")
    # when it is imported
    report = load(data, filename="bad-total.txt")
    # then it is rejected as a whole with a document-level error
    assert report.status == "rejected"
    assert report.as_json()["errors"] == [
        {"line": None, "code": "total_mismatch", "message": report.errors[0].message}
    ]
    _nothing_loaded()
    received = ReceivedFile.objects.get()
    assert (received.outcome, received.error_code) == ("rejected", "total_mismatch")
    assert bytes(received.content) == data


# --- every document-level code with a real file ----------------------------------------------


def _person_line(amount: str = "1000.00", period: date = date(2024, 5, 1)):
    return line_for(PersonFactory.build(), amount, period=period)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "format_invalid"),
        (b"%PDF-1.4 this is not a payment order", "format_invalid"),
        (b"{1:F01K054700000000001000001}\r\n{2:I103SGROSS}\r\n", "format_invalid"),
    ],
    ids=["empty", "not-mt102", "other-message-type"],
)
def test_unreadable_files_are_rejected_as_format_invalid(data, code):
    report = load(data)
    assert report.status == "rejected"
    assert [(e.line, e.code) for e in report.errors] == [(None, code)]
    assert ReceivedFile.objects.get().error_code == code
    _nothing_loaded()


def test_total_off_by_one_tiyn_is_rejected():
    data = document(payer_idn=PAYER, lines=[_person_line("1000.00")], total=Decimal("1000.01"))
    report = load(data)
    assert [(e.line, e.code) for e in report.errors] == [(None, "total_mismatch")]
    _nothing_loaded()


def test_other_currency_unsupported_knp_and_bad_payer_id_are_rejected():
    usd = document(payer_idn=PAYER, lines=[_person_line()]).replace(b"KZT", b"USD")
    pension = document(payer_idn=PAYER, lines=[_person_line()], knp="010")
    bad_payer = document(payer_idn="150540012349", lines=[_person_line()])
    codes = [load(data).errors[0].code for data in (usd, pension, bad_payer)]
    assert codes == ["currency_invalid", "knp_unsupported", "payer_id_invalid"]
    _nothing_loaded()


def test_a_file_above_the_configured_maximum_is_rejected_before_parsing(settings):
    # given a maximum of 1 KB and a valid document of more than that
    settings.CONTRIBUTIONS_MAX_FILE_BYTES = 1024
    data = document(payer_idn=PAYER, lines=[_person_line() for _ in range(20)])
    # when it is imported
    report = load(data)
    # then it is rejected with a message naming the limit, and its bytes are kept
    assert report.errors[0].code == "format_invalid"
    assert "1\u00a0024" in report.errors[0].message  # in the active language (ru)
    assert ReceivedFile.objects.get().size == len(data)
    _nothing_loaded()


# --- every line-level code -------------------------------------------------------------------


def test_each_line_code_quarantines_its_line_and_the_rest_loads():
    # given one good line and one of each line error
    good = _person_line("100.00")
    person = PersonFactory.build()
    lines = [
        good,
        {**_person_line("10.00"), "iin": "850712300018"},
        {**_person_line("20.00"), "birth_date": date(1901, 1, 1)},
        _person_line("30.00", period=date(2025, 5, 1)),  # after the payment month and today
        {**_person_line(), "amount": "12.5"},
        line_for(person, "40.00", period=date(2024, 5, 1)),
        line_for(person, "50.00", period=date(2024, 5, 1)),
    ]
    data = document(payer_idn=PAYER, lines=lines, total=Decimal("262.50"))
    # when it is imported
    report = load(data)
    # then each bad line has its code, and the two good ones (the first of the pair) load
    assert [(e.line, e.code) for e in report.errors] == [
        (2, "iin_invalid"),
        (3, "birth_date_mismatch"),
        (4, "period_invalid"),
        (5, "amount_invalid"),
        (7, "duplicate_line"),
    ]
    assert report.lines_accepted == 2
    malformed = QuarantinedLine.objects.get(code="amount_invalid")
    assert (malformed.amount, malformed.amount_text) == (Decimal("12.50"), "12.5")
    future = QuarantinedLine.objects.get(code="period_invalid")
    assert (future.period_text, future.period) == ("052025", date(2025, 5, 1))


def test_a_document_whose_every_line_is_bad_still_keeps_its_money_in_quarantine():
    data = document(payer_idn=PAYER, lines=[{**_person_line("10.00"), "iin": "850712300018"}])
    report = load(data)
    assert (report.status, report.lines_accepted, report.lines_rejected) == (
        "partially_accepted",
        0,
        1,
    )
    assert QuarantinedLine.objects.get().amount == Decimal("10.00")


# --- registry, kinds, duplicates, atomicity --------------------------------------------------


def test_known_persons_are_reused_and_new_ones_get_the_payers_region():
    # given a payer of region 75 and one person already registered
    payer = PayerFactory()
    known = PersonFactory()
    newcomer = PersonFactory.build()
    data = document(
        payer_idn=payer.idn,
        lines=[
            line_for(known, "100.00", date(2024, 5, 1)),
            line_for(newcomer, "200.00", date(2024, 5, 1)),
        ],
    )
    # when the document is imported
    load(data)
    # then the known person is not duplicated and the new one lives in the payer's region
    assert Person.objects.count() == 2
    assert Person.objects.get(iin=newcomer.iin).region_id == payer.region_id
    assert set(ContributionLine.objects.values_list("payer_id", flat=True)) == {payer.pk}


def test_knp_017_lines_are_penalties_and_an_iin_payer_is_an_entrepreneur():
    owner = PersonFactory.build()
    data = document(
        payer_idn=owner.iin, knp="017", lines=[line_for(owner, "55.10", date(2024, 5, 1))]
    )
    load(data)
    assert ContributionLine.objects.get().kind == ContributionLine.Kind.PENALTY
    assert Payer.objects.get().kind == Payer.Kind.ENTREPRENEUR


def test_the_same_bytes_twice_is_a_duplicate_that_changes_nothing():
    data = sample("valid-3-lines.txt")
    first = load(data)
    # when the same file arrives again
    second = load(data)
    # then it is reported as a duplicate and only the receipt is added
    assert (first.status, second.status) == ("accepted", "duplicate")
    assert second.errors[0].code == "duplicate"
    assert ContributionLine.objects.count() == 3
    receipts = list(ReceivedFile.objects.order_by("pk"))
    assert [r.outcome for r in receipts] == ["accepted", "duplicate"]
    assert receipts[1].duplicate_of == PaymentDocument.objects.get()


def test_the_same_reference_payer_and_value_date_in_other_bytes_is_a_duplicate():
    # given two renderings of one payment order (other line ends, other encoding)
    lines = [_person_line("100.00")]
    crlf = document(payer_idn=PAYER, reference="REF1", lines=lines)
    lf = document(payer_idn=PAYER, reference="REF1", lines=lines, line_end="\n")
    # when both are imported
    reports = [load(crlf), load(lf)]
    # then the second is a duplicate
    assert [r.status for r in reports] == ["accepted", "duplicate"]
    assert ContributionLine.objects.count() == 1
    assert PaymentDocument.objects.count() == 1


def test_a_failure_mid_load_leaves_no_line_and_keeps_the_bytes(monkeypatch):
    # given a loader that breaks after the lines were inserted, before the quarantine
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_quarantine_insert", broken)
    # when a document with good and bad lines is imported
    with pytest.raises(RuntimeError):
        load(sample("bad-lines.txt"))
    # then nothing of the document is left, and the receipt says it failed
    _nothing_loaded()
    assert ReceivedFile.objects.get().outcome == ReceivedFile.Outcome.FAILED


def test_the_report_is_the_same_from_the_service_for_the_json_contract():
    report = load(sample("bad-lines.txt"), filename="bad-lines.txt", today=TODAY)
    assert list(report.as_json()) == [
        "file",
        "status",
        "reference",
        "payer",
        "knp",
        "value_date",
        "lines_total",
        "lines_accepted",
        "lines_rejected",
        "amount_total",
        "amount_accepted",
        "errors",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_one_document_load_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    # given one document and two threads that import it at the same moment
    data = sample("valid-200-lines-utf8.txt")
    barrier = threading.Barrier(2)
    statuses = []

    def run():
        barrier.wait()
        try:
            statuses.append(load(data).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one loaded it and the other found it a duplicate
    assert sorted(statuses) == ["accepted", "duplicate"]
    assert ContributionLine.objects.count() == 200
    assert ReceivedFile.objects.count() == 2


# --- a chunk at a time -------------------------------------------------------------------------


def test_a_wrong_currency_on_the_last_line_rolls_back_the_chunks_already_written(monkeypatch):
    # given a 200-line document read in chunks of a few lines, written as they are read,
    # whose last line is in dollars
    monkeypatch.setattr(parse, "_CHUNK_BYTES", 700)
    data = sample("valid-200-lines-utf8.txt")
    last = data.rindex(b":32B:KZT")
    data = data[:last] + b":32B:USD" + data[last + len(b":32B:KZT") :]
    # when it is imported
    with translation.override("en"):
        report = load(data)
    # then the document is rejected for its currency and nothing of it is left
    assert (report.status, report.lines_total, report.lines_rejected) == ("rejected", 200, 200)
    assert [(error.line, error.code) for error in report.errors] == [(None, "currency_invalid")]
    assert "Line 200" in report.errors[0].message
    _nothing_loaded()
    received = ReceivedFile.objects.get()
    assert (received.outcome, bytes(received.content)) == (ReceivedFile.Outcome.REJECTED, data)


def test_a_line_paid_twice_chunks_apart_is_quarantined_naming_the_first(monkeypatch):
    # given the same person and period on line 1 and on line 60, many chunks later
    monkeypatch.setattr(parse, "_CHUNK_BYTES", 500)
    persons = [PersonFactory.build() for _ in range(59)]
    assert len({person.iin for person in persons}) == 59
    lines = [line_for(person, "1000.00") for person in persons]
    lines.append(line_for(persons[0], "500.00"))
    data = document(payer_idn=PAYER, lines=lines, default_period=date(2024, 5, 1))
    # when it is imported
    with translation.override("en"):
        report = load(data)
    # then 59 lines are on the ledger and the 60th is in quarantine as a duplicate of line 1
    assert (report.status, report.lines_accepted, report.lines_rejected) == (
        "partially_accepted",
        59,
        1,
    )
    ((line, code, message),) = [(e.line, e.code, e.message) for e in report.errors]
    assert (line, code) == (60, "duplicate_line")
    assert "already on line 1" in message
    assert ContributionLine.objects.count() == 59
    assert QuarantinedLine.objects.get().line_no == 60

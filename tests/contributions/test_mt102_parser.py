"""MT-102 parser and validator (docs/mt102.md): the sample files and one real file per rule."""

import random
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from contributions.mt102 import decode, parse
from contributions.mt102.build import build_document
from contributions.mt102.decode import CP1251, KZ1048, UTF8, FormatInvalidError
from contributions.mt102.parse import Document, parse_document, read_message
from contributions.mt102.validate import (
    ValidationResult,
    _passes_first_check,
    parse_and_validate,
    read_amount_leniently,
)
from participants.validators import check_digit

SAMPLES = Path(__file__).parent / "samples"
TODAY = date(2024, 6, 20)
VALUE_DATE = date(2024, 6, 10)
MAY = date(2024, 5, 1)
PAYER_BIN = "150540012348"

# Valid IINs (rules.md §7 and the samples) with their birth dates.
ANNA = {"iin": "800416474029", "surname": "ЖАНҰЗАҚОВ", "first_name": "АННА", "birth": "19800416"}
GULNAR = {
    "iin": "960123430501",
    "surname": "НҰРЛАНОВА",
    "first_name": "ГҮЛНАР",
    "birth": "19960123",
}
AIBEK = {"iin": "660512388251", "surname": "АХМЕТОВ", "first_name": "АЙБЕК", "birth": "19660512"}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests pin the English wording; the other languages are the catalogs'."""
    with translation.override("en"):
        yield


def person_line(person: dict[str, str], amount: str = "1000.00", **extra: Any) -> dict[str, Any]:
    birth = person["birth"]
    return {
        "iin": person["iin"],
        "surname": person["surname"],
        "first_name": person["first_name"],
        "birth_date": date(int(birth[:4]), int(birth[4:6]), int(birth[6:])),
        "period": MAY,
        "amount": Decimal(amount),
        **extra,
    }


def mt102(lines: list[dict[str, Any]] | None = None, **options: Any) -> bytes:
    """A real MT-102 file: three valid lines unless told otherwise."""
    params: dict[str, Any] = {
        "reference": "PP240601000009",
        "payer_idn": PAYER_BIN,
        "knp": "012",
        "value_date": VALUE_DATE,
        "lines": lines
        if lines is not None
        else [person_line(ANNA, "13625.20"), person_line(GULNAR), person_line(AIBEK)],
    }
    params.update(options)
    return build_document(**params)


def edited(data: bytes, old: str, new: str, *, count: int = 1, encoding: str = UTF8) -> bytes:
    text = data.decode(encoding)
    assert text.count(old) >= count, old
    return text.replace(old, new, count).encode(encoding)


def check(data: bytes, *, today: date = TODAY) -> tuple[Document | None, ValidationResult]:
    return parse_and_validate(data, today=today)


def document_error(data: bytes, *, today: date = TODAY) -> tuple[str, str]:
    _document, result = check(data, today=today)
    assert result.document_error is not None
    assert result.document_error.line is None
    assert not result.accepted
    assert not result.rejected
    return result.document_error.code, result.document_error.message


def rejections(data: bytes, *, today: date = TODAY) -> list[tuple[str, int | None]]:
    _document, result = check(data, today=today)
    assert result.document_error is None
    return [(issue.code, issue.line) for _line, issue in result.rejected]


# --- the sample files --------------------------------------------------------------------------


def test_valid_3_lines_kz1048_crlf() -> None:
    # when
    document, result = check((SAMPLES / "valid-3-lines.txt").read_bytes())
    # then
    assert document is not None
    assert document.encoding == KZ1048
    assert result.document_error is None
    assert len(result.accepted) == 3
    assert not result.rejected
    assert document.total == Decimal("38528.58")
    assert sum(line.amount for line in result.accepted) == Decimal("38528.58")
    first = result.accepted[0]
    assert first.iin == "800416474029"
    assert first.surname == "ЖАНҰЗАҚОВ"
    assert first.first_name == "АННА"
    assert first.patronymic == ""
    assert first.birth_date == date(1980, 4, 16)
    assert first.period == MAY
    assert first.amount == Decimal("13625.20")
    assert document.reference == "PP240601000001"
    assert document.payer_idn == PAYER_BIN
    assert document.payer_name == 'ТОО "ПРИМЕР-СЕРВИС"'
    assert document.payer_account == "KZ18722S000012345678"
    assert document.payer_bank_bic == "CASPKZKA"
    assert document.beneficiary_bank == "GCVPKZ2A"
    assert document.beneficiary_account == "KZ67009SS00368609110"
    assert document.knp == "012"
    assert document.order_date == date(2024, 5, 1)
    assert document.value_date == VALUE_DATE
    assert document.currency == "KZT"
    assert document.assign_text == "СОЦИАЛЬНЫЕ ОТЧИСЛЕНИЯ ЗА 052024"
    assert [line.source_line_no for line in document.lines] == [27, 36, 45]


def test_valid_200_lines_utf8() -> None:
    document, result = check((SAMPLES / "valid-200-lines-utf8.txt").read_bytes())
    assert document is not None
    assert document.encoding == UTF8
    assert result.document_error is None
    assert len(result.accepted) == 200
    assert not result.rejected


def test_bad_lines_rejects_two_iins_a_period_and_a_zero_amount() -> None:
    # when
    document, result = check((SAMPLES / "bad-lines.txt").read_bytes())
    # then
    assert document is not None
    assert len(document.lines) == 20
    assert len(result.accepted) == 16
    assert [(issue.code, issue.line) for _line, issue in result.rejected] == [
        ("iin_invalid", 1),
        ("period_invalid", 5),
        ("amount_invalid", 10),
        ("iin_invalid", 17),
    ]
    messages = [issue.message for _line, issue in result.rejected]
    assert messages[0] == "Line 1: IIN 710814430429 fails its check digit."
    assert "132024" in messages[1]
    assert messages[2].startswith("Line 10: amount 0,00 is zero")
    assert messages[3] == "Line 17: IIN 000608581322 fails its check digit."


def test_bad_total_rejects_the_document() -> None:
    code, message = document_error((SAMPLES / "bad-total.txt").read_bytes())
    assert code == "total_mismatch"
    assert "77,624.44\u00a0₸" in message
    assert "77,625.44\u00a0₸" in message


# --- format_invalid ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        pytest.param(b"", "{1:", id="empty"),
        pytest.param(b"Dear colleagues, please find the payment attached.\r\n", "{1:", id="letter"),
        pytest.param(b"\x00\x01PK\x03\x04", "NUL", id="binary"),
        pytest.param(b"{1:F01K054700000000001000001}\r\n\x98", "0x98", id="undefined-byte"),
    ],
)
def test_not_mt102_at_all_is_format_invalid(data: bytes, words: str) -> None:
    code, message = document_error(data)
    assert code == "format_invalid"
    assert words in message


def test_missing_32a_is_format_invalid() -> None:
    data = mt102()
    text = data.decode()
    cut = text[: text.index(":32A:")] + "-}\r\n"
    assert document_error(cut.encode()) == (
        "format_invalid",
        "The document has no :32A: (value date and total).",
    )


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        pytest.param("-}", "", "-}", id="cut-short"),
        pytest.param("{2:I102", "{2:I103", "I103", id="mt103"),
        pytest.param("{4:", "{3:", "{4:", id="no-block-4"),
        pytest.param(":20:PP240601000009", ":20:PP2406010000090000", "16", id="long-reference"),
        pytest.param("/KNP/012", "/XXX/012", "/KNP/", id="no-knp"),
        pytest.param(":32A:240610", ":32A:241310", "YYMMDD", id="value-date-month-13"),
        pytest.param("KZT15625,20\r\n-}", "KZT15625.20\r\n-}", "total", id="total-with-dot"),
        pytest.param("/DATE/240610", "/DATE/2406", "/DATE/", id="order-date"),
        pytest.param("/IDN/150540012348", "/XYZ/150540012348", "/IDN/", id="no-payer-idn"),
    ],
)
def test_broken_structure_is_format_invalid(old: str, new: str, words: str) -> None:
    code, message = document_error(edited(mt102(), old, new))
    assert code == "format_invalid"
    assert words in message


def test_no_lines_is_format_invalid() -> None:
    code, message = document_error(mt102(lines=[]))
    assert code == "format_invalid"
    assert ":21:" in message


def test_parse_document_raises_format_invalid() -> None:
    with pytest.raises(FormatInvalidError) as raised:
        parse_document(data=b"hello")
    assert raised.value.code == "format_invalid"


# --- other document errors ---------------------------------------------------------------------


def test_currency_other_than_kzt_is_rejected() -> None:
    data = edited(mt102(), "240610KZT", "240610USD")
    assert document_error(data)[0] == "currency_invalid"


def test_line_currency_other_than_kzt_is_rejected() -> None:
    code, message = document_error(edited(mt102(), ":32B:KZT1000,00", ":32B:RUB1000,00"))
    assert code == "currency_invalid"
    assert message.startswith("Line 2:")


@pytest.mark.parametrize("knp", ["010", "019", "121", "124", "027"])
def test_knp_not_the_funds_is_rejected(knp: str) -> None:
    code, message = document_error(mt102(knp=knp))
    assert code == "knp_unsupported"
    assert knp in message


def test_penalty_knp_017_is_accepted() -> None:
    assert rejections(mt102(knp="017")) == []


@pytest.mark.parametrize(
    ("payer", "words"),
    [
        ("150540012349", "check digit"),
        ("15054001234", "12 digits"),
        ("", "12 digits"),
        ("600400073391", "check digit"),  # a payer's RNN in a file from before 2013
    ],
)
def test_payer_id_failing_its_check_is_rejected(payer: str, words: str) -> None:
    code, message = document_error(mt102(payer_idn=payer))
    assert code == "payer_id_invalid"
    assert words in message


def test_self_employed_payer_with_an_iin_is_accepted() -> None:
    assert rejections(mt102(payer_idn="850712300017")) == []


def test_total_compares_exact_tiyn() -> None:
    data = mt102(total=Decimal("15625.21"))
    assert document_error(data)[0] == "total_mismatch"


# --- line errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iin", "words"),
    [
        ("850712300018", "fails its check digit"),
        ("921529350859", "real birth date"),
        ("85071230001", "not 12 digits"),
        ("8507123000ab", "not 12 digits"),
        ("850712900015", "century digit"),
    ],
)
def test_wrong_iin_rejects_the_line(iin: str, words: str) -> None:
    lines = [person_line(ANNA), person_line(GULNAR, iin=iin, birth_date=None)]
    _document, result = check(mt102(lines=lines))
    ((line, issue),) = result.rejected
    assert (issue.code, issue.line) == ("iin_invalid", 2)
    assert issue.message.startswith("Line 2: ")
    assert words in issue.message
    assert line.iin == iin
    assert len(result.accepted) == 1


def test_iin_check_digit_message_is_exact() -> None:
    lines = [person_line(ANNA, iin="850712300018", birth_date=None)]
    _document, result = check(mt102(lines=lines))
    assert result.rejected[0][1].message == "Line 1: IIN 850712300018 fails its check digit."


def test_iin_needing_the_second_pass_is_accepted() -> None:
    lines = [person_line(ANNA, iin="011231600042", birth_date=date(2001, 12, 31))]
    _document, result = check(mt102(lines=lines))
    assert [line.iin for line in result.accepted] == ["011231600042"]
    assert result.accepted[0].birth_date == date(2001, 12, 31)


def test_birth_date_disagreeing_with_the_iin_is_rejected() -> None:
    lines = [person_line(ANNA), person_line(GULNAR, birth_date=date(1996, 1, 24))]
    assert rejections(mt102(lines=lines)) == [("birth_date_mismatch", 2)]


def test_malformed_birth_date_is_rejected() -> None:
    lines = [person_line(ANNA, birth_date="16.04.1980")]
    _document, result = check(mt102(lines=lines))
    ((_line, issue),) = result.rejected
    assert issue.code == "birth_date_mismatch"
    assert "16.04.1980" in issue.message


def test_missing_birth_date_is_not_checked() -> None:
    lines = [person_line(ANNA, birth_date=None)]
    _document, result = check(mt102(lines=lines))
    assert result.accepted[0].birth_date == date(1980, 4, 16)


def test_period_in_the_future_is_rejected() -> None:
    # given a payment dated ahead, for a period after today's month
    lines = [person_line(ANNA), person_line(GULNAR, period=date(2024, 7, 1))]
    data = mt102(lines=lines, value_date=date(2024, 7, 5))
    # then
    _document, result = check(data, today=date(2024, 6, 20))
    ((_line, issue),) = result.rejected
    assert (issue.code, issue.line) == ("period_invalid", 2)
    assert "future" in issue.message


def test_period_after_the_value_date_month_is_rejected() -> None:
    lines = [person_line(ANNA), person_line(GULNAR, period=date(2024, 7, 1))]
    _document, result = check(mt102(lines=lines), today=date(2024, 8, 1))
    ((_line, issue),) = result.rejected
    assert (issue.code, issue.line) == ("period_invalid", 2)
    assert "later than the payment month 06.2024" in issue.message


def test_period_of_the_value_date_month_is_accepted() -> None:
    lines = [person_line(ANNA, period=date(2024, 6, 1))]
    assert rejections(mt102(lines=lines)) == []


@pytest.mark.parametrize("period", ["132024", "002024", "52024", "05.2024", "2024-05", "121999"])
def test_malformed_period_is_rejected(period: str) -> None:
    lines = [person_line(ANNA, period=period)]
    assert rejections(mt102(lines=lines)) == [("period_invalid", 1)]


def test_line_without_period_and_no_default_is_rejected() -> None:
    lines = [person_line(ANNA, period=None)]
    _document, result = check(mt102(lines=lines))
    ((_line, issue),) = result.rejected
    assert issue.code == "period_invalid"
    assert "no /PERIOD/" in issue.message


def test_document_default_period_is_used_by_lines_without_one() -> None:
    lines = [person_line(ANNA, period=None), person_line(GULNAR, period=date(2024, 4, 1))]
    document, result = check(mt102(lines=lines, default_period=MAY))
    assert document is not None
    assert document.default_period == "052024"
    assert [line.period for line in result.accepted] == [MAY, date(2024, 4, 1)]


@pytest.mark.parametrize("amount", ["0,00", "13625.20", "1 000,00", "-5,00", "100,5", "1000", ""])
def test_malformed_or_zero_amount_is_rejected(amount: str) -> None:
    # given a document whose total counts the amount as its writer meant it
    meant = read_amount_leniently(amount) or Decimal("0.00")
    lines = [person_line(ANNA), person_line(GULNAR)]
    lines[1]["amount"] = amount
    data = mt102(lines=lines, total=Decimal("1000.00") + meant)
    # when
    document, result = check(data)
    # then
    ((line, issue),) = result.rejected
    assert (issue.code, issue.line) == ("amount_invalid", 2)
    assert line.amount_text == amount.strip()
    assert document is not None


def test_amount_read_leniently_only_for_the_total() -> None:
    assert read_amount_leniently("13625.20") == Decimal("13625.20")
    assert read_amount_leniently("1 000,00") == Decimal("1000.00")
    assert read_amount_leniently("1.000,00") is None
    assert read_amount_leniently("abc") is None


def test_same_iin_and_period_twice_rejects_the_second() -> None:
    lines = [
        person_line(ANNA),
        person_line(GULNAR),
        person_line(ANNA, amount="5.00"),
        person_line(ANNA, period=date(2024, 4, 1)),
    ]
    _document, result = check(mt102(lines=lines))
    ((_line, issue),) = result.rejected
    assert (issue.code, issue.line) == ("duplicate_line", 3)
    assert "line 1" in issue.message
    assert [line.position for line in result.accepted] == [1, 2, 4]


def test_duplicate_of_a_rejected_line_is_accepted() -> None:
    lines = [person_line(ANNA, amount="0.00"), person_line(ANNA)]
    assert rejections(mt102(lines=lines)) == [("amount_invalid", 1)]


# --- file forms --------------------------------------------------------------------------------


def test_envelope_before_block_1_is_ignored() -> None:
    data = b"From: bank gateway\r\nX-Batch: 17\r\n\r\n" + mt102()
    document, result = check(data)
    assert document is not None
    assert len(result.accepted) == 3
    # Line numbers still count the envelope's three lines.
    assert (
        document.lines[0].source_line_no == 3 + parse_document(data=mt102()).lines[0].source_line_no
    )


def test_lf_and_crlf_read_the_same() -> None:
    crlf = parse_document(data=mt102())
    lf = parse_document(data=mt102(line_end="\n"))
    assert crlf == lf


def test_utf8_bom_is_dropped() -> None:
    document = parse_document(data=b"\xef\xbb\xbf" + mt102())
    assert document.encoding == UTF8
    assert len(document.lines) == 3


def test_kz1048_and_cp1251_are_told_apart() -> None:
    kazakh = parse_document(data=mt102(encoding=KZ1048))
    lines = [
        person_line(ANNA, surname="ИВАНОВА", first_name="АННА"),
        person_line(AIBEK, surname="ПЕТРОВ", first_name="ИВАН"),
    ]
    russian = parse_document(data=mt102(lines=lines, encoding=CP1251, payer_name="ТОО ЩИТ"))
    assert kazakh.encoding == KZ1048
    assert kazakh.lines[0].surname == "ЖАНҰЗАҚОВ"
    assert russian.encoding == CP1251
    assert russian.lines[0].surname == "ИВАНОВА"
    assert russian.payer_name == "ТОО ЩИТ"


def test_output_form_of_block_2_is_read() -> None:
    data = edited(mt102(), "{2:I102SGROSS000000U3003}", "{2:O1021200240610CASPKZKAXXX}")
    assert rejections(data) == []


def test_legacy_rnn_and_double_slash_lines() -> None:
    # given a file from before 2013: //FM/ and /RNN/, one an old RNN, one already an IIN
    data = mt102(
        lines=[person_line(ANNA), person_line(GULNAR, iin="600400073391", birth_date=None)]
    )
    data = edited(data, "/FM/", "//FM/", count=2)
    data = edited(data, "/IDN/8", "/RNN/8")
    data = edited(data, "/IDN/6", "/RNN/6")
    # when
    document, result = check(data)
    # then
    assert document is not None
    assert [line.surname for line in document.lines] == ["ЖАНҰЗАҚОВ", "НҰРЛАНОВА"]
    assert [line.iin for line in result.accepted] == ["800416474029"]
    ((_line, issue),) = result.rejected
    assert (issue.code, issue.line) == ("iin_invalid", 2)
    assert "600400073391 fails its check digit" in issue.message


def test_code_word_on_the_line_after_70() -> None:
    data = edited(mt102(), ":70:/NUM/1", ":70:\r\n/NUM/1")
    data = edited(data, ":70:/OPV/S", ":70:\r\n/OPV/S", count=3)
    document, result = check(data)
    assert document is not None
    assert document.knp == "012"
    assert [line.list_type for line in document.lines] == ["S", "S", "S"]
    assert len(result.accepted) == 3


def test_assign_continuation_lines() -> None:
    text = "СОЦИАЛЬНЫЕ ОТЧИСЛЕНИЯ ЗА МАЙ 2024 ГОДА ПО СПИСКУ РАБОТНИКОВ ТОО ПРИМЕР-СЕРВИС " * 2
    data = mt102(assign_text=text.strip())
    assert data.count(b"\r\n/KNP/") == 1
    document = parse_document(data=data)
    assert document.assign_text.replace("\n", " ") == text.strip()
    assert document.assign_text.count("\n") == 2
    assert document.knp == "012"


def test_unusual_block_reads_like_the_usual_one() -> None:
    # given the same lines with fields reordered, padded and without /OPV/
    usual = parse_document(data=mt102())
    data = edited(mt102(), ":70:/OPV/S\r\n", "", count=3)
    data = edited(data, "/IDN/800416474029", "/IDN/ 800416474029 ")
    data = edited(data, ":21:2\r\n:32B:KZT1000,00", ":21:2\r\n/NM/ГҮЛНАР\r\n:32B:KZT1000,00")
    # when
    unusual = parse_document(data=data)
    # then
    for was, now in zip(usual.lines, unusual.lines, strict=True):
        assert (was.iin, was.amount, was.surname, was.first_name, was.period_text) == (
            now.iin,
            now.amount,
            now.surname,
            now.first_name,
            now.period_text,
        )
        assert now.list_type == ""


def test_builder_writes_the_total_and_the_state_corporation() -> None:
    text = mt102().decode()
    assert ":32A:240610KZT15625,20\r\n-}\r\n" in text
    assert ":57B:GCVPKZ2A\r\n:59:KZ67009SS00368609110\r\n" in text
    assert "/IDN/160440007161\r\n" in text
    assert "/KNP/012\r\n" in text


def test_fast_check_digit_agrees_with_the_validator() -> None:
    # The fast check confirms exactly the IINs whose first pass gives their 12th digit; the
    # others (a wrong digit, or a second pass) are left to validate_iin.
    rng = random.Random(102)
    for _ in range(20_000):
        digits = f"{rng.randrange(10**12):012d}"
        first_pass = sum(weight * int(d) for weight, d in enumerate(digits[:11], 1)) % 11
        valid = check_digit(digits) == int(digits[11])
        assert _passes_first_check(digits) == (valid and first_pass != 10)


# --- a chunk at a time -------------------------------------------------------------------------


@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
def test_a_document_read_in_small_chunks_reads_as_when_read_whole(monkeypatch, line_end) -> None:
    # given a 200-line document, read once in megabyte chunks (one chunk) and once in chunks
    # of about 700 bytes, each cut at a line end before :21:
    data = (SAMPLES / "valid-200-lines-utf8.txt").read_bytes()
    data = data.replace(b"\r\n", line_end.encode())
    whole = parse_document(data=data)
    monkeypatch.setattr(parse, "_CHUNK_BYTES", 700)
    chunks = list(read_message(data=data).line_chunks())
    # then the lines, their positions and their file line numbers are the same
    assert len(chunks) > 20
    assert max(len(chunk) for chunk in chunks) < 10
    assert tuple(line for chunk in chunks for line in chunk) == whole.lines
    assert [line.position for line in whole.lines] == list(range(1, 201))
    assert read_message(data=data).line_count == 200


@pytest.mark.parametrize("line_end", ["\r\n", "\n", "\r"])
def test_a_file_read_in_small_blocks_reads_as_its_bytes_held_whole(
    monkeypatch, tmp_path, line_end
) -> None:
    # given the 200-line document behind a transport envelope, in a file on disk
    body = (SAMPLES / "valid-200-lines-utf8.txt").read_bytes()
    data = f"ENVELOPE 42{line_end}".encode() + body.replace(b"\r\n", line_end.encode())
    whole = parse_document(data=data)
    path = tmp_path / "200.txt"
    path.write_bytes(data)
    # when the file is read in blocks shorter than a field tag with its line end, and its
    # lines in chunks of about 700 bytes
    monkeypatch.setattr(decode, "_CHECK_BYTES", 5)
    monkeypatch.setattr(parse, "_CHUNK_BYTES", 700)
    with path.open("rb") as file:
        message = read_message(data=file)
        streamed = parse_document(data=file)
        # then it reads as the bytes held whole, its line numbers in the file too
        assert message.line_count == 200
    assert streamed == whole
    assert whole.lines[0].source_line_no == 2 + body[: body.index(b":21:")].count(b"\n")

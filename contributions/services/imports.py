"""Load MT-102 documents: the received bytes first, then the document in one transaction.

1. The ``ReceivedFile`` (bytes, hash, who, when) is committed on its own, so that every receipt
   is kept, also when the document is rejected or the load fails.
2. The document, its contribution lines, its quarantined lines, and the persons and payer it
   names that the registry does not know yet, are written in one atomic block: all the good
   lines or nothing.
3. The ``PaymentDocument`` row is inserted first inside that block; its unique constraints
   (payer + reference + value date, and the hash of the bytes) decide duplicates. A concurrent
   import of the same document waits on the unique index and then reports ``duplicate``.

On PostgreSQL the lines and new persons go in with ``COPY``; elsewhere (the SQLite demo) with
``bulk_create``. The ledger has no foreign key constraints (``contributions.models`` says why):
what they would check is this module's guarantee instead. Every line's document is the one
inserted above, its payer the one read or made above, and its person an id read from the
registry or inserted in the same transaction; none of them is ever deleted.
"""

import hashlib
import io
import logging
import struct
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from contributions.models import (
    KNP_PENALTY,
    ContributionLine,
    PaymentDocument,
    QuarantinedLine,
    ReceivedFile,
)
from contributions.mt102.decode import FormatInvalidError
from contributions.mt102.parse import DocumentHead, Line, Message, gc_paused, read_message
from contributions.mt102.validate import (
    DocumentCheck,
    Issue,
    LineCheck,
    ValidLine,
    read_amount_leniently,
)
from gfss.common import display
from gfss.common.money import ZERO
from gfss.common.signals import data_changed
from gfss.common.text import safe_filename
from gfss.common.uploads import HEAD_BYTES, Streamed
from gfss.org import access
from gfss.org.actors import Actor
from participants.models import Payer, Person
from participants.validators import ID_LENGTH, iin_sex

logger = logging.getLogger(__name__)

DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024
_SQLITE_BATCH = 2_000
_COPY_BYTES = 1 << 20
_COPY_LINE_COLUMNS = (
    "document_id, person_id, payer_id, period, amount, kind, value_date, line_no, "
    "created_at, updated_at"
)
_SQLITE_LINE_INSERT = (
    f"INSERT INTO contributions_contributionline ({_COPY_LINE_COLUMNS})"
    f" VALUES ({', '.join(['%s'] * 10)})"
)


def max_file_bytes() -> int:
    """``CONTRIBUTIONS_MAX_FILE_BYTES`` (default 200 MB): larger files are not parsed."""
    return int(getattr(settings, "CONTRIBUTIONS_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


@dataclass(frozen=True)
class ImportIssue:
    line: int | None
    code: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """What became of one file: mt102.md's import contract."""

    file: str
    status: str  # accepted | partially_accepted | rejected | duplicate
    reference: str | None = None
    payer: str | None = None
    knp: str | None = None
    value_date: date | None = None
    lines_total: int = 0
    lines_accepted: int = 0
    lines_rejected: int = 0
    amount_total: Decimal = ZERO
    amount_accepted: Decimal = ZERO
    errors: tuple[ImportIssue, ...] = field(default_factory=tuple)
    received_file_id: int | None = None
    document_uuid: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON object: amounts as strings, dates ISO, ``line`` null for a
        document-level error."""
        return {
            "file": self.file,
            "status": self.status,
            "reference": self.reference,
            "payer": self.payer,
            "knp": self.knp,
            "value_date": self.value_date.isoformat() if self.value_date else None,
            "lines_total": self.lines_total,
            "lines_accepted": self.lines_accepted,
            "lines_rejected": self.lines_rejected,
            "amount_total": f"{self.amount_total:.2f}",
            "amount_accepted": f"{self.amount_accepted:.2f}",
            "errors": [
                {"line": error.line, "code": error.code, "message": error.message}
                for error in self.errors
            ],
        }


class _Duplicate(Exception):
    """Raised inside the load transaction to roll it back when the document exists."""


def mt102_import(
    *, data: bytes | BinaryIO, filename: str, actor: Actor | None, source: str, today: date
) -> ImportReport:
    """Receive, validate and load one MT-102 file, its bytes or the file itself open for
    reading (seekable: it is read a chunk at a time, never whole); see the module docstring."""
    file = io.BytesIO(data) if isinstance(data, bytes) else data
    size = file.seek(0, io.SEEK_END)
    if size > max_file_bytes():
        file.seek(0)
        return mt102_oversized_record(
            streamed=Streamed(
                file=None, head=file.read(HEAD_BYTES), size=size, sha256=_sha256(file)
            ),
            filename=filename,
            actor=actor,
            source=source,
        )
    received = _received_file_save(
        file=file, size=size, filename=filename, actor=actor, source=source
    )

    # A shortcut, not the rule: the same bytes already loaded need no parsing. The unique
    # constraint on the document's hash still decides when two imports race.
    existing = PaymentDocument.objects.filter(sha256=received.sha256).first()
    if existing is not None:
        received.payer_idn = existing.payer_idn
        return _duplicate(received=received, existing=existing)

    try:
        message = read_message(data=file)
    except FormatInvalidError as error:
        unreadable = Issue(code=error.code, message=error.message)
        return _rejected(received=received, message=None, issue=unreadable)
    # Saved with the outcome, whichever it is (a refusal and a failed load too).
    received.payer_idn = _payer_idn_field(message.head.payer_idn)
    if not message_loadable(message):
        wrong = _document_error(message=message)
        assert wrong is not None
        return _rejected(received=received, message=message, issue=wrong)
    refusal = _payer_refusal(actor=actor, head=message.head)
    if refusal is not None:
        return _rejected(received=received, message=message, issue=refusal)

    settled = False
    try:
        payment_document, errors = _document_load(received=received, message=message, today=today)
        settled = True
        transaction.on_commit(lambda: data_changed.send(sender=PaymentDocument, what="import"))
    except _DocumentRejected as rejection:
        settled = True
        return _rejected(received=received, message=message, issue=rejection.issue)
    except _Duplicate:
        settled = True
        # A wrong document is rejected as such, also when it repeats one loaded before.
        wrong_too = _document_error(message=message)
        if wrong_too is not None:
            return _rejected(received=received, message=message, issue=wrong_too)
        existing = _existing_document(received=received, head=message.head)
        return _duplicate(received=received, existing=existing, message=message)
    finally:
        if not settled:
            # The bytes stay for audit; the failure itself propagates to the caller.
            _received_file_finish(received=received, outcome=ReceivedFile.Outcome.FAILED)
    logger.info(
        "mt102 loaded file=%s document=%s accepted=%s rejected=%s",
        received.pk,
        payment_document.pk,
        payment_document.lines_accepted,
        payment_document.lines_rejected,
    )
    return _loaded(received=received, head=message.head, document=payment_document, errors=errors)


def _loaded(
    *,
    received: ReceivedFile,
    head: DocumentHead,
    document: PaymentDocument,
    errors: Iterable[ImportIssue],
) -> ImportReport:
    return ImportReport(
        file=received.filename,
        status=document.status,
        reference=head.reference,
        payer=head.payer_idn,
        knp=head.knp,
        value_date=head.value_date,
        lines_total=document.lines_total,
        lines_accepted=document.lines_accepted,
        lines_rejected=document.lines_rejected,
        amount_total=head.total,
        amount_accepted=document.amount_accepted,
        errors=tuple(errors),
        received_file_id=received.pk,
        document_uuid=str(document.uuid),
    )


# A file of at most this size may be checked whole in memory and written with others.
MANY_MAX_FILE_BYTES = 1 << 20


@dataclass(frozen=True)
class _Checked:
    """A clean new document, read and checked whole, waiting to be written with others."""

    index: int
    filename: str
    data: bytes
    sha256: str
    head: DocumentHead
    accepted: list[ValidLine]
    rejected: list[tuple[Line, Issue]]


def mt102_import_many(
    *, files: Sequence[tuple[str, bytes]], actor: Actor | None, source: str, today: date
) -> list[ImportReport]:
    """Many small files, (name, bytes) each, a report each in their order, with the outcome
    ``mt102_import`` gives them one by one; made for a history loaded at once (the demo's).

    Each file is read and checked by the same code as in ``mt102_import``. The clean new
    documents (of at most ``MANY_MAX_FILE_BYTES``, readable, whole, not loaded before, not
    repeated in the files) are then written together in one transaction: their receipts,
    payers, documents, persons and lines in a few statements for all instead of a dozen per
    document. Every other file goes through ``mt102_import`` itself afterwards, in its order,
    so that a rejection or a duplicate has only the one rule; so do all of them when the unique
    constraints find a document loaded meanwhile."""
    clean: list[_Checked] = []
    others: list[int] = []
    hashes: set[str] = set()
    keys: set[tuple[str, str, date]] = set()
    for index, (filename, data) in enumerate(files):
        checked = _checked_whole(index=index, filename=filename, data=data, today=today)
        if checked is None or checked.sha256 in hashes or _natural_key(checked.head) in keys:
            others.append(index)
            continue
        hashes.add(checked.sha256)
        keys.add(_natural_key(checked.head))
        clean.append(checked)
    loaded_before = _loaded_before(clean)
    others.extend(c.index for c in clean if c.index in loaded_before)
    clean = [c for c in clean if c.index not in loaded_before]
    reports: dict[int, ImportReport] = {}
    try:
        with transaction.atomic():
            reports.update(_write_many(clean, actor=actor, source=source))
    except IntegrityError:
        # Loaded meanwhile by another import: each file on its own decides which.
        others = list(range(len(files)))
        reports = {}
    for index in sorted(others):
        filename, data = files[index]
        reports[index] = mt102_import(
            data=data, filename=filename, actor=actor, source=source, today=today
        )
    return [reports[index] for index in range(len(files))]


def _natural_key(head: DocumentHead) -> tuple[str, str, date]:
    return (head.payer_idn, head.reference, head.value_date)


def _checked_whole(*, index: int, filename: str, data: bytes, today: date) -> _Checked | None:
    """The file read and checked as ``_document_load`` does, all its lines at once; ``None``
    when it is not a clean document for ``mt102_import_many`` to write with others."""
    if len(data) > MANY_MAX_FILE_BYTES:
        return None
    try:
        message = read_message(data=data)
    except FormatInvalidError:
        return None
    if not message_loadable(message):
        return None
    document_check = DocumentCheck(message.head)
    line_check = LineCheck(message.head, today=today)
    accepted: list[ValidLine] = []
    rejected: list[tuple[Line, Issue]] = []
    for lines in message.line_chunks():
        document_check.feed(lines)
        good, bad = line_check.feed(lines)
        accepted.extend(good)
        rejected.extend(bad)
    if document_check.error() is not None:
        return None
    return _Checked(
        index=index,
        filename=filename,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        head=message.head,
        accepted=accepted,
        rejected=rejected,
    )


def _loaded_before(checked: list[_Checked]) -> set[int]:
    """The files whose bytes or whose payer, reference and value date a document has already."""
    found: set[int] = set()
    for start in range(0, len(checked), _SQLITE_BATCH):
        part = checked[start : start + _SQLITE_BATCH]
        existing = PaymentDocument.objects.filter(
            Q(sha256__in=[c.sha256 for c in part])
            | Q(reference__in={c.head.reference for c in part})
        ).values_list("sha256", "payer_idn", "reference", "value_date")
        hashes = {row[0] for row in existing}
        keys = {row[1:] for row in existing}
        found.update(c.index for c in part if c.sha256 in hashes or _natural_key(c.head) in keys)
    return found


def _write_many(
    checked: list[_Checked], *, actor: Actor | None, source: str
) -> dict[int, ImportReport]:
    if not checked:
        return {}
    payers = _payers_get_or_create({c.head.payer_idn: c.head for c in checked})
    statuses = [
        PaymentDocument.Status.PARTIALLY_ACCEPTED if c.rejected else PaymentDocument.Status.ACCEPTED
        for c in checked
    ]
    received = ReceivedFile.objects.bulk_create(
        [
            ReceivedFile(
                filename=safe_filename(c.filename),
                content=c.data,
                size=len(c.data),
                sha256=c.sha256,
                source=source,
                received_by=actor,
                outcome=status,
                payer_idn=_payer_idn_field(c.head.payer_idn),
            )
            for c, status in zip(checked, statuses, strict=True)
        ],
        batch_size=_SQLITE_BATCH // 4,
    )
    documents = PaymentDocument.objects.bulk_create(
        [
            PaymentDocument(
                file=file,
                sha256=c.sha256,
                reference=c.head.reference,
                payer=payers[c.head.payer_idn],
                payer_idn=c.head.payer_idn,
                knp=c.head.knp,
                value_date=c.head.value_date,
                order_date=c.head.order_date,
                total=c.head.total,
                lines_total=len(c.accepted) + len(c.rejected),
                lines_accepted=len(c.accepted),
                lines_rejected=len(c.rejected),
                amount_accepted=sum((line.amount for line in c.accepted), ZERO),
                status=status,
                encoding=c.head.encoding,
            )
            for c, file, status in zip(checked, received, statuses, strict=True)
        ],
        batch_size=_SQLITE_BATCH // 4,
    )
    person_ids = _persons_ensure((c.accepted, payers[c.head.payer_idn].region_id) for c in checked)
    parts = zip(checked, documents, strict=True)
    _lines_insert(
        ((doc, _line_kind(c.head), c.accepted) for c, doc in parts), person_ids=person_ids
    )
    reports = {}
    for c, file, document in zip(checked, received, documents, strict=True):
        if c.rejected:
            _quarantine_insert(document=document, rejected=c.rejected)
        errors = (ImportIssue(line=i.line, code=i.code, message=i.message) for _l, i in c.rejected)
        reports[c.index] = _loaded(received=file, head=c.head, document=document, errors=errors)
    transaction.on_commit(lambda: data_changed.send(sender=PaymentDocument, what="import"))
    logger.info(
        "mt102 loaded %s files together, %s lines accepted",
        len(checked),
        sum(len(c.accepted) for c in checked),
    )
    return reports


def message_loadable(message: Message) -> bool:
    """Whether the head alone already rejects the document (its currency, KNP or payer)."""
    check = DocumentCheck(message.head)
    return check.currency_error is None and check.head_error is None


def _payer_refusal(*, actor: Actor | None, head: DocumentHead) -> Issue | None:
    """A staff member loads documents only for the payers the policy lets it write for
    (``upload_payments``: those of its branch's region); partners and the command, any payer's."""
    if actor is None or not access.is_fund_staff(actor):
        return None
    region_id = Payer.objects.filter(idn=head.payer_idn).values_list("region_id", flat=True).first()
    if region_id is not None:
        allowed = access.may(actor, access.Action.UPLOAD_PAYMENTS, region_id=region_id)
    else:  # a payer the registry does not know, or of no region: for whoever reaches all
        allowed = access.may(actor, access.Action.UPLOAD_PAYMENTS) and access.reads_everywhere(
            actor, access.Subject.PAYER
        )
    if allowed:
        return None
    return Issue(
        code="payer_not_permitted",
        message=_(
            "Payer %(idn)s is not registered in your branch's region: its documents are "
            "loaded by that region's branch."
        )
        % {"idn": head.payer_idn},
    )


def _document_error(*, message: Message) -> Issue | None:
    """The document's error, from a pass over its lines that keeps none of them."""
    check = DocumentCheck(message.head)
    for lines in message.line_chunks():
        check.feed(lines)
    return check.error()


@transaction.atomic
def mt102_oversized_record(
    *, streamed: Streamed, filename: str, actor: Actor | None, source: str
) -> ImportReport:
    """A file above the maximum is refused unparsed; of its bytes only the first kilobyte is
    kept, with its size and hash, for audit."""
    limit = max_file_bytes()
    received = ReceivedFile.objects.create(
        filename=safe_filename(filename),
        content=streamed.head,
        size=streamed.size,
        sha256=streamed.sha256,
        source=source,
        received_by=actor,
    )
    issue = Issue(
        code="format_invalid",
        message=_(
            "The file has %(size)s bytes; the largest accepted is %(limit)s bytes. "
            "Split the payment into several documents."
        )
        % {"size": display.number(streamed.size), "limit": display.number(limit)},
    )
    return _rejected(received=received, message=None, issue=issue)


@transaction.atomic
def _received_file_save(
    *, file: BinaryIO, size: int, filename: str, actor: Actor | None, source: str
) -> ReceivedFile:
    postgresql = connection.vendor == "postgresql"
    received = ReceivedFile.objects.create(
        filename=safe_filename(filename),
        # SQLite (the demo) takes the bytes as a query parameter, whole.
        content=b"" if postgresql else _read_whole(file),
        size=size,
        sha256=_sha256(file),
        source=source,
        received_by=actor,
    )
    if postgresql:
        _received_bytes_write(received=received, file=file, size=size)
        # Read from the database again if asked for (a deferred field) rather than held:
        # it may be a hundred megabytes.
        del received.content
    return received


def _read_whole(file: BinaryIO) -> bytes:
    file.seek(0)
    return file.read()


def _sha256(file: BinaryIO) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    while block := file.read(_COPY_BYTES):
        digest.update(block)
    return digest.hexdigest()


def _received_bytes_write(*, received: ReceivedFile, file: BinaryIO, size: int) -> None:
    """The file's bytes through a binary ``COPY``, read and written a megabyte at a time. A
    query parameter would hold the whole value in memory, and again at least once (Django's
    cursor writes parameters into the SQL text, for a bytea as its hex escape: 800 MB more
    for a 100 MB file)."""
    with connection.cursor() as cursor:
        # Every path of mt102_import ends with a synchronous commit (the load, or the outcome
        # of a rejection, duplicate or failure) before it answers, and that commit flushes the
        # WAL written before it, this receipt included. So the receipt is durable by the time
        # anyone is told anything, without a disk sync of its own.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS contributions_received_bytes (content bytea)"
            " ON COMMIT DELETE ROWS"
        )
        with cursor.copy("COPY contributions_received_bytes FROM STDIN (FORMAT BINARY)") as copy:
            # The binary format: signature, flags, extension length; then one row of one
            # field (its length, its bytes); then the end marker.
            copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack("!iihi", 0, 0, 1, size))
            file.seek(0)
            # No more than the size said above (a file cut short fails the COPY itself).
            written = 0
            while written < size and (block := file.read(min(_COPY_BYTES, size - written))):
                copy.write(block)
                written += len(block)
            copy.write(struct.pack("!h", -1))
        cursor.execute(
            "UPDATE contributions_receivedfile SET content = b.content"
            " FROM contributions_received_bytes b WHERE id = %s",
            [received.pk],
        )


def _payer_idn_field(idn: str) -> str:
    """The payer's BIN/IIN as the file wrote it, for ``ReceivedFile.payer_idn``; "" when it
    cannot be one (longer than twelve characters)."""
    idn = idn.strip()
    return idn if len(idn) <= ID_LENGTH else ""


def _received_file_finish(
    *,
    received: ReceivedFile,
    outcome: str,
    issue: Issue | None = None,
    duplicate_of: PaymentDocument | None = None,
) -> None:
    received.outcome = outcome
    received.error_code = issue.code if issue else ""
    received.error_message = issue.message if issue else ""
    received.duplicate_of = duplicate_of
    received.save(
        update_fields=[
            "outcome",
            "error_code",
            "error_message",
            "duplicate_of",
            "payer_idn",
            "updated_at",
        ]
    )


def _rejected(*, received: ReceivedFile, message: Message | None, issue: Issue) -> ImportReport:
    _received_file_finish(received=received, outcome=ReceivedFile.Outcome.REJECTED, issue=issue)
    head = message.head if message else None
    lines = message.line_count if message else 0
    return ImportReport(
        file=received.filename,
        status=ReceivedFile.Outcome.REJECTED,
        reference=head.reference if head else None,
        payer=head.payer_idn if head else None,
        knp=head.knp if head else None,
        value_date=head.value_date if head else None,
        lines_total=lines,
        lines_rejected=lines,
        amount_total=head.total if head else ZERO,
        errors=(ImportIssue(line=None, code=issue.code, message=issue.message),),
        received_file_id=received.pk,
    )


def _existing_document(*, received: ReceivedFile, head: DocumentHead) -> PaymentDocument:
    return PaymentDocument.objects.get(
        Q(sha256=received.sha256)
        | Q(payer_idn=head.payer_idn, reference=head.reference, value_date=head.value_date)
    )


def duplicate_message(existing: PaymentDocument) -> str:
    """Why a receipt changed nothing, in the active language."""
    return _(
        "Document %(reference)s of payer %(payer)s with value date %(value_date)s was already "
        "loaded on %(loaded)s; nothing was changed."
    ) % {
        "reference": existing.reference,
        "payer": existing.payer_idn,
        "value_date": display.day(existing.value_date),
        "loaded": display.day(existing.created_at),
    }


def _duplicate(
    *, received: ReceivedFile, existing: PaymentDocument, message: Message | None = None
) -> ImportReport:
    _received_file_finish(
        received=received, outcome=ReceivedFile.Outcome.DUPLICATE, duplicate_of=existing
    )
    said = duplicate_message(existing)
    return ImportReport(
        file=received.filename,
        status=ReceivedFile.Outcome.DUPLICATE,
        reference=message.head.reference if message else existing.reference,
        payer=message.head.payer_idn if message else existing.payer_idn,
        knp=message.head.knp if message else existing.knp,
        value_date=message.head.value_date if message else existing.value_date,
        lines_total=message.line_count if message else existing.lines_total,
        amount_total=message.head.total if message else existing.total,
        errors=(ImportIssue(line=None, code="duplicate", message=said),),
        received_file_id=received.pk,
        document_uuid=str(existing.uuid),
    )


class _DocumentRejected(Exception):
    """Raised inside the load transaction, to roll back what was written, when a line shows
    the document as a whole to be wrong (a line's currency, the total)."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.code)
        self.issue = issue


def _document_load(
    *, received: ReceivedFile, message: Message, today: date
) -> tuple[PaymentDocument, list[ImportIssue]]:
    """The document in one transaction, written a chunk of lines at a time as the file is
    read: the document's own errors are known only after its last line, so a document found
    wrong rolls back what was written (all or nothing) and is recorded as rejected."""
    head = message.head
    document_check = DocumentCheck(head)
    line_check = LineCheck(head, today=today)
    kind = _line_kind(head)
    accepted_count = rejected_count = 0
    amount_accepted = ZERO
    errors: list[ImportIssue] = []
    chunks = message.line_chunks()
    with transaction.atomic():
        payer = _payer_get_or_create(head=head)
        try:
            with transaction.atomic():
                # The counts are set once the lines are read; the row goes in first so that
                # its unique constraints decide a duplicate before any line is written.
                payment_document = PaymentDocument.objects.create(
                    file=received,
                    sha256=received.sha256,
                    reference=head.reference,
                    payer=payer,
                    payer_idn=head.payer_idn,
                    knp=head.knp,
                    value_date=head.value_date,
                    order_date=head.order_date,
                    total=head.total,
                    lines_total=0,
                    lines_accepted=0,
                    lines_rejected=0,
                    amount_accepted=ZERO,
                    status=PaymentDocument.Status.ACCEPTED,
                    encoding=head.encoding,
                )
        except IntegrityError as error:
            raise _Duplicate from error
        with gc_paused():
            for lines in chunks:
                document_check.feed(lines)
                if document_check.currency_error is not None:
                    raise _DocumentRejected(document_check.currency_error)
                accepted, rejected = line_check.feed(lines)
                if accepted:
                    person_ids = _persons_ensure([(accepted, payer.region_id)])
                    _lines_insert([(payment_document, kind, accepted)], person_ids=person_ids)
                    accepted_count += len(accepted)
                    amount_accepted += sum((line.amount for line in accepted), ZERO)
                if rejected:
                    _quarantine_insert(document=payment_document, rejected=rejected)
                    rejected_count += len(rejected)
                    errors.extend(
                        ImportIssue(line=issue.line, code=issue.code, message=issue.message)
                        for _line, issue in rejected
                    )
        document_error = document_check.error()
        if document_error is not None:
            raise _DocumentRejected(document_error)
        payment_document.lines_total = accepted_count + rejected_count
        payment_document.lines_accepted = accepted_count
        payment_document.lines_rejected = rejected_count
        payment_document.amount_accepted = amount_accepted
        payment_document.status = (
            PaymentDocument.Status.PARTIALLY_ACCEPTED
            if rejected_count
            else PaymentDocument.Status.ACCEPTED
        )
        payment_document.save(
            update_fields=[
                "lines_total",
                "lines_accepted",
                "lines_rejected",
                "amount_accepted",
                "status",
                "updated_at",
            ]
        )
        # In the same transaction: one disk sync fewer per document, and the outcome can never
        # disagree with what was loaded.
        _received_file_finish(received=received, outcome=payment_document.status)
    return payment_document, errors


def _line_kind(head: DocumentHead) -> str:
    if head.knp == KNP_PENALTY:
        return ContributionLine.Kind.PENALTY
    return ContributionLine.Kind.CONTRIBUTION


def _payer_get_or_create(*, head: DocumentHead) -> Payer:
    """The payer named by the header; created from it when the registry does not know it
    (a BIN is an employer, an IIN a self-employed person, told apart by the IIN's birth date
    digits being a real date and its seventh digit a century)."""
    payer, _created = Payer.objects.get_or_create(
        idn=head.payer_idn,
        defaults={"name": head.payer_name[:200], "kind": _payer_kind(head.payer_idn)},
    )
    return payer


def _payer_kind(idn: str) -> str:
    return Payer.Kind.ENTREPRENEUR if _is_iin(idn) else Payer.Kind.EMPLOYER


def _payers_get_or_create(heads: dict[str, DocumentHead]) -> dict[str, Payer]:
    """The payers of many documents, by BIN/IIN: those known read in one query per
    thousand, the others made as ``_payer_get_or_create`` makes them, together (a query or
    more per document otherwise, and at national scale nearly every document has its own
    payer)."""
    idns = list(heads)
    payers: dict[str, Payer] = {}
    for start in range(0, len(idns), _SQLITE_BATCH // 2):
        part = idns[start : start + _SQLITE_BATCH // 2]
        payers.update((payer.idn, payer) for payer in Payer.objects.filter(idn__in=part))
    missing = [
        Payer(idn=idn, name=head.payer_name[:200], kind=_payer_kind(idn))
        for idn, head in heads.items()
        if idn not in payers
    ]
    if missing:
        # One created meanwhile by another import fails the batch's transaction, and then
        # each file goes on its own (mt102_import_many).
        bulk_create_with_history(missing, Payer, batch_size=_SQLITE_BATCH // 4)
        created = [payer.idn for payer in missing]
        payers.update((payer.idn, payer) for payer in Payer.objects.filter(idn__in=created))
    return payers


def _is_iin(idn: str) -> bool:
    # Digit 5 of a BIN is 4, 5 or 6 (entity type); in an IIN it is a day's tens digit (0-3).
    return len(idn) == ID_LENGTH and idn[4] in "0123"


def _persons_ensure(parts: Iterable[tuple[list[ValidLine], int | None]]) -> dict[str, int]:
    """IIN → person id for every line, creating the persons the registry does not know; each
    part is a document's accepted lines with its payer's region, which a new person takes from
    the first document that names them."""
    first_by_iin: dict[str, tuple[ValidLine, int | None]] = {}
    for lines, region_id in parts:
        for line in lines:
            first_by_iin.setdefault(line.iin, (line, region_id))
    known = _person_ids(list(first_by_iin))
    missing: defaultdict[int | None, list[ValidLine]] = defaultdict(list)
    for iin, (line, region_id) in first_by_iin.items():
        if iin not in known:
            missing[region_id].append(line)
    for region_id, lines in missing.items():
        _persons_create(lines=lines, region_id=region_id)
        known.update(_person_ids([line.iin for line in lines]))
    return known


def _persons_create(*, lines: list[ValidLine], region_id: int | None) -> None:
    if connection.vendor == "postgresql":
        _persons_copy(lines=lines, region_id=region_id)
        return
    now = timezone.now()
    Person.objects.bulk_create(
        [
            Person(
                iin=line.iin,
                surname=line.surname[:100],
                first_name=line.first_name[:100],
                patronymic=line.patronymic[:100],
                birth_date=line.birth_date,
                sex=iin_sex(line.iin),
                region_id=region_id,
                created_at=now,
                updated_at=now,
            )
            for line in lines
        ],
        batch_size=_SQLITE_BATCH,
        ignore_conflicts=True,
    )


def _person_ids(iins: list[str]) -> dict[str, int]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT iin, id FROM participants_person WHERE iin = ANY(%s)", [iins])
            return dict(cursor.fetchall())
    result: dict[str, int] = {}
    for start in range(0, len(iins), _SQLITE_BATCH):
        chunk = iins[start : start + _SQLITE_BATCH]
        result.update(Person.objects.filter(iin__in=chunk).values_list("iin", "id"))
    return result


def _persons_copy(*, lines: list[ValidLine], region_id: int | None) -> None:
    """New persons through a temporary table: COPY in, then one INSERT that skips the IINs
    another transaction created meanwhile."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS contributions_new_person ("
            " iin varchar(12), surname varchar(100), first_name varchar(100),"
            " patronymic varchar(100), birth_date date, sex varchar(1)) ON COMMIT DELETE ROWS"
        )
        with cursor.copy(
            "COPY contributions_new_person (iin, surname, first_name, patronymic, birth_date, sex)"
            " FROM STDIN"
        ) as copy:
            for line in lines:
                copy.write_row(
                    (
                        line.iin,
                        line.surname[:100],
                        line.first_name[:100],
                        line.patronymic[:100],
                        line.birth_date,
                        iin_sex(line.iin),
                    )
                )
        cursor.execute(
            "INSERT INTO participants_person (iin, surname, first_name, patronymic, birth_date,"
            " sex, region_id, created_at, updated_at)"
            " SELECT iin, surname, first_name, patronymic, birth_date, sex, %s, %s, %s"
            " FROM contributions_new_person ORDER BY iin"
            " ON CONFLICT (iin) DO NOTHING",
            [region_id, now, now],
        )
        cursor.execute("TRUNCATE contributions_new_person")


def _lines_insert(
    parts: Iterable[tuple[PaymentDocument, str, list[ValidLine]]], *, person_ids: dict[str, int]
) -> None:
    """The accepted lines of one or more documents: each part is a document, its lines' kind
    and its lines."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.copy(
                f"COPY contributions_contributionline ({_COPY_LINE_COLUMNS}) FROM STDIN"
            ) as copy,
        ):
            for document, kind, lines in parts:
                for chunk in _copy_text(
                    document=document, lines=lines, person_ids=person_ids, kind=kind, now=now
                ):
                    copy.write(chunk)
        return
    # Plain rows through executemany: bulk_create would build a model instance per line and
    # split the rows into statements of SQLite's 999 parameters.
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    rows = (
        (
            document.pk,
            person_ids[line.iin],
            document.payer_id,
            ops.adapt_datefield_value(line.period),
            ops.adapt_decimalfield_value(line.amount),
            kind,
            ops.adapt_datefield_value(document.value_date),
            line.position,
            stamp,
            stamp,
        )
        for document, kind, lines in parts
        for line in lines
    )
    with connection.cursor() as cursor:
        while batch := list(islice(rows, _SQLITE_BATCH)):
            cursor.executemany(_SQLITE_LINE_INSERT, batch)


def _copy_text(
    *,
    document: PaymentDocument,
    lines: Iterable[ValidLine],
    person_ids: dict[str, int],
    kind: str,
    now: datetime,
) -> Iterator[str]:
    """COPY's text format, a few thousand rows per write: the values are digits, dates and
    fixed words, which need no escaping, and formatting them here is several times faster than
    adapting each value with ``write_row``."""
    constant_head = f"{document.pk}\t"
    constant_tail = f"\t{kind}\t{document.value_date.isoformat()}\t"
    stamp = now.isoformat()
    payer = document.payer_id
    rows: list[str] = []
    for line in lines:
        rows.append(
            f"{constant_head}{person_ids[line.iin]}\t{payer}\t{line.period.isoformat()}\t"
            f"{line.amount}{constant_tail}{line.position}\t{stamp}\t{stamp}\n"
        )
        if len(rows) == 5_000:
            yield "".join(rows)
            rows = []
    if rows:
        yield "".join(rows)


def _quarantine_insert(*, document: PaymentDocument, rejected: list[tuple[Line, Issue]]) -> None:
    # A chunk at a time: a bad file can reject hundreds of thousands of lines, and a model
    # instance per line for all of them at once would cost gigabytes.
    for start in range(0, len(rejected), _SQLITE_BATCH):
        _quarantine_insert_chunk(
            document=document, rejected=rejected[start : start + _SQLITE_BATCH]
        )


def _quarantine_insert_chunk(
    *, document: PaymentDocument, rejected: list[tuple[Line, Issue]]
) -> None:
    QuarantinedLine.objects.bulk_create(
        [
            QuarantinedLine(
                document=document,
                line_no=line.position,
                iin_text=line.iin[:64],
                surname=line.surname.strip()[:100],
                first_name=line.first_name.strip()[:100],
                patronymic=line.patronymic.strip()[:100],
                birth_date_text=line.birth_date_text[:32],
                period_text=(line.period_text or "")[:32],
                period=_period_or_none(line.period_text),
                amount=_quarantine_amount(line),
                amount_text=line.amount_text[:64],
                code=issue.code,
                message=issue.message,
            )
            for line, issue in rejected
        ]
    )


def _quarantine_amount(line: Line) -> Decimal | None:
    """The money the line carries, read leniently, so that the quarantine shows it; ``None``
    when unreadable. Zero and negative stay as written (``amount_invalid`` explains them)."""
    amount = line.amount if line.amount is not None else read_amount_leniently(line.amount_text)
    if amount is not None and abs(amount) >= Decimal(10) ** 16:
        return None
    return amount


def _period_or_none(text: str | None) -> date | None:
    if text is None or len(text) != 6 or not (text.isascii() and text.isdigit()):
        return None
    month, year = int(text[:2]), int(text[2:])
    if not 1 <= month <= 12 or year < 1900:
        return None
    return date(year, month, 1)

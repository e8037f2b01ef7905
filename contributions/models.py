"""Money in: received MT-102 files, payment documents, the contribution ledger, the quarantine
of rejected lines and the penalties accrued on late payments.

Decisions (recorded here because the schema carries them):

- Every receipt is a ``ReceivedFile`` row, bytes included, whatever its outcome. The same bytes
  received twice are two receipts; ``sha256`` is therefore indexed, not unique. What must be
  unique is the loaded document: ``PaymentDocument`` holds the unique constraints (payer +
  reference + value date, and the hash of the bytes), so the database, not a prior check,
  decides that a second receipt is a duplicate, even when two imports race.
- ``ContributionLine`` is an append-only ledger. A refund (future ``refunds`` app) will append a
  reversal row: negative amount, ``reverses`` pointing at the original line, and the original's
  period and value date, so that every sum (income, stazh, statements) nets it out with no
  special case, including the "received before the application date" cut-off.
- On PostgreSQL the ledger is range-partitioned by ``period``, one partition a year (migration
  0005, ``contributions.partitions``); SQLite keeps one table. A partitioned table's primary key
  and unique constraints must contain the partition key, so the key is ``(id, period)`` there,
  ``id`` is unique because only the identity sequence assigns it (``ledger_check`` verifies it),
  and no foreign key can point at a line: Django points one at ``id`` alone. The references
  into the ledger (``reverses``, the quarantine's ``corrected_line``, the refund lines'
  ``contribution`` and the refund postings' ``ledger_line``) are therefore declared with
  ``db_constraint=False`` and checked by triggers (``contributions.partitions``): an inserted
  reference must name an existing line (a reversal: one of its own period, which also makes
  ``UNIQUE (reverses_id, period)`` mean "reversed once"), and the ledger refuses UPDATE and
  DELETE, so a line once referenced cannot go away. The alternative, a period column beside
  every reference and a composite foreign key, would add a column to three other apps' tables
  and cost more: measured with 3,162 reversals inserted at once, 98 ms unchecked, 210-300 ms
  with the trigger (its look-up pruned to one partition by the period), 590 ms with a
  composite foreign key (which also locks each referenced line). A look-up by ``id`` alone
  (the other three references) probes each year's primary key index: 0.2 ms for 24 partitions.
  ``UNIQUE (reverses_id, period)`` is a partial index (``WHERE reverses_id IS NOT NULL``): an
  index entry per original line would cost the import for nothing.
- The ledger's own foreign keys (document, person, payer) are not database constraints either:
  the importer writes ids it read or inserted in the same transaction, persons, payers and
  documents are never deleted (the ORM's PROTECT still refuses it) and ``ledger_check`` finds
  orphans. The checks cost more than the COPY they guard: measured on this project's machine,
  200,000 lines into a table with the ledger's indexes and a million persons load in 1.9 s
  with no foreign key, 8.9 s with the three checks deferred to COMMIT and 9-12 s immediate.
- A document whose every line is rejected still loads (status ``partially_accepted`` with no
  accepted line): the money was paid and must sit in the quarantine until corrected or refunded.
"""

import re
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from gfss.common.models import TimeStampedModel
from gfss.common.money import money_field

DOCUMENT_ERROR_CODES = (
    "format_invalid",
    "total_mismatch",
    "currency_invalid",
    "knp_unsupported",
    "payer_id_invalid",
    "payer_not_permitted",  # a staff upload for a payer outside the uploader's region
)
# What each rejection of a whole file is called on the pages.
DOCUMENT_ERROR_LABELS = {
    "format_invalid": _("Not a readable MT-102 file"),
    "total_mismatch": _("The lines do not add up to the total"),
    "currency_invalid": _("Not in tenge"),
    "knp_unsupported": _("Payment purpose (KNP) not accepted"),
    "payer_id_invalid": _("Invalid payer BIN/IIN"),
    "payer_not_permitted": _("Payer of another region"),
}
LINE_ERROR_CODES = (
    "iin_invalid",
    "birth_date_mismatch",
    "period_invalid",
    "amount_invalid",
    "duplicate_line",
)
# What each rejection of a line is called on the pages.
LINE_ERROR_LABELS = {
    "iin_invalid": _("Invalid IIN"),
    "birth_date_mismatch": _("Date of birth differs from the IIN"),
    "period_invalid": _("Invalid period"),
    "amount_invalid": _("Invalid amount"),
    "duplicate_line": _("Line repeated in the document"),
}
KNP_CONTRIBUTION = "012"
KNP_PENALTY = "017"


class ReceivedFile(TimeStampedModel):
    """One receipt of one file, exactly as received, kept for audit whatever became of it."""

    class Source(models.TextChoices):
        API = "api", _("Partner API")
        COMMAND = "command", _("Import command")
        STAFF = "staff", _("Uploaded by staff")
        DEMO = "demo", _("Generated demo data")

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Received, not yet processed")
        ACCEPTED = "accepted", _("Accepted")
        PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")
        FAILED = "failed", _("Failed while loading")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    source = models.CharField(_("source"), max_length=16, choices=Source)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # The payer the file itself names, whenever its header could be read, also when it was
    # refused and no document was made: the branch of that payer's region sees the receipt.
    payer_idn = models.CharField(
        _("payer BIN/IIN"), max_length=12, blank=True, default="", db_index=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome, default=Outcome.RECEIVED
    )
    error_code = models.CharField(_("error code"), max_length=32, blank=True, default="")
    error_message = models.TextField(_("error message"), blank=True, default="")
    duplicate_of = models.ForeignKey(
        "PaymentDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicate_receipts",
        verbose_name=_("duplicate of"),
    )

    class Meta:
        verbose_name = _("received file")
        verbose_name_plural = _("received files")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    outcome__in=[
                        "received",
                        "accepted",
                        "partially_accepted",
                        "rejected",
                        "duplicate",
                        "failed",
                    ]
                ),
                name="contributions_receivedfile_outcome_valid",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="rejected") | ~Q(error_code=""),
                name="contributions_receivedfile_rejected_has_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_outcome_display()})"

    @property
    def reason_label(self) -> str:
        """Why the file was refused, in the active language ("" when it was not)."""
        if self.outcome == self.Outcome.DUPLICATE:
            return str(_("Already loaded"))
        if self.outcome == self.Outcome.FAILED:
            return str(_("The load failed; the file can be sent again"))
        if not self.error_code:
            return ""
        # ``too_large``: annotated by the list's selector (the size limit is a setting).
        if self.error_code == "format_invalid" and getattr(self, "too_large", False):
            return str(_("File too large"))
        return str(DOCUMENT_ERROR_LABELS.get(self.error_code, self.error_code))


class PaymentDocument(TimeStampedModel):
    """A loaded MT-102 payment order: its header and what became of its lines."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.OneToOneField(
        ReceivedFile, on_delete=models.PROTECT, related_name="document", verbose_name=_("file")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    reference = models.CharField(_("reference (:20:)"), max_length=16)
    payer = models.ForeignKey(
        "participants.Payer",
        on_delete=models.PROTECT,
        related_name="payment_documents",
        verbose_name=_("payer"),
    )
    # As written in the file: the uniqueness rule must not depend on the registry's row.
    payer_idn = models.CharField(_("payer BIN/IIN"), max_length=12)
    knp = models.CharField(_("KNP"), max_length=3)
    value_date = models.DateField(_("value date"))
    order_date = models.DateField(_("order date"), null=True, blank=True)
    total = money_field(verbose_name=_("document total"))
    lines_total = models.PositiveIntegerField(_("lines"))
    lines_accepted = models.PositiveIntegerField(_("lines accepted"))
    lines_rejected = models.PositiveIntegerField(_("lines rejected"))
    amount_accepted = money_field(verbose_name=_("amount accepted"))
    status = models.CharField(_("status"), max_length=20, choices=Status)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True, default="")
    penalties_assessed_at = models.DateTimeField(_("penalties assessed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment document")
        verbose_name_plural = _("payment documents")
        ordering = ["-value_date", "-id"]
        indexes = [
            models.Index(fields=["payer", "value_date"], name="contrib_document_payer_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["payer_idn", "reference", "value_date"],
                name="contributions_paymentdocument_unique_reference",
            ),
            models.UniqueConstraint(
                fields=["sha256"], name="contributions_paymentdocument_unique_sha256"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["accepted", "partially_accepted"]),
                name="contributions_paymentdocument_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(knp__in=[KNP_CONTRIBUTION, KNP_PENALTY]),
                name="contributions_paymentdocument_knp_valid",
            ),
            models.CheckConstraint(
                condition=Q(lines_total=F("lines_accepted") + F("lines_rejected")),
                name="contributions_paymentdocument_lines_add_up",
            ),
            models.CheckConstraint(
                condition=Q(total__gt=0)
                & Q(amount_accepted__gte=0)
                & Q(amount_accepted__lte=F("total")),
                name="contributions_paymentdocument_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.payer_idn} {self.value_date}"


class ContributionLine(TimeStampedModel):
    """One accepted payment for one person for one month: the append-only ledger.

    Indexes are few on purpose (this table takes tens of millions of rows a year and is loaded
    with COPY). On PostgreSQL it is partitioned by period, one partition a year, and also has a
    BRIN index on ``period`` for reads of one month's lines across every payer: a few kilobytes
    a year and nothing measurable per insert, as the lines of a month arrive together. (The
    payer monitoring reads the reporting summaries, not the ledger.)
    No foreign key points at it or from it in the database: see the module docstring.
    """

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Social contribution (KNP 012)")
        PENALTY = "penalty", _("Penalty (KNP 017)")

    # Overrides the inherited indexed column: nothing queries lines by creation time.
    created_at = models.DateTimeField(auto_now_add=True)
    document = models.ForeignKey(
        PaymentDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        db_index=False,
        db_constraint=False,
        verbose_name=_("document"),
    )
    person = models.ForeignKey(
        "participants.Person",
        on_delete=models.PROTECT,
        related_name="contribution_lines",
        db_index=False,
        db_constraint=False,
        verbose_name=_("person"),
    )
    payer = models.ForeignKey(
        "participants.Payer",
        on_delete=models.PROTECT,
        related_name="contribution_lines",
        db_index=False,
        db_constraint=False,
        verbose_name=_("payer"),
    )
    period = models.DateField(_("period"))
    amount = money_field(verbose_name=_("amount"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    value_date = models.DateField(_("value date"))
    line_no = models.PositiveIntegerField(_("line"), null=True, blank=True)
    # The refund hook: a reversal row cancels the line it points to (see the module docstring).
    # Checked by a trigger on PostgreSQL, where no foreign key can point at a partitioned line.
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )

    class Meta:
        verbose_name = _("contribution line")
        verbose_name_plural = _("contribution lines")
        indexes = [
            models.Index(fields=["person", "period"], name="contrib_line_person_period"),
            models.Index(fields=["payer", "period"], name="contrib_line_payer_period"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "line_no"], name="contributions_contributionline_unique_line"
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="contributions_contributionline_period_first_day"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["contribution", "penalty"]),
                name="contributions_contributionline_kind_valid",
            ),
            # An original line carries money from a document; a reversal takes it back.
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, document__isnull=False, amount__gt=0)
                | Q(reverses__isnull=False, amount__lt=0),
                name="contributions_contributionline_amount_sign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.period:%Y-%m} {self.amount}"


class QuarantinedLine(TimeStampedModel):
    """A rejected line of a loaded document, with its money, waiting for correction or refund."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CORRECTED = "corrected", _("Corrected")
        REFUNDED = "refunded", _("Refunded")

    document = models.ForeignKey(
        PaymentDocument,
        on_delete=models.PROTECT,
        related_name="quarantined_lines",
        db_index=False,
        verbose_name=_("document"),
    )
    line_no = models.PositiveIntegerField(_("line"))
    iin_text = models.CharField(_("IIN as written"), max_length=64, blank=True, default="")
    surname = models.CharField(_("surname"), max_length=100, blank=True, default="")
    first_name = models.CharField(_("first name"), max_length=100, blank=True, default="")
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True, default="")
    birth_date_text = models.CharField(
        _("birth date as written"), max_length=32, blank=True, default=""
    )
    period_text = models.CharField(_("period as written"), max_length=32, blank=True, default="")
    # Set when the written period is a real month, so that the list can be filtered by it.
    period = models.DateField(_("period"), null=True, blank=True)
    amount = money_field(verbose_name=_("amount"), null=True, blank=True)
    amount_text = models.CharField(_("amount as written"), max_length=64, blank=True, default="")
    code = models.CharField(_("reason code"), max_length=32)
    message = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # The ledger line a correction produced: the money then counts for the corrected person.
    corrected_line = models.OneToOneField(
        ContributionLine,
        on_delete=models.PROTECT,
        db_constraint=False,  # checked by a trigger on PostgreSQL (see the module docstring)
        null=True,
        blank=True,
        related_name="correction_of",
        verbose_name=_("corrected line"),
    )

    @property
    def code_label(self) -> str:
        return str(LINE_ERROR_LABELS.get(self.code, self.code))

    @property
    def reason(self) -> str:
        """Why the line was rejected, in the active language: said again from what the line
        says; the message stored at the import when that cannot be done."""
        from contributions.mt102.validate import line_problem

        numbers = re.findall(r"\d+", self.message)
        problem = line_problem(
            code=self.code,
            iin=self.iin_text,
            birth_date_text=self.birth_date_text,
            period_text=self.period_text,
            amount_text=self.amount_text,
            payment_month=self.document.value_date.replace(day=1),
            current_month=localdate(self.created_at).replace(day=1),
            duplicate_of=int(numbers[-1]) if numbers else None,
        )
        if problem is None:
            return self.message
        return capfirst(problem)

    class Meta:
        verbose_name = _("quarantined line")
        verbose_name_plural = _("quarantined lines")
        ordering = ["document_id", "line_no"]
        indexes = [models.Index(fields=["status", "code"], name="contrib_quarantine_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "line_no"], name="contributions_quarantinedline_unique_line"
            ),
            models.CheckConstraint(
                condition=Q(code__in=LINE_ERROR_CODES),
                name="contributions_quarantinedline_code_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "corrected", "refunded"]),
                name="contributions_quarantinedline_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="contributions_quarantinedline_resolution",
            ),
            models.CheckConstraint(
                condition=Q(period__isnull=True) | Q(period__day=1),
                name="contributions_quarantinedline_period_first_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.line_no} {self.code}"


class PenaltyAccrual(TimeStampedModel):
    """The penalty on one late payment: one document's money for one period (rules.md §2).

    Append-only. The late payment is assessed once per (document, period) on the money that
    document paid for it net of refunds; when a refund later takes money of that payment off
    the ledger, a row of its own lowers the penalty (negative arrears and amount), and a bank
    return that puts the money back raises it again by another row. So the accruals of a
    (document, period) always add up to the penalty on what the payer has paid, net; the
    payer's balance is the sum of its accruals against the sum of its KNP 017 lines.
    """

    class Kind(models.TextChoices):
        LATE_PAYMENT = "late_payment", _("Late payment")
        REFUND = "refund", _("Lowered by a refund")
        REFUND_RETURNED = "refund_returned", _("Raised again by a refund the bank returned")

    document = models.ForeignKey(
        PaymentDocument,
        on_delete=models.PROTECT,
        related_name="penalty_accruals",
        db_index=False,
        verbose_name=_("document"),
    )
    payer = models.ForeignKey(
        "participants.Payer",
        on_delete=models.PROTECT,
        related_name="penalty_accruals",
        verbose_name=_("payer"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.LATE_PAYMENT)
    period = models.DateField(_("period"))
    due_date = models.DateField(_("due date"))
    paid_on = models.DateField(_("paid on"))
    days_late = models.PositiveIntegerField(_("days late"))
    # A refund's row: the change, so that the rows of a (document, period) add up.
    arrears = money_field(verbose_name=_("amount paid late"))
    amount = money_field(verbose_name=_("penalty"))

    class Meta:
        verbose_name = _("penalty accrual")
        verbose_name_plural = _("penalty accruals")
        indexes = [
            models.Index(fields=["document", "period"], name="contrib_penalty_document"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "period"],
                condition=Q(kind="late_payment"),
                name="contributions_penaltyaccrual_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["late_payment", "refund", "refund_returned"]),
                name="contributions_penaltyaccrual_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="contributions_penaltyaccrual_period_first_day"
            ),
            models.CheckConstraint(
                condition=Q(paid_on__gt=F("due_date"), days_late__gt=0),
                name="contributions_penaltyaccrual_late",
            ),
            models.CheckConstraint(
                condition=Q(kind="late_payment", arrears__gt=0, amount__gte=0)
                | Q(kind="refund", arrears__lt=0, amount__lte=0)
                | Q(kind="refund_returned", arrears__gt=0, amount__gte=0),
                name="contributions_penaltyaccrual_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer_id} {self.period:%Y-%m} {self.amount}"

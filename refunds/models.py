"""Refunds of excess or erroneous contributions and penalties (Social Code Art. 247).

An application names a payer's payment document and the lines to refund (a person, a month,
an amount). The automatic check writes its verdict on each line; a central refund officer
decides, a second officer confirms; approved applications go to the State Corporation in a
payout order (an MT-102 document, KNP 026 or 094); the money leaves the ledger only then, as
reversal rows (``RefundPosting``), and a bank return puts it back with a new row.

Decisions recorded here:

- The same contribution line is claimed by at most one live refund line: a partial unique
  index on ``RefundLine.contribution`` where ``claim_active`` (and the same for a quarantined
  line). A refused line, or a line of a refused application, releases its claim; a refunded
  one keeps it forever, so "already refunded" and "in another open application" are the
  database's answer, not a prior ``exists()``.
- Check results are stored as codes with their data (``check_code``, ``check_data``); the page
  and the API render the message in the reader's language (``refunds.checks.check_message``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gfss.common.models import TimeStampedModel
from gfss.common.money import money_field

# The State Corporation's service takes at most 20 people in one application.
MAX_PEOPLE_PER_APPLICATION = 20
KNP_REFUND_CONTRIBUTION = "026"
KNP_REFUND_PENALTY = "094"


class Reason(models.TextChoices):
    """The six reasons of the annual report (domain.md)."""

    NOT_CONTRIBUTIONS = "not_contributions", _("Money that is not contributions or penalties")
    DUPLICATE_PAYMENT = "duplicate_payment", _("The same payment made twice or more")
    WRONG_PERIOD = "wrong_period", _("A wrong period in the MT-102 order")
    WRONG_KNP = "wrong_knp", _("A wrong payment purpose code (KNP)")
    NOT_SELF_EMPLOYED = "not_self_employed", _("Paid by a person not registered as self-employed")
    OTHER = "other", _("Other")


class RefundApplication(TimeStampedModel):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CHECKED = "checked", _("Checked, to decide")
        DECIDED = "decided", _("Decided, to confirm")
        APPROVED = "approved", _("Approved, to order")
        REFUSED = "refused", _("Refused")
        ORDERED = "ordered", _("Payout order sent")
        PAID = "paid", pgettext_lazy("refund", "Paid")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        APPROVE_PART = "approve_part", _("Approve in part")
        REFUSE = "refuse", _("Refuse")

    class Source(models.TextChoices):
        STATE_CORPORATION = "state_corporation", _("State Corporation")
        STAFF = "staff", _("Staff form")

    OPEN_STATUSES = ("received", "checked", "decided", "approved", "ordered")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source)
    # The State Corporation's own number; a staff-entered application may have none.
    request_number = models.CharField(_("request number"), max_length=40, blank=True, default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    payer = models.ForeignKey(
        "participants.Payer",
        on_delete=models.PROTECT,
        related_name="refund_applications",
        verbose_name=_("payer"),
    )
    document = models.ForeignKey(
        "contributions.PaymentDocument",
        on_delete=models.PROTECT,
        related_name="refund_applications",
        verbose_name=_("payment document"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    reason_text = models.TextField(_("explanation"), blank=True, default="")
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_idn = models.CharField(_("applicant BIN/IIN"), max_length=12)
    bank_bic = models.CharField(_("bank BIC"), max_length=11)
    bank_account = models.CharField(_("account (IBAN)"), max_length=20)
    document_refs = models.JSONField(_("documents"), default=list, blank=True)
    received_on = models.DateField(_("received on"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.RECEIVED)
    stage_due = models.DateField(_("stage due"))
    amount_requested = money_field(verbose_name=_("amount requested"))
    amount_approved = money_field(verbose_name=_("amount approved"), null=True, blank=True)
    people = models.PositiveSmallIntegerField(_("people"))
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision, blank=True, default=""
    )
    refusal_code = models.CharField(_("refusal code"), max_length=32, blank=True, default="")
    decision_comment = models.TextField(_("decision comment"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    order = models.ForeignKey(
        "PayoutOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("payout order"),
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund application")
        verbose_name_plural = _("refund applications")
        indexes = [
            models.Index(fields=["status", "stage_due", "id"], name="refunds_app_queue"),
            # The unfiltered list, earliest deadline first, read as an index range.
            models.Index(fields=["stage_due", "id"], name="refunds_app_by_due"),
            models.Index(fields=["payer", "status"], name="refunds_app_payer"),
            models.Index(fields=["submitted_by", "id"], name="refunds_app_submitter"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request_number"],
                condition=~Q(request_number=""),
                name="refunds_refundapplication_unique_request_number",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "received",
                        "checked",
                        "decided",
                        "approved",
                        "refused",
                        "ordered",
                        "paid",
                    ]
                ),
                name="refunds_refundapplication_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=Reason.values), name="refunds_refundapplication_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["state_corporation", "staff"]),
                name="refunds_refundapplication_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", "approve", "approve_part", "refuse"]),
                name="refunds_refundapplication_decision_valid",
            ),
            # Maker-checker: the officer who confirms is never the one who decided.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("decided_by")),
                name="refunds_refundapplication_checker_not_maker",
            ),
            models.CheckConstraint(
                condition=~Q(decision="refuse") | ~Q(refusal_code=""),
                name="refunds_refundapplication_refusal_has_code",
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0)
                & (Q(amount_approved__isnull=True) | Q(amount_approved__gte=0)),
                name="refunds_refundapplication_amounts_valid",
            ),
            models.CheckConstraint(
                condition=Q(people__gte=1, people__lte=MAX_PEOPLE_PER_APPLICATION),
                name="refunds_refundapplication_people_limit",
            ),
            # Money leaves only with a payout order, and only after a second officer confirmed.
            models.CheckConstraint(
                condition=~Q(status__in=["ordered", "paid"])
                | Q(order__isnull=False, confirmed_by__isnull=False),
                name="refunds_refundapplication_ordered_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return self.request_number or str(self.uuid)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_penalty(self) -> bool:
        from contributions.models import KNP_PENALTY

        return self.document.knp == KNP_PENALTY


class RefundLine(TimeStampedModel):
    """One person's month to refund, with what the automatic check found."""

    application = models.ForeignKey(
        RefundApplication, on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    iin = models.CharField(_("IIN"), max_length=12)
    person = models.ForeignKey(
        "participants.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund_lines",
        verbose_name=_("person"),
    )
    period = models.DateField(_("period"))
    amount = money_field(verbose_name=_("amount requested"))
    contribution = models.ForeignKey(
        "contributions.ContributionLine",
        on_delete=models.PROTECT,
        # A partitioned ledger line has no key of its own to point at: a trigger checks it
        # (contributions.models, module docstring).
        db_constraint=False,
        null=True,
        blank=True,
        related_name="refund_claims",
        verbose_name=_("contribution line"),
    )
    quarantined = models.ForeignKey(
        "contributions.QuarantinedLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund_claims",
        verbose_name=_("quarantined line"),
    )
    check_code = models.CharField(_("check result"), max_length=32)
    check_passed = models.BooleanField(_("check passed"))
    check_data = models.JSONField(_("check details"), default=dict, blank=True)
    counted_award = models.ForeignKey(
        "benefits.Award",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("award that counted the month"),
    )
    claim_active = models.BooleanField(_("claims the line"), default=True)
    approved_amount = money_field(verbose_name=_("amount approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        ordering = ["application_id", "line_no"]
        indexes = [models.Index(fields=["person", "period"], name="refunds_line_person_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "line_no"], name="refunds_refundline_unique_line"
            ),
            models.UniqueConstraint(
                fields=["contribution"],
                condition=Q(claim_active=True, contribution__isnull=False),
                name="refunds_refundline_one_claim_per_contribution",
            ),
            models.UniqueConstraint(
                fields=["quarantined"],
                condition=Q(claim_active=True, quarantined__isnull=False),
                name="refunds_refundline_one_claim_per_quarantined",
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="refunds_refundline_period_first_day"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & (Q(approved_amount__isnull=True) | Q(approved_amount__gte=0))
                & (Q(approved_amount__isnull=True) | Q(approved_amount__lte=F("amount"))),
                name="refunds_refundline_amounts_valid",
            ),
            models.CheckConstraint(
                condition=~(Q(contribution__isnull=False) & Q(quarantined__isnull=False)),
                name="refunds_refundline_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.line_no} {self.iin} {self.period:%Y-%m}"


class RefundPosting(TimeStampedModel):
    """A ledger row a refund wrote: the reversal when the payout order is sent, the re-entry
    when the bank returns the money. Append-only, like the ledger it points into."""

    class Kind(models.TextChoices):
        REVERSAL = "reversal", _("Reversal (refunded)")
        REENTRY = "reentry", _("Re-entry (returned by the bank)")

    line = models.ForeignKey(RefundLine, on_delete=models.PROTECT, related_name="postings")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    ledger_line = models.OneToOneField(
        "contributions.ContributionLine",
        on_delete=models.PROTECT,
        db_constraint=False,  # checked by a trigger, as ``RefundLine.contribution``
        related_name="refund_posting",
        verbose_name=_("ledger line"),
    )
    order = models.ForeignKey(
        "PayoutOrder", on_delete=models.PROTECT, related_name="postings", verbose_name=_("order")
    )

    class Meta:
        verbose_name = _("refund posting")
        verbose_name_plural = _("refund postings")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["reversal", "reentry"]),
                name="refunds_refundposting_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.kind} {self.ledger_line_id}"


class RefundEvent(TimeStampedModel):
    """One step of an application: who, when, from, to, why. Append-only."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        CHECKED = "checked", _("Automatic check")
        DECIDED = "decided", _("Decided")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Sent back by the checker")
        ORDERED = "ordered", _("Payout order sent")
        PAID = "paid", pgettext_lazy("refund", "Paid")
        RETURNED = "returned", _("Returned by the bank")

    application = models.ForeignKey(
        RefundApplication, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=RefundApplication.Status, blank=True, default=""
    )
    to_status = models.CharField(_("to"), max_length=12, choices=RefundApplication.Status)
    comment = models.TextField(_("comment"), blank=True, default="")
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("refund event")
        verbose_name_plural = _("refund events")
        indexes = [models.Index(fields=["application", "id"], name="refunds_event_app")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "received",
                        "checked",
                        "decided",
                        "confirmed",
                        "declined",
                        "ordered",
                        "paid",
                        "returned",
                    ]
                ),
                name="refunds_refundevent_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


class PayoutOrder(TimeStampedModel):
    """A payout order to the State Corporation: an MT-102 document (KNP 026 or 094) and its
    register, for approved applications. Built once, never rebuilt."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        PAID = "paid", pgettext_lazy("refund", "Paid")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=16, unique=True)
    knp = models.CharField(_("KNP"), max_length=3)
    value_date = models.DateField(_("value date"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.SENT)
    applications_count = models.PositiveIntegerField(_("applications"))
    lines = models.PositiveIntegerField(_("lines"))
    total = money_field(verbose_name=_("total"))
    content = models.BinaryField(_("MT-102 file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    register = models.BinaryField(_("register (XLSX)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("refund payout order")
        verbose_name_plural = _("refund payout orders")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(knp__in=[KNP_REFUND_CONTRIBUTION, KNP_REFUND_PENALTY]),
                name="refunds_payoutorder_knp_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["sent", "paid"]), name="refunds_payoutorder_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(total__gt=0, lines__gt=0, applications_count__gt=0),
                name="refunds_payoutorder_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} KNP {self.knp}"


class PayoutOrderLine(models.Model):
    """One ``:21:`` block of a payout order's MT-102 file: what was sent for which refund line,
    so that the bank's report of the order is matched line by line."""

    order = models.ForeignKey(PayoutOrder, on_delete=models.PROTECT, related_name="order_lines")
    line_no = models.PositiveIntegerField(_("line"))
    refund_line = models.ForeignKey(RefundLine, on_delete=models.PROTECT, related_name="+")
    iin = models.CharField(_("IIN"), max_length=12)
    period = models.DateField(_("period"))
    amount = money_field(verbose_name=_("amount"))

    class Meta:
        verbose_name = _("payout order line")
        verbose_name_plural = _("payout order lines")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "line_no"], name="refunds_payoutorderline_unique_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.line_no}"


class BankReport(TimeStampedModel):
    """One bank's report of a payout order as uploaded, with what it settled. A report may
    cover part of the order (the bank reports some lines now, others later): the order is
    settled when each of its lines has been reported, once (``BankReportLine``)."""

    order = models.ForeignKey(
        PayoutOrder, on_delete=models.PROTECT, related_name="bank_reports", verbose_name=_("order")
    )
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paid_lines = models.PositiveIntegerField(_("lines paid"))
    returned_lines = models.PositiveIntegerField(_("lines returned"))
    paid_applications = models.PositiveIntegerField(_("applications paid"))
    returned_applications = models.PositiveIntegerField(_("applications returned"))

    class Meta:
        verbose_name = _("bank report")
        verbose_name_plural = _("bank reports")

    def __str__(self) -> str:
        return f"{self.order_id} {self.filename}"


class BankReportLine(models.Model):
    """What a bank's report said of one line of the order: one row per line ever, so that a
    line reported twice is refused by the database too."""

    class Outcome(models.TextChoices):
        PAID = "paid", pgettext_lazy("refund", "Paid")
        RETURNED = "returned", _("Returned by the bank")

    report = models.ForeignKey(BankReport, on_delete=models.PROTECT, related_name="report_lines")
    order_line = models.OneToOneField(
        PayoutOrderLine, on_delete=models.PROTECT, related_name="reported"
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome)
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("bank report line")
        verbose_name_plural = _("bank report lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["paid", "returned"]),
                name="refunds_bankreportline_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} {self.outcome}"

"""Money out and change over time: payment runs and lines, payout files, recalculation events
with their applications, overpayments and their recovery.

Payments, event applications, overpayments and recoveries are ledgers: rows are added, never
updated (architecture.md "Data rules"); a correction is a new row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import Combinable
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from benefits.models import AwardDecision
from benefits.models.awards import BenefitType
from benefits.trace_display import legal_source
from gfss.common import display
from gfss.common.models import TimeStampedModel
from gfss.common.money import money_field

# MT-102 payment purpose codes of the payout files (docs/mt102.md "KNP").
PAYOUT_KNP: dict[str, str] = {
    BenefitType.DISABILITY: "027",
    BenefitType.BREADWINNER: "046",
    BenefitType.JOB_LOSS: "048",
    BenefitType.MATERNITY: "096",
    BenefitType.ADOPTION: "096",
    BenefitType.CHILDCARE: "091",
}


class PaymentRun(TimeStampedModel):
    """One row per month: open while its payments are made, closed explicitly, never reopened."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    period = models.DateField(_("month"), unique=True)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # The month's totals as its last completed batch run left them (PaymentRunJob.finish), so
    # that the list of runs reads one row per month instead of summing every payment.
    lines = models.PositiveIntegerField(_("lines"), default=0)
    gross = money_field(verbose_name=_("gross"), default=0)
    opv = money_field(verbose_name=_("OPV"), default=0)
    net = money_field(verbose_name=_("net"), default=0)
    deduction = money_field(verbose_name=_("deductions"), default=0)
    payable = money_field(verbose_name=_("payable"), default=0)
    totals_at = models.DateTimeField(_("totals as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment run")
        verbose_name_plural = _("payment runs")
        ordering = ["-period"]
        permissions = [("operate_paymentrun", _("Can start and close payment runs"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__day=1), name="payouts_paymentrun_period_first_day"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="payouts_paymentrun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="payouts_paymentrun_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} ({self.status})"


def _sums_to(total: str, *parts: str) -> Q:
    """``total = a + b``, compared at the tiyn: SQLite adds decimals as floats, where
    4496.60 + 40469.38 is not 44965.98; on PostgreSQL the rounding changes nothing."""
    expression: Combinable = F(parts[0])
    for part in parts[1:]:
        expression = expression + F(part) if not part.startswith("-") else expression - F(part[1:])
    return Q(**{total: Round(expression, 2)})


class Payment(TimeStampedModel):
    """A line a run pays for one month of an award: the regular payment, or a top-up.

    A **regular** line pays a month once (``period`` earlier than the run's month is a
    catch-up; a lump sum is the line for the month of its start). A **top-up** pays an
    ``Underpayment``: a difference found when a change reached back into paid months.
    ``payable`` is what leaves for the State Corporation: net less the deduction that recovers
    an overpayment.
    """

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular payment")
        TOP_UP = "top_up", _("Top-up")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind, default=Kind.REGULAR)
    underpayment = models.OneToOneField(
        "payouts.Underpayment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment",
    )
    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="payments")
    award = models.ForeignKey("benefits.Award", on_delete=models.PROTECT, related_name="payments")
    benefit = models.CharField(max_length=16, choices=BenefitType)
    period = models.DateField(_("month paid for"))
    gross = money_field()
    opv = money_field()
    net = money_field()
    deduction = money_field(default=0)
    payable = money_field()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [
            models.Index(fields=["run", "benefit"], name="payouts_payment_run_benefit"),
            models.Index(fields=["award", "period"], name="payouts_payment_award_period"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "period"],
                condition=Q(kind="regular"),
                name="payouts_payment_regular_award_period",
            ),
            models.CheckConstraint(
                condition=Q(kind="regular", underpayment__isnull=True)
                | Q(kind="top_up", underpayment__isnull=False),
                name="payouts_payment_top_up_has_underpayment",
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="payouts_payment_period_first_day"
            ),
            models.CheckConstraint(condition=Q(net__gt=0), name="payouts_payment_net_gt_0"),
            models.CheckConstraint(
                condition=_sums_to("gross", "opv", "net"), name="payouts_payment_gross_is_opv_net"
            ),
            models.CheckConstraint(
                condition=Q(deduction__gte=0) & Q(deduction__lte=F("net")),
                name="payouts_payment_deduction_within_net",
            ),
            models.CheckConstraint(
                condition=_sums_to("payable", "net", "-deduction"),
                name="payouts_payment_payable_is_net_less_deduction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.period:%Y-%m}: {self.payable}"


def payout_file_path(instance: "PayoutFile", filename: str) -> str:
    return f"payouts/{instance.run.period:%Y-%m}/{filename}"


class PayoutFile(TimeStampedModel):
    """The MT-102 file of one benefit's payments in a closed run, as sent (stored file, hash).

    Built by the closing job chunk by chunk: each chunk of payments becomes a part in storage
    (``parts``, committed with the chunk); the last step joins them into ``document`` and
    computes ``sha256`` while streaming. A file without a hash is still being built.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="files")
    benefit = models.CharField(max_length=16, choices=BenefitType)
    knp = models.CharField(max_length=3)
    reference = models.CharField(max_length=16)
    lines = models.PositiveIntegerField(default=0)
    total = money_field(default=0)
    parts = models.JSONField(default=list, blank=True)
    document = models.FileField(upload_to=payout_file_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("payout file")
        verbose_name_plural = _("payout files")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "benefit"], name="payouts_payoutfile_run_benefit"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0), name="payouts_payoutfile_total_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.benefit}"

    @property
    def is_complete(self) -> bool:
        return bool(self.sha256)


class RecalculationEvent(TimeStampedModel):
    """A dated change in the law applied to existing awards (rules.md §5), defined by an admin.

    ``parameters``: coefficient change ``{"from": "0.40", "to": "0.45"}``; period extension
    ``{"from_months": 12, "to_months": 18}``; indexation uses ``percent``.
    """

    class Kind(models.TextChoices):
        INDEXATION = "indexation", _("Indexation")
        COEFFICIENT_CHANGE = "coefficient_change", _("Coefficient change")
        PERIOD_EXTENSION = "period_extension", _("Period extension")

    class Selection(models.TextChoices):
        ACTIVE_ON = "active_on", _("Awards paying on the date")
        ASSIGNED_BEFORE = "assigned_before", _("Awards assigned before the date")
        PAYING_FROM = "paying_from", _("Awards with a payment month on or after the date")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    effective_date = models.DateField(_("effective date"))
    percent = models.DecimalField(
        _("percent"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    benefit_types = models.JSONField(_("benefit types"), default=list)
    selection = models.CharField(_("which awards"), max_length=16, choices=Selection)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    legal_ref = models.CharField(_("legal reference"), max_length=300, blank=True, default="")
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The report of the event's last dry run (a batch job): what applying it would change.
    dry_run_report = models.JSONField(_("dry-run report"), default=dict, blank=True)
    dry_run_at = models.DateTimeField(_("dry run at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recalculation event")
        verbose_name_plural = _("recalculation events")
        ordering = ["effective_date", "id"]
        permissions = [
            ("apply_recalculationevent", _("Can dry-run and apply recalculation events"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["indexation", "coefficient_change", "period_extension"]),
                name="payouts_event_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(selection__in=["active_on", "assigned_before", "paying_from"]),
                name="payouts_event_selection_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="indexation") | Q(percent__isnull=False, percent__gt=-100),
                name="payouts_event_indexation_percent_gt_minus_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d.%m.%Y}"

    @property
    def benefit_labels(self) -> list[str]:
        """The benefits the event is for, by their names in the current language."""
        return [str(BenefitType(code).label) for code in self.benefit_types]

    @property
    def change_text(self) -> str:
        """What the event changes, in words and the language's numbers: ``+5 %``,
        ``replacement coefficient 0,40 → 0,45``, ``payment period 12 → 18 months``."""
        if self.percent is not None:
            sign = "+" if self.percent > 0 else ""
            return f"{sign}{display.number(self.percent)}\u00a0%"
        values = self.parameters or {}
        if self.kind == self.Kind.COEFFICIENT_CHANGE:
            return _("replacement coefficient %(old)s → %(new)s") % {
                "old": display.number(values.get("from"), 2),
                "new": display.number(values.get("to"), 2),
            }
        if self.kind == self.Kind.PERIOD_EXTENSION:
            return _("payment period %(old)s → %(new)s months") % {
                "old": display.number(values.get("from_months")),
                "new": display.number(values.get("to_months")),
            }
        return ""

    @property
    def legal_source(self) -> str:
        """The article or act the event rests on; "" when its reference names none."""
        return legal_source("", self.legal_ref)


class EventApplication(TimeStampedModel):
    """An event applied to one award, once: the amounts (or end dates) before and after."""

    event = models.ForeignKey(
        RecalculationEvent, on_delete=models.PROTECT, related_name="applications"
    )
    award = models.ForeignKey(
        "benefits.Award", on_delete=models.PROTECT, related_name="event_applications"
    )
    batch_run = models.ForeignKey(
        "jobs.BatchRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField()
    old_gross = money_field(null=True, blank=True)
    new_gross = money_field(null=True, blank=True)
    new_opv = money_field(null=True, blank=True)
    new_net = money_field(null=True, blank=True)
    old_end_date = models.DateField(null=True, blank=True)
    new_end_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("event application")
        verbose_name_plural = _("event applications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "award"], name="payouts_eventapplication_once_per_award"
            ),
            models.CheckConstraint(
                condition=Q(new_gross__isnull=True) | _sums_to("new_gross", "new_opv", "new_net"),
                name="payouts_eventapplication_gross_is_opv_net",
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} on award {self.award_id}"


class Cause(models.TextChoices):
    """What changed an award so that a month already paid is due otherwise (a settlement's
    cause), stored as a code with its dates and rendered in the reader's language."""

    EVENT = "event", _("Recalculation event")
    RECALCULATION = "recalculation", _("Recalculation")
    ASSIGNMENT = "assignment", _("Assignment")
    SUSPENSION = "suspension", _("Suspension")
    RESUMPTION = "resumption", _("Resumption")
    TERMINATION = "termination", _("Termination")
    # Written as text before causes had codes.
    NOTE = "note", _("Note")


# A cause that is an award decision's effect reads as the e-case's history says it.
_CAUSE_DECISIONS = {
    Cause.RECALCULATION: AwardDecision.Kind.RECALCULATE,
    Cause.SUSPENSION: AwardDecision.Kind.SUSPEND,
    Cause.RESUMPTION: AwardDecision.Kind.RESUME,
    Cause.TERMINATION: AwardDecision.Kind.TERMINATE,
}


class SettlementFinding(TimeStampedModel):
    """What an underpayment and an overpayment share: the cause of the difference."""

    cause = models.CharField(_("cause"), max_length=16, choices=Cause, blank=True, default="")
    # The cause's particulars: ``date`` (ISO), ``event`` and ``kind`` of an event, ``comment``
    # of a recalculation, ``text`` of a note.
    cause_params = models.JSONField(_("cause particulars"), default=dict, blank=True)
    # The run whose settlement found it. Not a database foreign key: a settlement writes the
    # id of the run executing it, whose row is locked for the whole transaction, and runs are
    # never deleted (PROTECT); checking it per row at commit took a fifth of a chunk's time
    # (120,000 top-ups in a chunk of 10,000 awards). The award stays a checked key.
    batch_run = models.ForeignKey(
        "jobs.BatchRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        abstract = True

    def cause_text(self) -> str:
        """The cause in the active language: «Индексация с 01.01.2022 (событие № 4)»."""
        params = self.cause_params or {}
        when = display.day(params.get("date"))
        if self.cause == Cause.EVENT:
            kind = RecalculationEvent.Kind(params["kind"]).label
            return str(_("%(kind)s from %(date)s (event no. %(event)s)")) % {
                "kind": kind,
                "date": when,
                "event": params.get("event"),
            }
        if self.cause == Cause.NOTE:
            return str(params.get("text", ""))
        if self.cause == Cause.ASSIGNMENT:
            text = str(_("Amount assigned from %(date)s")) % {"date": when}
        elif self.cause in _CAUSE_DECISIONS:
            text = AwardDecision.effect_text(_CAUSE_DECISIONS[Cause(self.cause)], params["date"])
        else:
            return ""
        comment = params.get("comment")
        return f"{text}: {comment}" if comment else text


class Underpayment(SettlementFinding):
    """Due for a paid month beyond what was paid: a change reached back (a top-up to pay).

    One per award, month and cause: the award's ``revision`` whose settlement found it, so
    the same change is never settled twice. The next run pays it as a top-up line.
    """

    award = models.ForeignKey(
        "benefits.Award", on_delete=models.PROTECT, related_name="underpayments"
    )
    period = models.DateField(_("month"))
    gross = money_field()
    opv = money_field()
    net = money_field()
    revision = models.PositiveIntegerField(_("award revision"))

    class Meta:
        verbose_name = _("underpayment")
        verbose_name_plural = _("underpayments")
        constraints = [
            models.UniqueConstraint(
                fields=["award", "period", "revision"], name="payouts_underpayment_once_per_cause"
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="payouts_underpayment_period_first_day"
            ),
            models.CheckConstraint(condition=Q(net__gt=0), name="payouts_underpayment_net_gt_0"),
            models.CheckConstraint(
                condition=_sums_to("gross", "opv", "net"),
                name="payouts_underpayment_gross_is_opv_net",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.period:%Y-%m}: +{self.net}"


class Overpayment(SettlementFinding):
    """Paid for a month beyond what it is now due: a change reached back (money to recover).

    ``amount`` is the net the person received beyond the entitlement (what is recovered);
    ``gross`` and ``opv`` are the same difference before withholding. One per award, month and
    cause (the award's ``revision``), like an underpayment.
    """

    award = models.ForeignKey(
        "benefits.Award", on_delete=models.PROTECT, related_name="overpayments"
    )
    # The regular line of the month, when one paid it (a month may be paid by top-ups only).
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="overpayments"
    )
    period = models.DateField()
    amount = money_field()
    gross = money_field(default=0)
    opv = money_field(default=0)
    paid_net = money_field()
    entitled_net = money_field()
    detected_from = models.DateField()
    revision = models.PositiveIntegerField(_("award revision"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("overpayment")
        verbose_name_plural = _("overpayments")
        indexes = [models.Index(fields=["award"], name="payouts_overpayment_award")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payouts_overpayment_amount_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="payouts_overpayment_period_first_day"
            ),
            models.CheckConstraint(
                condition=_sums_to("gross", "opv", "amount"),
                name="payouts_overpayment_gross_is_opv_amount",
            ),
            models.UniqueConstraint(
                fields=["award", "period", "revision"], name="payouts_overpayment_once_per_cause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.period:%Y-%m}: {self.amount}"


class AwardAccount(TimeStampedModel):
    """An award's account with the fund: the overpayment left to recover and the last
    revision of the award that was settled.

    Every move of the balance (an overpayment found, a deduction, a repayment) locks this row
    first, so two of them can never take the same money; the balance cannot go below zero.
    """

    award = models.OneToOneField("benefits.Award", on_delete=models.PROTECT, related_name="account")
    balance = money_field(verbose_name=_("left to recover"), default=0)
    # Top-ups found but not yet paid by a run: the run takes up the awards that have some.
    top_ups_pending = money_field(verbose_name=_("top-ups to pay"), default=0)
    settled_revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("award account")
        verbose_name_plural = _("award accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="payouts_awardaccount_balance_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(top_ups_pending__gte=0), name="payouts_awardaccount_top_ups_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id}: {self.balance}"


class Recovery(TimeStampedModel):
    """Money recovered on an award's overpayments: a deduction from a payment, or a repayment."""

    class Kind(models.TextChoices):
        DEDUCTION = "deduction", _("Deduction from a payment")
        REPAYMENT = "repayment", _("Repayment")

    award = models.ForeignKey("benefits.Award", on_delete=models.PROTECT, related_name="recoveries")
    kind = models.CharField(max_length=16, choices=Kind)
    amount = money_field()
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="recovery"
    )
    received_on = models.DateField()
    # The bank's reference of a repayment: a second submit of the same one is refused.
    bank_reference = models.CharField(max_length=64, blank=True, default="")
    note = models.CharField(max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("overpayment recovery")
        verbose_name_plural = _("overpayment recoveries")
        permissions = [("record_repayment", _("Can record overpayment repayments"))]
        indexes = [models.Index(fields=["award"], name="payouts_recovery_award")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payouts_recovery_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(kind__in=["deduction", "repayment"]), name="payouts_recovery_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="deduction", payment__isnull=False)
                | Q(kind="repayment", payment__isnull=True) & ~Q(bank_reference=""),
                name="payouts_recovery_deduction_has_payment",
            ),
            models.UniqueConstraint(
                fields=["award", "bank_reference"],
                condition=Q(kind="repayment"),
                name="payouts_recovery_repayment_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.kind} {self.amount}"

"""E-cases: applications for a benefit, proactive offers, the decisions on them, their history.

An ``Application`` is the electronic case file ("Е-Макет") a branch specialist reviews. It holds
what arrived (the documents as structured facts), what the system derived on arrival (the
calculation with its trace, the checks, the deadlines) and the decision. Every transition is an
``ApplicationEvent`` row, append-only. Decisions taken later on the award the case produced
(recalculate, suspend, resume, terminate) are ``AwardDecision`` rows on the same case.
"""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from benefits.models.awards import BenefitType
from gfss.common import display
from gfss.common.models import TimeStampedModel
from gfss.common.money import money_field


class Channel(models.TextChoices):
    STATE_CORPORATION = "state_corporation", _("State Corporation")
    PORTAL = "portal", _("e-government portal")
    PROACTIVE = "proactive", _("Proactive offer")


class RefusalCode(models.TextChoices):
    """Why a specialist refuses; the calculator's reasons first, then the review's own."""

    AMOUNT_NOT_POSITIVE = "amount_not_positive", _("The calculated amount is zero or less")
    STAZH_BELOW_MINIMUM = "stazh_below_minimum", _("Participation length below the minimum")
    NO_CONTRIBUTION_IN_WINDOW = (
        "no_contribution_in_window",
        _("No contribution in the window before the right"),
    )
    DOCUMENTS_INVALID = "documents_invalid", _("Documents invalid or not confirmed")
    NOT_A_PARTICIPANT = "not_a_participant", _("The person is not a participant")
    LATE_APPLICATION = "late_application", _("Applied after the term allowed")
    OTHER = "other", _("Other reason")


class LetterLanguage(models.TextChoices):
    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")


class Application(TimeStampedModel):
    """An e-case: one application by one person for one benefit, for one event."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("In review")
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Decided, awaiting confirmation")
        ASSIGNED = "assigned", _("Assigned")
        REFUSED = "refused", _("Refused")
        RETURNED = "returned", _("Returned for correction")

    class Outcome(models.TextChoices):
        ASSIGN = "assign", _("Assign")
        REFUSE = "refuse", _("Refuse")

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_REVIEW, Status.AWAITING_CONFIRMATION)
    DECIDABLE_STATUSES = (Status.RECEIVED, Status.IN_REVIEW)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "participants.Person",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    # Breadwinner: the deceased participant, whose contributions the amount comes from.
    insured_person = models.ForeignKey(
        "participants.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("insured person"),
    )
    benefit = models.CharField(_("benefit"), max_length=16, choices=BenefitType)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    branch = models.ForeignKey(
        "org.Branch",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("branch"),
    )
    received_on = models.DateField(_("received on"))
    right_date = models.DateField(_("date the right arises"))
    # What makes two applications "the same event" (the expertise decision, the child, the
    # death...): at most one open or granted case per person, benefit and event.
    event_key = models.CharField(_("event"), max_length=64)
    documents = models.JSONField(_("documents"), default=dict, blank=True)
    facts = models.JSONField(_("stated facts"), default=dict, blank=True)
    calculation = models.JSONField(_("calculation"), default=dict, blank=True)
    checks = models.JSONField(_("checks"), default=list, blank=True)
    eligible = models.BooleanField(_("eligible as calculated"))
    calculated_gross = money_field(verbose_name=_("calculated gross"))
    decision_due = models.DateField(_("decision due"))
    service_due = models.DateField(_("service due"))
    status = models.CharField(_("status"), max_length=24, choices=Status, default=Status.RECEIVED)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome, blank=True, default="")
    refusal_code = models.CharField(
        _("refusal reason"), max_length=32, choices=RefusalCode, blank=True, default=""
    )
    decision_comment = models.TextField(_("decision comment"), blank=True, default="")
    override_gross = money_field(
        verbose_name=_("gross set by the specialist"), null=True, blank=True
    )
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
    # The specialist who took the case to decide it, and since when; the hold lapses after
    # CASE_HOLD_MINUTES without an action of theirs (``held_active_at``).
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held by"),
    )
    held_since = models.DateTimeField(_("held since"), null=True, blank=True)
    held_active_at = models.DateTimeField(_("last action of the holder"), null=True, blank=True)
    # The language of the applicant's letters, as the State Corporation's request gives it.
    language = models.CharField(
        _("applicant's language"), max_length=2, choices=LetterLanguage, default=LetterLanguage.KK
    )

    class Meta:
        verbose_name = _("e-case")
        verbose_name_plural = _("e-cases")
        permissions = [
            ("decide_application", "Can decide e-cases"),
            ("confirm_application", "Can confirm decisions as the checker"),
        ]
        indexes = [
            # The work queue: a branch's cases in one status, by deadline.
            models.Index(
                fields=["branch", "status", "decision_due", "id"],
                name="benefits_app_queue",
            ),
            # The default queue (every open status) in deadline order, read as an index range.
            models.Index(
                fields=["branch", "decision_due", "id"],
                condition=Q(status__in=["received", "in_review", "awaiting_confirmation"]),
                name="benefits_app_open_queue",
            ),
            models.Index(fields=["person", "benefit"], name="benefits_app_person_benefit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "received",
                        "in_review",
                        "awaiting_confirmation",
                        "assigned",
                        "refused",
                        "returned",
                    ]
                ),
                name="benefits_application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(benefit__in=[b.value for b in BenefitType]),
                name="benefits_application_benefit_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["state_corporation", "portal", "proactive"]),
                name="benefits_application_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", "assign", "refuse"]),
                name="benefits_application_outcome_valid",
            ),
            # Maker-checker: the head who confirms is never the specialist who decided.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("decided_by")),
                name="benefits_application_checker_not_maker",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="refuse") | ~Q(refusal_code=""),
                name="benefits_application_refusal_has_code",
            ),
            models.CheckConstraint(
                condition=Q(override_gross__isnull=True) | Q(override_gross__gt=0),
                name="benefits_application_override_positive",
            ),
            models.CheckConstraint(
                condition=Q(service_due__gte=F("decision_due")),
                name="benefits_application_service_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(held_by__isnull=True)
                | (Q(held_since__isnull=False) & Q(held_active_at__isnull=False)),
                name="benefits_application_hold_dated",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["kk", "ru"]),
                name="benefits_application_language_valid",
            ),
            models.UniqueConstraint(
                fields=["person", "benefit", "event_key"],
                condition=~Q(status__in=["refused", "returned"]),
                name="benefits_application_one_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} {self.uuid}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def holder_id_at(self, now: datetime, timeout: timedelta) -> int | None:
        """Who holds the case at ``now``: nobody once the holder has been idle ``timeout``."""
        if self.held_by_id is None or self.held_active_at is None:
            return None
        return self.held_by_id if now - self.held_active_at < timeout else None


class ApplicationEvent(TimeStampedModel):
    """One transition of an e-case: who, when, from, to, why, and the calculation then.

    Append-only: written by the services in the transaction of the change, never updated.
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        REVIEW_STARTED = "review_started", _("Review started")
        TAKEN = "taken", _("Taken for review")
        TAKEN_OVER = "taken_over", _("Taken over from another specialist")
        ASSIGNED = "assigned", _("Assigned")
        REFUSED = "refused", _("Refused")
        SUBMITTED = "submitted", _("Sent for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Sent back by the checker")
        RETURNED = "returned", _("Returned for correction")
        AWARD_DECISION = "award_decision", _("Decision on the award")
        AWARD_DECISION_CONFIRMED = "award_decision_confirmed", _("Award decision confirmed")
        AWARD_DECISION_DECLINED = "award_decision_declined", _("Award decision sent back")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("e-case")
    )
    kind = models.CharField(_("event"), max_length=32, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    from_status = models.CharField(
        _("from"), max_length=24, choices=Application.Status, blank=True, default=""
    )
    to_status = models.CharField(_("to"), max_length=24, choices=Application.Status)
    comment = models.TextField(_("comment"), blank=True, default="")
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("e-case event")
        verbose_name_plural = _("e-case events")
        indexes = [models.Index(fields=["application", "id"], name="benefits_appevent_app")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "received",
                        "review_started",
                        "taken",
                        "taken_over",
                        "assigned",
                        "refused",
                        "submitted",
                        "confirmed",
                        "declined",
                        "returned",
                        "award_decision",
                        "award_decision_confirmed",
                        "award_decision_declined",
                    ]
                ),
                name="benefits_applicationevent_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class ProactiveOffer(TimeStampedModel):
    """A benefit offered to a person (e.g. a birth registered); consent makes it an e-case."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        LAPSED = "lapsed", _("Lapsed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "participants.Person", on_delete=models.PROTECT, related_name="benefit_offers"
    )
    benefit = models.CharField(_("benefit"), max_length=16, choices=BenefitType)
    right_date = models.DateField(_("date the right arises"))
    documents = models.JSONField(_("documents"), default=dict, blank=True)
    offered_at = models.DateTimeField(_("offered at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.OPEN)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offer",
        verbose_name=_("e-case"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("proactive offer")
        verbose_name_plural = _("proactive offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "lapsed"]),
                name="benefits_proactiveoffer_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(application__isnull=False),
                name="benefits_proactiveoffer_accepted_has_case",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("offered_at")),
                name="benefits_proactiveoffer_expires_after_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} offer {self.uuid}"


class AwardDecision(TimeStampedModel):
    """A later decision on an award (recalculate, suspend, resume, terminate), on its e-case.

    Terminations wait for the branch head (``pending``); the others apply at once.
    """

    class Kind(models.TextChoices):
        RECALCULATE = "recalculate", _("Recalculate")
        SUSPEND = "suspend", _("Suspend")
        RESUME = "resume", _("Resume")
        TERMINATE = "terminate", _("Terminate")

    # What an applied decision does from its date, as the e-case's history and a settlement's
    # cause (payouts) both say it.
    EFFECTS = {
        Kind.RECALCULATE: _("Recalculation from %(date)s"),
        Kind.SUSPEND: _("Suspension from %(date)s"),
        Kind.RESUME: _("Resumption from %(date)s"),
        Kind.TERMINATE: _("Termination from %(date)s"),
    }

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        APPLIED = "applied", _("Applied")
        DECLINED = "declined", _("Declined by the checker")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # None for an award made without an e-case that a registry's report ended.
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_decisions",
    )
    award = models.ForeignKey("benefits.Award", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=16, choices=Kind)
    effective_date = models.DateField(_("effective from"))
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    facts = models.JSONField(_("changed facts"), default=dict, blank=True)
    calculation = models.JSONField(_("calculation"), default=dict, blank=True)
    gross = money_field(verbose_name=_("new gross"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["recalculate", "suspend", "resume", "terminate"]),
                name="benefits_awarddecision_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "applied", "declined"]),
                name="benefits_awarddecision_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("made_by")),
                name="benefits_awarddecision_checker_not_maker",
            ),
            # One termination waiting at a time: a second would race the first.
            models.UniqueConstraint(
                fields=["award"],
                condition=Q(status="pending"),
                name="benefits_awarddecision_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.award_id} from {self.effective_date}"

    @classmethod
    def effect_text(cls, kind: str, day: date | str) -> str:
        """«Приостановление с 01.12.2026»: ``kind``'s effect from ``day``, in the active language."""
        return str(cls.EFFECTS[cls.Kind(kind)]) % {"date": display.day(day)}

"""Awards: what a decision grants, as a dated series of amounts (never rewritten)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from gfss.common.models import TimeStampedModel
from gfss.common.money import money_field


class BenefitType(models.TextChoices):
    DISABILITY = "disability", _("Loss of working capacity")
    BREADWINNER = "breadwinner", _("Loss of breadwinner")
    JOB_LOSS = "job_loss", _("Loss of job")
    MATERNITY = "maternity", _("Pregnancy and childbirth")
    ADOPTION = "adoption", _("Adoption of a newborn")
    CHILDCARE = "childcare", _("Childcare")


LUMP_SUM_BENEFITS = frozenset({BenefitType.MATERNITY, BenefitType.ADOPTION})


class Award(TimeStampedModel):
    """A granted benefit: monthly from ``start_date`` to ``end_date`` (exclusive), or a lump sum.

    ``end_date`` None means open-ended (disability to pension age is set explicitly; breadwinner
    runs while dependents qualify). The amounts live in ``AwardAmount``.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "participants.Person", on_delete=models.PROTECT, related_name="awards"
    )
    benefit = models.CharField(max_length=16, choices=BenefitType)
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="awards")
    right_date = models.DateField()
    assigned_on = models.DateField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    lump_sum = models.BooleanField(default=False)
    # The state today; the dated decisions say from when (a planned one changes it on its day).
    status = models.CharField(max_length=16, choices=Status, default=Status.ACTIVE)
    # The first day without a right (a confirmed termination, a death), possibly in the future.
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=200, blank=True, default="")
    calculation = models.JSONField(default=dict, blank=True, help_text=_("Result and trace"))
    # Every change of what the award is due (an amount, a dated status change, an end date)
    # adds one: payouts settles an award whose revision it has not settled yet.
    revision = models.PositiveIntegerField(default=0)
    # The e-case that granted it; None for awards created outside an e-case (data migrations).
    application = models.OneToOneField(
        "benefits.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award",
    )

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        indexes = [
            models.Index(fields=["benefit", "status"], name="benefits_award_benefit_status"),
            models.Index(fields=["branch", "status"], name="benefits_award_branch_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "suspended", "terminated"]),
                name="benefits_award_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(benefit__in=[b.value for b in BenefitType]),
                name="benefits_award_benefit_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="benefits_award_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} {self.uuid}"


class AwardAmount(TimeStampedModel):
    """The monthly amount (or the lump sum) in force from ``valid_from``; append-only.

    The amount for a month is the row with the latest ``valid_from`` in or before it (ties:
    the latest row). Each row is a link of the award's chain (``benefits.amounts``): a
    ``base`` (the formula's amount of an assignment or recalculation) or the step of an
    ``event``; a change re-derives the later links as new rows, never by an update.
    """

    class Reason(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment")
        RECALCULATION = "recalculation", _("Recalculation")
        INDEXATION = "indexation", _("Indexation")
        COEFFICIENT = "coefficient", _("Coefficient change")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="amounts")
    valid_from = models.DateField()
    gross = money_field()
    opv = money_field()
    net = money_field()
    reason = models.CharField(max_length=16, choices=Reason)
    base = money_field(null=True, blank=True)
    # The recalculation event (payouts) whose step this row is; a plain id, as benefits
    # does not depend on payouts.
    event = models.PositiveBigIntegerField(null=True, blank=True)
    step = models.JSONField(default=dict, blank=True)
    comment = models.CharField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("award amount")
        verbose_name_plural = _("award amounts")
        indexes = [models.Index(fields=["award", "valid_from"], name="benefits_amount_award_from")]
        constraints = [
            models.CheckConstraint(
                condition=Q(gross__gte=0), name="benefits_awardamount_gross_gte_0"
            ),
            # Rounded to the tiyn: SQLite (the demo database) adds decimals as floats, where
            # 4052.76 + 36474.83 is not 40527.59; on PostgreSQL the rounding changes nothing.
            models.CheckConstraint(
                condition=Q(gross=Round(F("opv") + F("net"), 2)),
                name="benefits_awardamount_gross_is_opv_net",
            ),
            models.CheckConstraint(
                condition=Q(
                    reason__in=["assignment", "recalculation", "indexation", "coefficient"]
                ),
                name="benefits_awardamount_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    reason__in=["assignment", "recalculation"],
                    base__isnull=False,
                    event__isnull=True,
                )
                | Q(
                    reason__in=["indexation", "coefficient"], base__isnull=True, event__isnull=False
                ),
                name="benefits_awardamount_base_or_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} from {self.valid_from}: {self.gross}"


class AwardLifeEvent(TimeStampedModel):
    """What a life event a registry reported (participants) did to one award it touched."""

    class Effect(models.TextChoices):
        ENDED = "ended", _("Ended from the date")
        RECALCULATED = "recalculated", _("Recalculated from the date")
        UNCHANGED = "unchanged", _("Already ended: nothing changed")
        REVIEW = "review", _("To review: no e-case to recalculate from")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="life_events")
    life_event = models.ForeignKey(
        "participants.LifeEvent", on_delete=models.PROTECT, related_name="awards_touched"
    )
    effect = models.CharField(max_length=16, choices=Effect)
    effective_date = models.DateField(null=True, blank=True)
    decision = models.OneToOneField(
        "benefits.AwardDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="life_event",
    )

    class Meta:
        verbose_name = _("award life event")
        verbose_name_plural = _("award life events")
        constraints = [
            models.UniqueConstraint(
                fields=["award", "life_event"], name="benefits_awardlifeevent_once"
            ),
            models.CheckConstraint(
                condition=Q(effect__in=["ended", "recalculated", "unchanged", "review"]),
                name="benefits_awardlifeevent_effect_valid",
            ),
            models.CheckConstraint(
                condition=Q(effect__in=["ended", "recalculated"], decision__isnull=False)
                | Q(effect__in=["unchanged", "review"], decision__isnull=True),
                name="benefits_awardlifeevent_decision_iff_changed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.life_event_id} on {self.award_id}: {self.effect}"

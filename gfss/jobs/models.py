"""Every long job is a row: what runs, for whom, how far it got and what went wrong."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gfss.common.models import TimeStampedModel


class BatchRun(TimeStampedModel):
    """One run of a chunked job over a fixed range of ids ``(0, upper_id]``.

    ``cursor`` is the last id whose chunk is committed: a chunk advances it in the same
    transaction as its work, so a killed worker resumes exactly after the last committed chunk.
    ``key`` is what makes two runs "the same" (kind and parameters by default); at most one
    queued or running run per kind and key is a database constraint.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINISHED_STATUSES = (Status.CANCELLED, Status.DONE, Status.FAILED)

    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(_("key"), max_length=255)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.QUEUED)
    queue = models.CharField(_("queue"), max_length=64, default="batch")
    chunk_size = models.PositiveIntegerField(_("chunk size"), default=5000)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    changed = models.PositiveBigIntegerField(_("changed"), default=0)
    skipped = models.PositiveBigIntegerField(_("skipped"), default=0)
    errors = models.PositiveBigIntegerField(_("errors"), default=0)
    error_report = models.TextField(_("error report"), blank=True, default="")
    result = models.JSONField(_("result"), default=dict, blank=True)
    cursor = models.BigIntegerField(_("last id done"), default=0)
    upper_id = models.BigIntegerField(_("last id to do"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When its next step was handed to the task queue; empty while Redis could not take it
    # (the run is then the outbox: batchrun_outbox_send sends it when the queue is back).
    enqueued_at = models.DateTimeField(_("sent to the queue at"), null=True, blank=True)
    # How many times the watchdog re-sent the run since its last committed chunk.
    stalls = models.PositiveSmallIntegerField(_("re-sent without progress"), default=0)

    class Meta:
        verbose_name = _("batch run")
        verbose_name_plural = _("batch runs")
        ordering = ["-id"]
        permissions = [("manage_batchrun", _("Can cancel and resume batch runs"))]
        indexes = [models.Index(fields=["kind", "status"], name="jobs_batchrun_kind_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "cancelled", "done", "failed"]),
                name="jobs_batchrun_status_valid",
            ),
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(status__in=["queued", "running"]),
                name="jobs_batchrun_one_active_per_key",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=F("total")), name="jobs_batchrun_done_lte_total"
            ),
            models.CheckConstraint(
                condition=Q(cursor__lte=F("upper_id")), name="jobs_batchrun_cursor_lte_upper"
            ),
            models.CheckConstraint(condition=Q(chunk_size__gt=0), name="jobs_batchrun_chunk_gt_0"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(status__in=["cancelled", "done", "failed"]),
                name="jobs_batchrun_finished_only_when_final",
            ),
        ]

    @property
    def kind_label(self) -> str:
        from gfss.jobs.display import kind_label

        return kind_label(self.kind)

    @property
    def params_shown(self) -> list[tuple[str, str]]:
        from gfss.jobs.display import described

        return described(self.kind, self.params)

    @property
    def result_shown(self) -> list[tuple[str, str]]:
        from gfss.jobs.display import described

        return described(self.kind, self.result)

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def waits_for_queue(self) -> bool:
        return self.is_active and self.enqueued_at is None


class ScheduleSlot(models.Model):
    """A beat entry sent for one of its scheduled times (gfss.jobs.beat): at most once."""

    name = models.CharField(_("schedule entry"), max_length=200)
    slot = models.DateTimeField(_("scheduled for"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled send")
        verbose_name_plural = _("scheduled sends")
        ordering = ["-slot"]
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="jobs_scheduleslot_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RejectedInput(TimeStampedModel):
    """A write the system refused, kept as received for audit.

    The refused request itself wrote nothing (its service rolled back); this row is written
    afterwards, in a transaction of its own.
    """

    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_code = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=64)
    message = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("rejected input")
        verbose_name_plural = _("rejected inputs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["code", "created_at"], name="common_rejected_code_created")]

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.code}"

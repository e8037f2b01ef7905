from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotentRequest(TimeStampedModel):
    """A POST that moves money, remembered by its Idempotency-Key with the answer it got."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    key = models.CharField(max_length=128)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()

    class Meta:
        verbose_name = _("idempotent request")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="common_idempotentrequest_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"

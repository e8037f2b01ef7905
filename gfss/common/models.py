from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@cache
def _choice_labels(field: models.Field, language: str | None) -> dict[Any, str]:
    # ``language`` keys the cache: the labels are translated into the language active now.
    return {value: str(label) for value, label in field.flatchoices}


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> Any:  # noqa: N802 - Django's name
        """``get_<field>_display()`` from the field's labels in the active language, read once
        per language: Django's own rebuilds the choices, translating every label, on each
        call, which was a third of the work queue's 50 rows."""
        value = getattr(self, field.attname)
        try:
            label = _choice_labels(field, get_language()).get(value, value)
        except TypeError:  # a value that cannot be a key
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        return force_str(label, strings_only=True)


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

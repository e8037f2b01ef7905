"""Dated legal parameters and the working-day calendar's exceptions, with full history."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gfss.common.models import TimeStampedModel


class Parameter(TimeStampedModel):
    class Confidence(models.TextChoices):
        VERBATIM = "V", _("Verbatim law or official page")
        SECONDARY = "S", _("Secondary public source")
        INFERRED = "I", _("Inferred, unverified")
        DECISION = "D", _("Project decision")

    code = models.CharField(max_length=80, unique=True)
    unit = models.CharField(max_length=40, blank=True, default="")
    description = models.TextField(blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("legal parameter")
        verbose_name_plural = _("legal parameters")

    def __str__(self) -> str:
        return self.code


class ParameterValue(TimeStampedModel):
    """A value in force from ``valid_from`` until the next value of the same parameter."""

    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT, related_name="values")
    valid_from = models.DateField()
    value = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    scale = models.JSONField(
        null=True, blank=True, help_text=_('Brackets: {"brackets": [[from, "value"], ...]}')
    )
    legal_ref = models.CharField(max_length=300, blank=True, default="")
    tag = models.CharField(max_length=1, choices=Parameter.Confidence, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["parameter__code", "valid_from"]
        verbose_name = _("parameter value")
        verbose_name_plural = _("parameter values")
        constraints = [
            models.UniqueConstraint(
                fields=["parameter", "valid_from"], name="legal_parametervalue_unique_date"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False, scale__isnull=True)
                | Q(value__isnull=True, scale__isnull=False),
                name="legal_parametervalue_value_xor_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parameter_id} from {self.valid_from}"


class CalendarException(TimeStampedModel):
    """A government day swap that wins over the packaged calendar."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Extra working day")

    day = models.DateField(unique=True)
    kind = models.CharField(max_length=16, choices=Kind)
    note = models.CharField(max_length=200, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["day_off", "working_day"]),
                name="legal_calendarexception_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"

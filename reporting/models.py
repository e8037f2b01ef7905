"""What reporting needs beyond the ledgers: the employed population, entered by an
administrator per year and region from the statistics bureau's figures, against which the
coverage KPI is measured (domain.md "Coverage", KPI 1)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gfss.common.models import TimeStampedModel


class EmployedPopulation(TimeStampedModel):
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        "org.Region",
        on_delete=models.PROTECT,
        related_name="employed_population",
        verbose_name=_("region"),
    )
    persons = models.PositiveIntegerField(_("employed persons"))
    source = models.CharField(_("source"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("employed population")
        verbose_name_plural = _("employed population")
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region"], name="reporting_employedpopulation_year_region"
            ),
            # Compulsory social insurance began in 2005.
            models.CheckConstraint(
                condition=Q(year__gte=2005) & Q(year__lte=2100),
                name="reporting_employedpopulation_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id}: {self.persons}"


def _growth_in_range(value: Decimal) -> None:
    if value is not None and not GROWTH_MIN < value <= GROWTH_MAX:
        raise ValidationError(
            _("A yearly growth must be above %(low)s %% and at most %(high)s %%, not %(value)s %%.")
            % {"low": GROWTH_MIN, "high": GROWTH_MAX, "value": value},
            code="growth_out_of_range",
        )


# A fall of 100 % or more would leave nothing to project; above +100 % a year is no scenario.
GROWTH_MIN = Decimal(-100)
GROWTH_MAX = Decimal(100)


class ForecastScenario(TimeStampedModel):
    """The assumptions of one scenario of the forecast: yearly growths in per cent, set by an
    administrator. Assumptions of the projection, not legal parameters."""

    class Code(models.TextChoices):
        PESSIMISTIC = "pessimistic", _("Pessimistic")
        REALISTIC = "realistic", _("Realistic")
        OPTIMISTIC = "optimistic", _("Optimistic")

    code = models.CharField(_("scenario"), max_length=16, choices=Code, unique=True)
    participants_growth = models.DecimalField(
        _("participants, growth a year, %"),
        max_digits=7,
        decimal_places=2,
        validators=[_growth_in_range],
    )
    wage_growth = models.DecimalField(
        _("wages, growth a year, %"), max_digits=7, decimal_places=2, validators=[_growth_in_range]
    )
    minimum_wage_growth = models.DecimalField(
        _("minimum wage, growth a year, %"),
        max_digits=7,
        decimal_places=2,
        validators=[_growth_in_range],
    )
    indexation = models.DecimalField(
        _("indexation of long-term benefits a year, %"),
        max_digits=7,
        decimal_places=2,
        validators=[_growth_in_range],
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("forecast scenario")
        verbose_name_plural = _("forecast scenarios")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=["pessimistic", "realistic", "optimistic"]),
                name="reporting_forecastscenario_code_valid",
            ),
            models.CheckConstraint(
                condition=Q(participants_growth__gt=-100, participants_growth__lte=100)
                & Q(wage_growth__gt=-100, wage_growth__lte=100)
                & Q(minimum_wage_growth__gt=-100, minimum_wage_growth__lte=100)
                & Q(indexation__gt=-100, indexation__lte=100),
                name="reporting_forecastscenario_growth_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_code_display())

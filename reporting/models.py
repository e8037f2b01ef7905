"""What reporting needs beyond the ledgers: the employed population, entered by an
administrator per year and region from the statistics bureau's figures, against which the
coverage KPI is measured (domain.md "Coverage", KPI 1)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gfss.common.models import TimeStampedModel
from gfss.common.money import money_field


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


# --- summaries -------------------------------------------------------------------------------
# Kept by ``reporting.summaries.summaries_refresh`` (nightly and soon after a change) so that no
# page reads the raw ledger: every row is a GROUP BY of the ledgers, rebuilt whole each time.


class SummaryRefresh(TimeStampedModel):
    """One rebuild of the summaries: the pages say their figures are as of the last one."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("Nightly")
        CHANGE = "change", _("After a change of the data")
        COMMAND = "command", _("By a command")

    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("summary refresh")
        verbose_name_plural = _("summary refreshes")
        ordering = ["-finished_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger__in=["nightly", "change", "command"]),
                name="reporting_summaryrefresh_trigger_valid",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__gte=F("started_at")),
                name="reporting_summaryrefresh_finished_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trigger} {self.finished_at:%Y-%m-%d %H:%M}"


class _Summary(TimeStampedModel):
    # Overrides the inherited indexed column: a summary is rebuilt whole, never read by age.
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


def _region() -> models.ForeignKey:
    return models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )


class CoverageSummary(_Summary):
    """Participants of a year (a contribution for one of its months) by region, sex and
    income band, with the sums their averages are made of (reporting.indicators.coverage)."""

    year = models.PositiveSmallIntegerField()
    region = _region()
    sex = models.CharField(max_length=1)
    band = models.PositiveSmallIntegerField()
    persons = models.PositiveIntegerField()
    months = models.PositiveBigIntegerField()
    income = models.DecimalField(max_digits=24, decimal_places=6)
    birth_years = models.BigIntegerField()
    stazh = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["year", "region"], name="reporting_coverage_year")]


class ReceiptSummary(_Summary):
    """Payment documents by month of their value date, payer's region and KNP."""

    month = models.DateField()
    region = _region()
    knp = models.CharField(max_length=3)
    documents = models.PositiveIntegerField()
    total = money_field()
    accepted = money_field()

    class Meta:
        indexes = [models.Index(fields=["month", "region"], name="reporting_receipt_month")]


class AwardSummary(_Summary):
    """Per year, benefit, region of the branch, sex and age band at the right: recipients
    (awards paying in the year) and the year's new awards with the sums of their averages."""

    year = models.PositiveSmallIntegerField()
    benefit = models.CharField(max_length=16)
    region = _region()
    sex = models.CharField(max_length=1)
    band = models.PositiveSmallIntegerField()
    recipients = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    award_sum = money_field(default=0)
    income_sum = money_field(default=0)
    age_sum = models.BigIntegerField(default=0)
    stazh_sum = models.BigIntegerField(default=0)
    stazh_n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["year", "region"], name="reporting_award_year")]


class StructureSummary(_Summary):
    """Per year of assignment, benefit, region of the branch and band of the benefit's
    structure (disability: the degree band; job loss: the months of payment; childcare: one
    band), the new awards; for childcare also those the floor lifted and the monthly sum of
    their top-ups, kept unrounded so that any grouping adds up before its one rounding."""

    year = models.PositiveSmallIntegerField()
    benefit = models.CharField(max_length=16)
    region = _region()
    band = models.PositiveSmallIntegerField()
    awards = models.PositiveIntegerField(default=0)
    topped_up = models.PositiveIntegerField(default=0)
    topup_sum = models.DecimalField(max_digits=24, decimal_places=6, default=Decimal(0))

    class Meta:
        indexes = [models.Index(fields=["year", "benefit"], name="reporting_structure_year")]


class PaidSummary(_Summary):
    """Payments by the month of their run, benefit, region of the branch, sex and age band."""

    period = models.DateField()
    benefit = models.CharField(max_length=16)
    region = _region()
    sex = models.CharField(max_length=1)
    band = models.PositiveSmallIntegerField()
    gross = money_field()
    net = money_field()
    lines = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["period", "region"], name="reporting_paid_period")]


class PayerMonthSummary(_Summary):
    """Persons a payer paid contributions for in a month and in the month before: the payer
    monitoring (domain.md) reads the payers whose number fell by half."""

    payer = models.ForeignKey(
        "participants.Payer", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.DateField()
    persons = models.PositiveIntegerField()
    previous = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["period", "previous"], name="reporting_payermonth_period"),
            models.Index(fields=["payer", "period"], name="reporting_payermonth_payer"),
        ]

"""What reporting needs beyond the ledgers: the employed population, entered by an
administrator per year and region from the statistics bureau's figures, against which the
coverage KPI is measured (domain.md "Coverage", KPI 1)."""

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

from decimal import Decimal

from django.db import migrations

# Starting assumptions, yearly per cent, for an administrator to revise: the realistic one
# near the years 2022-2024 (wages about +10 % a year, the minimum wage raised by about a tenth,
# long-term benefits indexed by 8.5 % in 2023), the others below and above it.
DEFAULTS = {
    "pessimistic": ("0.5", "5", "5", "5"),
    "realistic": ("1.5", "10", "8", "8"),
    "optimistic": ("2.5", "14", "12", "10"),
}


def create(apps, schema_editor):
    scenario = apps.get_model("reporting", "ForecastScenario")
    for code, (participants, wages, minimum_wage, indexation) in DEFAULTS.items():
        scenario.objects.get_or_create(
            code=code,
            defaults={
                "participants_growth": Decimal(participants),
                "wage_growth": Decimal(wages),
                "minimum_wage_growth": Decimal(minimum_wage),
                "indexation": Decimal(indexation),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_forecast_scenario")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

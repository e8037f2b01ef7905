from typing import Any

from django.contrib import admin

from reporting.models import EmployedPopulation, ForecastScenario


@admin.register(EmployedPopulation)
class EmployedPopulationAdmin(admin.ModelAdmin):
    list_display = ("year", "region", "persons", "source")
    list_filter = ("year",)
    ordering = ("-year", "region__code")


@admin.register(ForecastScenario)
class ForecastScenarioAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "participants_growth",
        "wage_growth",
        "minimum_wage_growth",
        "indexation",
        "updated_at",
    )
    readonly_fields = ("code",)

    def has_add_permission(self, request: Any) -> bool:
        return False  # the three scenarios exist from the start; only their numbers change

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

from django.contrib import admin

from reporting.models import EmployedPopulation


@admin.register(EmployedPopulation)
class EmployedPopulationAdmin(admin.ModelAdmin):
    list_display = ("year", "region", "persons", "source")
    list_filter = ("year",)
    ordering = ("-year", "region__code")

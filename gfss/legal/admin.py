from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gfss.legal.models import CalendarException, Parameter, ParameterValue


class ParameterValueInline(admin.TabularInline):
    model = ParameterValue
    extra = 0
    fields = ["valid_from", "value", "scale", "legal_ref", "tag"]


@admin.register(Parameter)
class ParameterAdmin(SimpleHistoryAdmin):
    list_display = ["code", "unit", "description"]
    search_fields = ["code", "description"]
    inlines = [ParameterValueInline]


@admin.register(ParameterValue)
class ParameterValueAdmin(SimpleHistoryAdmin):
    list_display = ["parameter", "valid_from", "value", "tag", "legal_ref"]
    list_filter = ["tag", "parameter"]
    search_fields = ["parameter__code", "legal_ref"]
    list_select_related = ["parameter"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(SimpleHistoryAdmin):
    list_display = ["day", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "day"

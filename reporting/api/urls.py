from django.urls import path

from reporting.api.views import ReportTableApi, ReportTableListApi

urlpatterns = [
    path("reports/", ReportTableListApi.as_view(), name="report-list"),
    path("reports/<slug:table>/", ReportTableApi.as_view(), name="report-table"),
]

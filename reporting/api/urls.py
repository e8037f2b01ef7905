from django.urls import path

from reporting.api.views import FallingPayerListApi, ReportTableApi, ReportTableListApi

urlpatterns = [
    path("reports/", ReportTableListApi.as_view(), name="report-list"),
    path("reports/<slug:table>/", ReportTableApi.as_view(), name="report-table"),
    path("payments/monitoring/", FallingPayerListApi.as_view(), name="payer-monitoring"),
]

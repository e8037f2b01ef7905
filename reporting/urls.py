from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("annual/", views.annual_report, name="annual"),
    path("forecast/", views.forecast, name="forecast"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("export/<slug:slug>.<str:fmt>", views.export, name="export"),
]

from django.urls import path

from gfss.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("<int:run_id>/", views.run_detail, name="run_detail"),
    path("<int:run_id>/progress.json", views.run_progress, name="run_progress"),
    path("<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("<int:run_id>/resume/", views.run_resume, name="run_resume"),
]

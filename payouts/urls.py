from django.urls import path

from payouts import views

app_name = "payouts"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<str:period>/", views.run_detail, name="run_detail"),
    path("runs/<str:period>/close/", views.run_close, name="run_close"),
    path("files/<int:file_id>/", views.file_download, name="file_download"),
    path("files/<int:file_id>/register/", views.register_download, name="register_download"),
    path("events/", views.event_list, name="event_list"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/dry-run/", views.event_dry_run_view, name="event_dry_run"),
    path("events/<int:event_id>/apply/", views.event_apply, name="event_apply"),
    path("overpayments/", views.overpayments, name="overpayments"),
    path("awards/<int:award_id>/repayment/", views.repayment_record_view, name="repayment_record"),
]

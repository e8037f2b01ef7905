from django.urls import path

from contributions import views

app_name = "contributions"

urlpatterns = [
    path("documents/", views.document_list, name="document-list"),
    path("documents/<uuid:uuid>/", views.document_detail, name="document-detail"),
    path("upload/", views.mt102_upload, name="mt102-upload"),
    path("files/", views.received_file_list, name="received-file-list"),
    path("quarantine/", views.quarantine_list, name="quarantine-list"),
    path("quarantine/<int:line_id>/correct", views.quarantine_correct, name="quarantine-correct"),
    path("statement/", views.statement_search, name="statement-search"),
    path("statement/<str:iin>/", views.statement, name="statement"),
    path("arrears/", views.arrears_list, name="arrears-list"),
]

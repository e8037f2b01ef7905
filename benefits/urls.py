from django.urls import path

from benefits import views

app_name = "benefits"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("next/", views.case_next, name="next"),
    path("<uuid:uuid>/", views.case_detail, name="case"),
    path("<uuid:uuid>/take", views.case_take, name="take"),
    path("<uuid:uuid>/letter/", views.case_letter, name="letter"),
    path("<uuid:uuid>/assign", views.case_assign, name="assign"),
    path("<uuid:uuid>/refuse", views.case_refuse, name="refuse"),
    path("<uuid:uuid>/return", views.case_return, name="return"),
    path("<uuid:uuid>/confirm", views.case_confirm, name="confirm"),
    path("<uuid:uuid>/decline", views.case_decline, name="decline"),
    path("<uuid:uuid>/award", views.award_decide, name="award-decide"),
    path(
        "<uuid:uuid>/award-decisions/<uuid:decision>/confirm",
        views.award_decision_confirm,
        name="award-decision-confirm",
    ),
]

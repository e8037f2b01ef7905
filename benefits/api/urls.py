from django.urls import path

from benefits.api import views

urlpatterns = [
    path("applications/", views.ApplicationCreateApi.as_view(), name="application-create"),
    path("applications/list", views.ApplicationListApi.as_view(), name="application-list"),
    path(
        "applications/<uuid:uuid>/",
        views.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<uuid:uuid>/status",
        views.ApplicationStatusApi.as_view(),
        name="application-status",
    ),
    path(
        "applications/<uuid:uuid>/assign",
        views.ApplicationAssignApi.as_view(),
        name="application-assign",
    ),
    path(
        "applications/<uuid:uuid>/refuse",
        views.ApplicationRefuseApi.as_view(),
        name="application-refuse",
    ),
    path(
        "applications/<uuid:uuid>/return",
        views.ApplicationReturnApi.as_view(),
        name="application-return",
    ),
    path(
        "applications/<uuid:uuid>/confirm",
        views.ApplicationConfirmApi.as_view(),
        name="application-confirm",
    ),
    path(
        "applications/<uuid:uuid>/decline",
        views.ApplicationDeclineApi.as_view(),
        name="application-decline",
    ),
    path("awards/", views.AwardListApi.as_view(), name="award-list"),
    path("awards/<uuid:uuid>/", views.AwardDetailApi.as_view(), name="award-detail"),
    path(
        "awards/<uuid:uuid>/recalculate",
        views.AwardRecalculateApi.as_view(),
        name="award-recalculate",
    ),
    path("awards/<uuid:uuid>/suspend", views.AwardSuspendApi.as_view(), name="award-suspend"),
    path("awards/<uuid:uuid>/resume", views.AwardResumeApi.as_view(), name="award-resume"),
    path("awards/<uuid:uuid>/terminate", views.AwardTerminateApi.as_view(), name="award-terminate"),
    path(
        "award-decisions/<uuid:uuid>/confirm",
        views.AwardDecisionConfirmApi.as_view(),
        name="award-decision-confirm",
    ),
    path("life-events/", views.LifeEventReportApi.as_view(), name="life-event-report"),
    path("offers/", views.OfferCreateApi.as_view(), name="offer-create"),
    path("offers/<uuid:uuid>/accept", views.OfferAcceptApi.as_view(), name="offer-accept"),
]

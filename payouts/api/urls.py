from django.urls import path

from payouts.api.views import (
    AwardMonthsApi,
    PayoutFileDetailApi,
    PayoutFileDocumentApi,
    PayoutFileListApi,
    PayoutFileRegisterApi,
)

urlpatterns = [
    path("awards/<uuid:uuid>/months/", AwardMonthsApi.as_view(), name="award-months"),
    path("payouts/files/", PayoutFileListApi.as_view(), name="payout-file-list"),
    path("payouts/files/<uuid:uuid>/", PayoutFileDetailApi.as_view(), name="payout-file-detail"),
    path(
        "payouts/files/<uuid:uuid>/document",
        PayoutFileDocumentApi.as_view(),
        name="payout-file-document",
    ),
    path(
        "payouts/files/<uuid:uuid>/register",
        PayoutFileRegisterApi.as_view(),
        name="payout-file-register",
    ),
]

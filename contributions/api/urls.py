from django.urls import path

from contributions.api.views import (
    Mt102ImportApi,
    PayerArrearsListApi,
    PaymentDocumentDetailApi,
    PaymentDocumentListApi,
    PersonStatementApi,
    QuarantinedLineCorrectApi,
    QuarantinedLineListApi,
)

urlpatterns = [
    path("payments/mt102/", Mt102ImportApi.as_view(), name="payments-mt102"),
    path("payments/documents/", PaymentDocumentListApi.as_view(), name="payment-document-list"),
    path(
        "payments/documents/<uuid:uuid>/",
        PaymentDocumentDetailApi.as_view(),
        name="payment-document-detail",
    ),
    path("payments/quarantine/", QuarantinedLineListApi.as_view(), name="quarantine-list"),
    path(
        "payments/quarantine/<int:line_id>/correct",
        QuarantinedLineCorrectApi.as_view(),
        name="quarantine-correct",
    ),
    path("payments/arrears/", PayerArrearsListApi.as_view(), name="payer-arrears-list"),
    path("persons/<str:iin>/statement", PersonStatementApi.as_view(), name="person-statement"),
]

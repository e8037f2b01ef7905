from django.urls import path

from refunds.api import views

urlpatterns = [
    path("refunds/", views.RefundCreateApi.as_view(), name="refund-create"),
    path("refunds/list", views.RefundListApi.as_view(), name="refund-list"),
    path("refunds/report", views.RefundReportApi.as_view(), name="refund-report"),
    path("refunds/orders/", views.PayoutOrderBuildApi.as_view(), name="refund-order-build"),
    path(
        "refunds/orders/<uuid:uuid>/paid",
        views.PayoutOrderPaidApi.as_view(),
        name="refund-order-paid",
    ),
    path("refunds/<uuid:uuid>/", views.RefundDetailApi.as_view(), name="refund-detail"),
    path("refunds/<uuid:uuid>/status", views.RefundStatusApi.as_view(), name="refund-status"),
    path("refunds/<uuid:uuid>/decide", views.RefundDecideApi.as_view(), name="refund-decide"),
    path("refunds/<uuid:uuid>/confirm", views.RefundConfirmApi.as_view(), name="refund-confirm"),
    path("refunds/<uuid:uuid>/decline", views.RefundDeclineApi.as_view(), name="refund-decline"),
    path(
        "refunds/<uuid:uuid>/bank-return",
        views.RefundBankReturnApi.as_view(),
        name="refund-bank-return",
    ),
]

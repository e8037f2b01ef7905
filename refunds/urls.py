from django.urls import path

from refunds import views

app_name = "refunds"

urlpatterns = [
    path("", views.refund_list, name="list"),
    path("new/", views.refund_new, name="new"),
    path("orders/", views.order_list, name="orders"),
    path("orders/build/", views.order_build, name="order-build"),
    path("orders/<uuid:uuid>/paid/", views.order_paid, name="order-paid"),
    path("orders/<uuid:uuid>/report/", views.order_report, name="order-report"),
    path("orders/<uuid:uuid>/mt102/", views.order_file, {"kind": "mt102"}, name="order-mt102"),
    path(
        "orders/<uuid:uuid>/register/",
        views.order_file,
        {"kind": "register"},
        name="order-register",
    ),
    path("report/", views.report, name="report"),
    path("awards/<uuid:uuid>/", views.award_view, name="award"),
    path("persons/<str:iin>/", views.person_refunds, name="person"),
    path("payers/<str:idn>/", views.payer_refunds, name="payer"),
    path("<uuid:uuid>/", views.refund_detail, name="detail"),
    path("<uuid:uuid>/decide/", views.refund_decide_view, name="decide"),
    path("<uuid:uuid>/confirm/", views.refund_confirm_view, name="confirm"),
    path("<uuid:uuid>/decline/", views.refund_decline_view, name="decline"),
    path("<uuid:uuid>/bank-return/", views.refund_return_view, name="bank-return"),
]

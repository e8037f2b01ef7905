from django.urls import path

from participants.api.views import PayerListApi, PersonDetailApi, PersonListApi

urlpatterns = [
    path("persons/", PersonListApi.as_view(), name="person-list"),
    path("persons/<str:iin>/", PersonDetailApi.as_view(), name="person-detail"),
    path("payers/", PayerListApi.as_view(), name="payer-list"),
]

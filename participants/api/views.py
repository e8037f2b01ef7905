from django.db.models import QuerySet
from rest_framework.generics import ListAPIView, RetrieveAPIView

from gfss.api.permissions import Subject, reads
from gfss.org.models import AccessedData
from gfss.org.services import access_log_record
from participants.api.filters import PayerFilter, PersonFilter
from participants.api.serializers import PayerOutputSerializer, PersonOutputSerializer
from participants.models import Payer, Person
from participants.selectors import payer_list_for_user, person_get_for_user, person_list_for_user


class PersonListApi(ListAPIView):
    serializer_class = PersonOutputSerializer
    filterset_class = PersonFilter
    permission_classes = [reads(Subject.PERSON)]

    def get_queryset(self) -> QuerySet[Person]:
        return person_list_for_user(user=self.request.user)


class PersonDetailApi(RetrieveAPIView):
    serializer_class = PersonOutputSerializer
    permission_classes = [reads(Subject.PERSON)]

    def get_object(self) -> Person:
        person = person_get_for_user(user=self.request.user, iin=self.kwargs["iin"])
        access_log_record(request=self.request, subject=AccessedData.PERSON, iin=person.iin)
        return person


class PayerListApi(ListAPIView):
    serializer_class = PayerOutputSerializer
    filterset_class = PayerFilter
    permission_classes = [reads(Subject.PAYER)]

    def get_queryset(self) -> QuerySet[Payer]:
        return payer_list_for_user(user=self.request.user)

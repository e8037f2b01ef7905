"""Proactive offers: consent within 3 calendar days makes an application; else it lapses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from benefits.exceptions import OfferStateError
from benefits.models import Application, BenefitType, ProactiveOffer
from benefits.services.offers import offer_accept, offer_create, offers_lapse
from benefits.tasks import offers_lapse_task
from tests.benefits.cases import RIGHT_DATE, a_child_iin, documents_for, insured_person

pytestmark = pytest.mark.django_db


def _offer(now=None) -> ProactiveOffer:
    mother = insured_person()
    return offer_create(
        actor=None,
        iin=mother.iin,
        benefit=BenefitType.CHILDCARE,
        right_date=RIGHT_DATE,
        documents=documents_for(BenefitType.CHILDCARE, child_iin=a_child_iin()),
        now=now,
    )


def test_consent_within_three_days_makes_a_proactive_application():
    # given an offer made two days ago
    offer = _offer(now=timezone.now() - timedelta(days=2))
    # when the person consents
    application = offer_accept(actor=None, offer_id=offer.pk)
    # then the application is received today through the proactive channel
    offer.refresh_from_db()
    assert offer.status == "accepted"
    assert offer.application == application
    assert application.channel == "proactive"
    assert application.received_on == timezone.localdate()


def test_an_offer_lapses_after_three_days_and_cannot_be_accepted():
    # given an offer made four days ago
    offer = _offer(now=timezone.now() - timedelta(days=4))
    # when the lapse task runs (twice: the second changes nothing)
    assert offers_lapse_task() == 1
    assert offers_lapse() == 0
    # then it is lapsed and consent is refused with a clear conflict
    with pytest.raises(OfferStateError) as error:
        offer_accept(actor=None, offer_id=offer.pk)
    assert (error.value.status_code, error.value.code) == (409, "offer_lapsed")
    assert not Application.objects.exists()


def test_consent_after_the_term_is_refused_even_before_the_task_ran():
    offer = _offer(now=timezone.now() - timedelta(days=3, minutes=1))
    with pytest.raises(OfferStateError):
        offer_accept(actor=None, offer_id=offer.pk)

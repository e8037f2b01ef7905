"""Proactive offers: the fund offers a benefit (e.g. on a registered birth); the person's
consent within 3 calendar days turns the offer into an application, else it lapses."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.documents import Documents, as_json, missing_facts
from benefits.exceptions import FactsMissingError, OfferStateError, PersonUnknownError
from benefits.locks import offer_qs_select_for_update
from benefits.models import Application, BenefitType, Channel, ProactiveOffer
from benefits.services.applications import application_create
from gfss.common.exceptions import ApplicationError
from gfss.org.actors import Actor
from participants.models import Person

# rules.md §6 [V]: a proactive offer lapses if not accepted within 3 calendar days.
OFFER_ACCEPT_DAYS = 3


@transaction.atomic
def offer_create(
    *,
    actor: Actor,
    iin: str,
    benefit: str,
    right_date: date,
    documents: Documents,
    now: datetime | None = None,
) -> ProactiveOffer:
    now = now or timezone.now()
    if benefit not in BenefitType.values:
        raise ApplicationError(
            _("No benefit with code %(benefit)s exists.") % {"benefit": repr(benefit)},
            code="benefit_unknown",
        )
    person = Person.objects.filter(iin=iin).first()
    if person is None:
        raise PersonUnknownError(iin)
    missing = missing_facts(benefit=benefit, documents=documents)
    if missing:
        raise FactsMissingError(benefit=benefit, missing=missing)
    offer = ProactiveOffer(
        person=person,
        benefit=benefit,
        right_date=right_date,
        documents=as_json(documents),
        offered_at=now,
        expires_at=now + timedelta(days=OFFER_ACCEPT_DAYS),
        created_by=actor,
    )
    offer.full_clean(validate_constraints=False)
    offer.save()
    return offer


@transaction.atomic
def offer_accept(*, actor: Actor, offer_id: int, now: datetime | None = None) -> Application:
    """Consent: the application is received on the day of consent (rules.md §6 deadlines)."""
    now = now or timezone.now()
    offer = offer_qs_select_for_update().select_related("person").get(pk=offer_id)
    if offer.status == ProactiveOffer.Status.OPEN and now >= offer.expires_at:
        # Consent after the term: the offer had lapsed, whether or not the task saw it yet.
        raise OfferStateError(status=ProactiveOffer.Status.LAPSED)
    if offer.status != ProactiveOffer.Status.OPEN:
        raise OfferStateError(status=offer.status)
    today = timezone.localdate(now)
    application = application_create(
        actor=actor,
        iin=offer.person.iin,
        benefit=offer.benefit,
        channel=Channel.PROACTIVE,
        received_on=today,
        right_date=offer.right_date,
        documents=offer.documents,
        today=today,
    )
    offer.status = ProactiveOffer.Status.ACCEPTED
    offer.answered_at = now
    offer.application = application
    offer.full_clean(validate_constraints=False)
    offer.save(update_fields=["status", "answered_at", "application", "updated_at"])
    return application


@transaction.atomic
def offers_lapse(*, now: datetime | None = None) -> int:
    """Every open offer past its term lapses; running it again changes nothing."""
    now = now or timezone.now()
    return ProactiveOffer.objects.filter(
        status=ProactiveOffer.Status.OPEN, expires_at__lte=now
    ).update(status=ProactiveOffer.Status.LAPSED, answered_at=now, updated_at=now)

"""Row locks for read-modify-write on e-cases, offers and awards (parent first, by pk)."""

from django.db.models import QuerySet

from benefits.models import Application, Award, AwardDecision, ProactiveOffer


def application_qs_select_for_update() -> QuerySet[Application]:
    return Application.objects.order_by("pk").select_for_update(of=("self",), no_key=True)


def offer_qs_select_for_update() -> QuerySet[ProactiveOffer]:
    return ProactiveOffer.objects.order_by("pk").select_for_update(of=("self",), no_key=True)


def award_qs_select_for_update() -> QuerySet[Award]:
    return Award.objects.order_by("pk").select_for_update(of=("self",), no_key=True)


def award_decision_qs_select_for_update() -> QuerySet[AwardDecision]:
    return AwardDecision.objects.order_by("pk").select_for_update(of=("self",), no_key=True)

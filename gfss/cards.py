"""The search field of every page, and the cards it opens: a person's (by IIN) and a payer's
(by BIN or IIN), each gathering what every app knows of them.

This module composes the apps' reads, so it sits at the project's root (architecture.md);
each section of a card shows only what the access policy lets the user read, and a card of a
person is written to the access log. Award payments and a payer's monitoring come as the
fragments payouts and reporting render on their own pages.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benefits.selectors import application_list_for_user, award_list_for_user
from contributions.selectors import (
    contribution_history,
    payer_penalty_balance,
    payment_document_list_for_user,
)
from gfss.common.exceptions import NotFoundError
from gfss.org.access import Subject, reads
from gfss.org.decorators import reads_required
from gfss.org.models import AccessedData
from gfss.org.selectors import access_log_list_for_user
from gfss.org.services import access_log_record
from participants.models import Payer, Person
from participants.search import search_text_parse
from participants.selectors import (
    payer_list_for_user,
    payer_search_for_user,
    person_get_for_user,
    person_list_for_user,
    person_search_for_user,
)
from payouts.selectors import award_balances
from refunds.selectors import refund_applications_of_payer, refund_lines_of_person

PAGE_SIZE = 50
CARD_ROWS = 20  # the latest documents and access-log rows a card shows; the lists have all


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("page", "")
    return int(text) if text.isdigit() and 0 < int(text) < 10_000 else 1


def _page_of(queryset: QuerySet[Any], number: int) -> dict[str, Any]:
    """One page of a name search, without counting every match (over a million persons a
    count costs more than the page): one row more than the page says whether another follows."""
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return {
        "rows": rows[:PAGE_SIZE],
        "number": number,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if len(rows) > PAGE_SIZE else None,
        "first_index": start + 1,
    }


@reads_required(Subject.PERSON)
def search(request: HttpRequest) -> HttpResponse:
    """An IIN or BIN opens its card; a name lists the persons (or payers) who bear it; a
    number that cannot be one, or of nobody in reach, is answered on the form."""
    text = " ".join(request.GET.get("q", "").split())[:100]
    kind = "payer" if request.GET.get("kind") == "payer" else "person"
    context: dict[str, Any] = {
        "q": text,
        "kind": kind,
        "reads_payers": reads(request.user, Subject.PAYER),
    }
    try:
        parsed = search_text_parse(text)
    except ValidationError as invalid:
        context["error"] = " ".join(invalid.messages)
        return render(request, "cards/search.html", context, status=400)
    if parsed.number:
        person = person_list_for_user(user=request.user).filter(iin=parsed.number).first()
        payer = (
            payer_list_for_user(user=request.user).filter(idn=parsed.number).first()
            if context["reads_payers"]
            else None
        )
        if person is not None and payer is None:
            return redirect("person-card", iin=person.iin)
        if payer is not None and person is None:
            return redirect("payer-card", idn=payer.idn)
        if person is None:
            context["error"] = _(
                "No person or payer with IIN or BIN %(number)s is in your reach."
            ) % {"number": parsed.number}
            return render(request, "cards/search.html", context)
        context["both"] = {"person": person, "payer": payer}
        return render(request, "cards/search.html", context)
    if parsed.words:
        found: QuerySet[Payer] | QuerySet[Person]
        if kind == "payer" and context["reads_payers"]:
            found = payer_search_for_user(user=request.user, words=parsed.words)
        else:
            kind = context["kind"] = "person"
            found = person_search_for_user(user=request.user, words=parsed.words)
        context["page"] = _page_of(found, _page_number(request))
    return render(request, "cards/search.html", context)


@reads_required(Subject.PERSON)
def person_card(request: HttpRequest, iin: str) -> HttpResponse:
    """Everything about one person the user may read: contributions year by year, e-cases,
    awards with their payments, refunds and, for the head, who looked at the person."""
    user = request.user
    try:
        person = person_get_for_user(user=user, iin=iin)
    except NotFoundError:
        raise Http404 from None
    access_log_record(request=request, subject=AccessedData.PERSON, iin=person.iin)
    year_text = request.GET.get("year", "")
    context: dict[str, Any] = {"person": person}
    if reads(user, Subject.LEDGER):
        context["history"] = contribution_history(
            person_id=person.pk, year=int(year_text) if year_text.isdigit() else None
        )
    if reads(user, Subject.CASE):
        context["cases"] = list(
            application_list_for_user(user=user)
            .filter(Q(person=person) | Q(insured_person=person))
            .defer("documents", "facts", "calculation", "checks")
            .order_by("-received_on", "-id")
        )
        awards = list(
            award_list_for_user(user=user).filter(person=person).order_by("-start_date", "-id")
        )
        balances = award_balances([award.pk for award in awards])
        context["awards"] = [(award, balances[award.pk]) for award in awards]
    if reads(user, Subject.REFUND):
        context["refund_lines"] = list(refund_lines_of_person(user=user, person_id=person.pk))
    if reads(user, Subject.ACCESS_LOG):
        context["access_log"] = list(
            access_log_list_for_user(user=user).filter(iin=person.iin)[:CARD_ROWS]
        )
    return render(request, "cards/person.html", context)


@reads_required(Subject.PAYER)
def payer_card(request: HttpRequest, idn: str) -> HttpResponse:
    """A payer: its latest payment documents, its penalty balance, its monitoring line month
    by month and its refund applications, as far as the user reads them."""
    user = request.user
    payer = payer_list_for_user(user=user).filter(idn=idn).first()
    if payer is None:
        raise Http404
    context: dict[str, Any] = {"payer": payer, "balance": payer_penalty_balance(payer=payer)}
    if reads(user, Subject.DOCUMENT):
        context["documents"] = list(
            payment_document_list_for_user(user=user).filter(payer=payer)[:CARD_ROWS]
        )
    if reads(user, Subject.REFUND):
        context["refund_applications"] = list(
            refund_applications_of_payer(user=user, payer_id=payer.pk)
        )
    return render(request, "cards/payer.html", context)

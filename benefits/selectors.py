"""Reads of awards and e-cases, filtered by what the user may see."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet

from benefits.amounts import OPV_RATE_CODE, withholds_opv
from benefits.exceptions import ApplicationNotFoundError, AwardNotFoundError, OfferNotFoundError
from benefits.models import (
    Application,
    ApplicationEvent,
    Award,
    AwardAmount,
    AwardDecision,
    AwardLifeEvent,
    ProactiveOffer,
)
from benefits.models.awards import LUMP_SUM_BENEFITS
from benefits.rules.common import LONG_TERM_AVERAGE_MONTHS
from benefits.rules.facts import window
from contributions.calculations import income_by_month
from contributions.selectors import contribution_payer_months
from gfss.common.money import round_kzt
from gfss.common.periods import add_months
from gfss.legal.params import ParameterSet
from gfss.legal.selectors import parameter_value
from gfss.org.access import Action, Subject, may, reach
from gfss.org.actors import Reader, StaffUser
from participants.models import LifeEvent, Payer

# Maternity and adoption average the 12 months before the right (rules.md §3.1).
MATERNITY_AVERAGE_MONTHS = 12


# --- e-cases --------------------------------------------------------------------------------


def application_list_for_user(
    *, user: Reader, subject: Subject = Subject.CASE
) -> QuerySet[Application]:
    """The e-cases the user may see (gfss.org.access): the own branch's, every branch's for
    central readers; a partner follows the status (``CASE_STATUS``) of those it sent."""
    queryset = Application.objects.select_related("person", "branch")
    # A partner acts on an e-case once, when it sends it (or accepts the offer behind it).
    return reach(user, subject).apply(queryset, branch="branch_id", owner="events__actor_id")


def application_get_for_user(
    *, user: Reader, uuid: UUID | str, subject: Subject = Subject.CASE
) -> Application:
    application = (
        application_list_for_user(user=user, subject=subject)
        .select_related("insured_person", "decided_by", "confirmed_by", "held_by", "award")
        .filter(uuid=uuid)
        .first()
    )
    if application is None:
        raise ApplicationNotFoundError(uuid)
    return application


QUEUE_COLUMNS = (
    "uuid",
    "benefit",
    "channel",
    "status",
    "received_on",
    "decision_due",
    "calculated_gross",
    "person__iin",
    "person__surname",
    "person__first_name",
    "person__patronymic",
    "branch__code",
    "held_since",
    "held_active_at",
    "held_by__username",
    "held_by__first_name",
    "held_by__last_name",
)


@dataclass(frozen=True)
class QueueFilters:
    benefit: str = ""
    status: str = ""  # "" means every open status
    channel: str = ""
    overdue: bool = False
    person: str = ""  # an IIN (exact) or the start of a surname or a first name


def application_queue(*, user: Reader, filters: QueueFilters, today: date) -> QuerySet[Application]:
    """The branch's work queue, earliest deadline first (the queue index serves it)."""
    queryset = application_list_for_user(user=user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    else:
        queryset = queryset.filter(status__in=Application.OPEN_STATUSES)
    if filters.benefit:
        queryset = queryset.filter(benefit=filters.benefit)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.overdue:
        queryset = queryset.filter(decision_due__lt=today)
    if filters.person.isdigit():
        queryset = queryset.filter(person__iin=filters.person)
    elif filters.person:
        # Names are kept capitalised; SQLite folds the case of Latin letters only.
        for word in filters.person.split():
            queryset = queryset.filter(
                Q(person__surname__istartswith=word)
                | Q(person__first_name__istartswith=word)
                | Q(person__surname__startswith=word.capitalize())
                | Q(person__first_name__startswith=word.capitalize())
            )
    # The list shows a few columns; the JSON of the calculation stays unread (TOAST).
    return queryset.select_related("held_by").only(*QUEUE_COLUMNS).order_by("decision_due", "id")


def application_counters(*, user: Reader, today: date) -> dict[str, int]:
    """Open, overdue and awaiting-confirmation cases of the user's scope, in one query."""
    open_q = Q(status__in=Application.OPEN_STATUSES)
    return application_list_for_user(user=user).aggregate(
        open=Count("id", filter=open_q),
        overdue=Count("id", filter=open_q & Q(decision_due__lt=today)),
        awaiting=Count("id", filter=Q(status=Application.Status.AWAITING_CONFIRMATION)),
    )


def application_free_for(*, user: StaffUser, now: datetime, timeout: timedelta) -> Q:
    """Cases nobody else holds: free, held by ``user``, or whose holder has been idle too long."""
    return Q(held_by__isnull=True) | Q(held_by=user.pk) | Q(held_active_at__lte=now - timeout)


def application_next_for_user(
    *, user: StaffUser, now: datetime, timeout: timedelta, after: Application | None = None
) -> Application | None:
    """The case to open next: a head's next confirmation not of their own making, else the
    earliest-due case still to decide that nobody else holds. Only those who decide have one."""
    if not may(user, Action.DECIDE_CASE):
        return None
    queryset = application_list_for_user(user=user).order_by("decision_due", "id")
    if after is not None:
        queryset = queryset.exclude(pk=after.pk)
    if may(user, Action.CONFIRM_CASE):
        waiting = (
            queryset.filter(status=Application.Status.AWAITING_CONFIRMATION)
            .exclude(decided_by=user)
            .first()
        )
        if waiting is not None:
            return waiting
    return (
        queryset.filter(status__in=Application.DECIDABLE_STATUSES)
        .filter(application_free_for(user=user, now=now, timeout=timeout))
        .first()
    )


def offer_get_for_user(*, user: Reader, uuid: UUID | str) -> ProactiveOffer:
    """An offer the user may act on: a partner's own offers; staff by the person's region."""
    queryset = ProactiveOffer.objects.filter(uuid=uuid)
    offer = (
        reach(user, Subject.OFFER)
        .apply(queryset, region="person__region_id", owner="created_by_id")
        .first()
    )
    if offer is None:
        raise OfferNotFoundError(uuid)
    return offer


def application_events(*, application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor__partner_client").order_by("id")


def application_award_decisions(*, application: Application) -> QuerySet[AwardDecision]:
    return application.award_decisions.select_related(
        "made_by", "confirmed_by", "life_event__life_event__reported_by__partner_client"
    ).order_by("id")


@dataclass(frozen=True)
class Stage:
    stage: str
    status: str
    at: datetime
    comment: str


def application_stages(*, application: Application) -> list[Stage]:
    """Every stage the applicant can follow, with its date (the status API)."""
    return [
        Stage(stage=kind, status=to_status, at=at, comment=comment)
        for kind, to_status, at, comment in application.events.order_by("id").values_list(
            "kind", "to_status", "created_at", "comment"
        )
    ]


def average_window_months(benefit: str) -> int:
    """N of the average monthly income (rules.md §3.1): 12 for the lump sums, else 24."""
    return MATERNITY_AVERAGE_MONTHS if benefit in LUMP_SUM_BENEFITS else LONG_TERM_AVERAGE_MONTHS


@dataclass(frozen=True)
class CountedWindow:
    """The months whose contributions an award counted: its average-income window
    ``[first, end)`` before the month of the right, as received up to ``received_before``."""

    award: Award
    first: date
    end: date
    received_before: date | None

    def counts(self, *, period: date, value_date: date) -> bool:
        return self.first <= period < self.end and (
            self.received_before is None or value_date <= self.received_before
        )


def award_counted_windows(*, person_ids: list[int]) -> dict[int, list[CountedWindow]]:
    """Per insured person: the windows their awards counted (Social Code Art. 247 p.2: a
    contribution counted in an assigned benefit is not refundable). The insured person is the
    e-case's (the deceased, for a breadwinner award), or the recipient of an award made
    outside an e-case. One query."""
    result: dict[int, list[CountedWindow]] = {person_id: [] for person_id in person_ids}
    awards = Award.objects.filter(
        Q(application__insured_person_id__in=person_ids)
        | Q(application__isnull=True, person_id__in=person_ids)
    ).select_related("application")
    for award in awards:
        application = award.application
        insured_id = application.insured_person_id if application else award.person_id
        first, end = window(
            right_date=award.right_date, months=average_window_months(award.benefit)
        )
        result[insured_id].append(
            CountedWindow(
                award=award,
                first=first,
                end=end,
                received_before=application.received_on if application else None,
            )
        )
    return result


@dataclass(frozen=True)
class ContributionRow:
    period: date
    payer_idn: str
    payer_name: str
    amount: Decimal


@dataclass(frozen=True)
class ContributionTable:
    """The incomes to the tiyn, as the page shows them; the calculation keeps them exact."""

    first: date
    last: date
    rows: list[ContributionRow]
    incomes: dict[date, Decimal]
    total_income: Decimal


def application_contribution_table(
    *, application: Application, params: ParameterSet
) -> ContributionTable:
    """The contributions of the insured person in the window the calculation used, as received
    before the application: the table the specialist checks the average income against."""
    first, end = window(
        right_date=application.right_date, months=average_window_months(application.benefit)
    )
    last = add_months(end, -1)
    person_id = application.insured_person_id
    months = contribution_payer_months(
        person_ids=[person_id], first=first, last=last, received_before=application.received_on
    )[person_id]
    payers = {
        pk: (idn, name)
        for pk, idn, name in Payer.objects.filter(
            pk__in={int(m.payer) for m in months}
        ).values_list("pk", "idn", "name")
    }
    rows = sorted(
        (
            ContributionRow(
                period=m.period,
                payer_idn=payers[int(m.payer)][0],
                payer_name=payers[int(m.payer)][1],
                amount=m.amount,
            )
            for m in months
        ),
        key=lambda row: (row.period, row.payer_idn),
    )
    incomes = income_by_month(months, params=params)
    return ContributionTable(
        first=first,
        last=last,
        rows=rows,
        incomes={period: round_kzt(income) for period, income in incomes.items()},
        total_income=round_kzt(sum(incomes.values(), Fraction(0))),
    )


# --- awards ---------------------------------------------------------------------------------


def award_list_for_user(*, user: Reader) -> QuerySet[Award]:
    queryset = Award.objects.select_related("person", "branch", "application")
    return reach(user, Subject.CASE).apply(queryset, branch="branch_id")


def award_get_for_user(*, user: Reader, uuid: UUID | str) -> Award:
    award = award_list_for_user(user=user).filter(uuid=uuid).first()
    if award is None:
        raise AwardNotFoundError(uuid)
    return award


def award_amounts(*, award: Award) -> QuerySet[AwardAmount]:
    return award.amounts.order_by("valid_from", "id")


def award_life_events(*, award: Award) -> QuerySet[AwardLifeEvent]:
    """What the life events registries reported did to the award, the latest first."""
    return (
        AwardLifeEvent.objects.filter(award=award)
        .select_related("life_event__person", "life_event__reported_by__partner_client", "decision")
        .order_by("-life_event__event_date", "-id")
    )


def life_event_with_awards(*, life_event_id: int) -> LifeEvent:
    """A life event with the awards it touched, in award order (the partner's answer)."""
    return (
        LifeEvent.objects.select_related("person")
        .prefetch_related(
            Prefetch(
                "awards_touched",
                queryset=AwardLifeEvent.objects.select_related("award", "decision").order_by(
                    "award_id"
                ),
            )
        )
        .get(pk=life_event_id)
    )


def opv_rate_withheld(
    benefit: str, *, on: date, params: ParameterSet | None = None
) -> Decimal | None:
    """The OPV rate withheld from the benefit's payments on ``on``, or None where none is;
    ``params``: the parameters read already, for many awards at once."""
    if not withholds_opv(benefit):
        return None
    if params is None:
        return parameter_value(OPV_RATE_CODE, on=on)
    return params.get(OPV_RATE_CODE, on=on).decimal

"""Life events from partner registries, applied to the awards they touch.

The registry of the person keeps the event (``participants.services.life_event_record``);
here it becomes a dated change of each award it reaches, at once and with no checker (the
fact is the registry's):

- a death ends the deceased's monthly awards and the childcare awards for a child who died,
  after the month of death (that month is paid in full; rules.md 4.3, 4.6); a breadwinner
  award granted for the deceased as a dependent is calculated again for one dependent fewer
  from the 1st of the next month, and ends then when none is left (rules.md 4.2);
- a deregistration as unemployed or a new employment ends the person's job-loss awards from
  the 1st of the following month (rules.md 4.3);
- a changed degree of disability recalculates the person's disability awards from its date
  (rules.md 4.1): the amount series is re-derived from the new base; a degree below the least
  (0.30) leaves no right, so the awards end from the first 1st of a month on or after it.

Each change moves the award's revision, so payouts settles the months it already paid (a top-up
or an overpayment) with its next payment run at the latest.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from benefits.exceptions import ForbiddenError
from benefits.models import Award, AwardDecision, AwardLifeEvent, BenefitType
from benefits.rules.limits import DEGREE_MIN
from benefits.services.award_decisions import (
    awards_dependent_died_reported,
    awards_end_reported,
    awards_recalculate_reported,
    breadwinner_awards_of_dependent,
)
from gfss.common.periods import add_months, month_start
from gfss.org.access import Action, may
from gfss.org.actors import Actor
from participants.models import LifeEvent
from participants.services import life_event_record

# Which partner action reports each kind (gfss.org.access: one scope per kind of registry).
REPORTED_BY = {
    LifeEvent.Kind.DEATH: Action.REPORT_DEATH,
    LifeEvent.Kind.DEREGISTRATION: Action.REPORT_EMPLOYMENT,
    LifeEvent.Kind.EMPLOYMENT: Action.REPORT_EMPLOYMENT,
    LifeEvent.Kind.DISABILITY_DEGREE: Action.REPORT_DISABILITY,
}
LIFE_EVENT_ACTIONS = frozenset(REPORTED_BY.values())


class LifeEventKindNotAllowedError(ForbiddenError):
    def __init__(self, *, kind: str) -> None:
        super().__init__(
            _("Your token's scopes do not allow reporting this kind of event (%(kind)s).")
            % {"kind": LifeEvent.Kind(kind).label},
            code="life_event_kind_not_allowed",
            extra={"kind": kind},
        )


def _monthly(awards: QuerySet[Award]) -> QuerySet[Award]:
    return awards.filter(lump_sum=False).order_by("pk")


def _children_cared_for(iin: str) -> QuerySet[Award]:
    """Childcare awards whose e-case names the child (born or adopted) by ``iin``."""
    return Award.objects.filter(
        Q(application__documents__birth_certificate__child_iin=iin)
        | Q(application__documents__adoption_decision__child_iin=iin),
        benefit=BenefitType.CHILDCARE,
    )


def _touched(event: LifeEvent) -> list[int]:
    person = event.person
    if event.kind == LifeEvent.Kind.DEATH:
        awards = _monthly(Award.objects.filter(person=person) | _children_cared_for(person.iin))
    elif event.kind == LifeEvent.Kind.DISABILITY_DEGREE:
        awards = _monthly(Award.objects.filter(person=person, benefit=BenefitType.DISABILITY))
    else:
        awards = _monthly(Award.objects.filter(person=person, benefit=BenefitType.JOB_LOSS))
    return list(awards.values_list("pk", flat=True).distinct())


def _reason(event: LifeEvent) -> str:
    # Kept with the decision in the fund's working language, as staff record their reasons.
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(kind)s on %(date)s (reported by the registry, reference %(reference)s)") % {
            "kind": event.get_kind_display(),
            "date": event.event_date.strftime("%d.%m.%Y"),
            "reference": event.reference,
        }


def _first_day_from(day: date) -> date:
    """The first 1st of a month on or after ``day``: months are due in full or not at all, so
    a right that ends during a month ends after it."""
    return day if day.day == 1 else add_months(month_start(day), 1)


def _apply(event: LifeEvent, *, actor: Actor) -> list[AwardLifeEvent]:
    award_ids = _touched(event)
    decisions: dict[int, AwardDecision | None] = {}
    effects: dict[int, str] = {}
    if award_ids and event.kind == LifeEvent.Kind.DISABILITY_DEGREE:
        assert event.degree is not None
        if event.degree < DEGREE_MIN:
            # Below the least degree there is no right (rules.md 4.1): the award ends.
            ended = awards_end_reported(
                actor=actor,
                award_ids=award_ids,
                effective_date=_first_day_from(event.event_date),
                reason=_reason(event),
                facts={"degree": str(event.degree)},
            )
            decisions = {decision.award_id: decision for decision in ended}
            effects = dict.fromkeys(decisions, AwardLifeEvent.Effect.ENDED)
        else:
            decisions = awards_recalculate_reported(
                actor=actor,
                award_ids=award_ids,
                effective_date=event.event_date,
                degree=event.degree,
                reason=_reason(event),
            )
            effects = dict.fromkeys(decisions, AwardLifeEvent.Effect.RECALCULATED)
    elif award_ids:
        ended = awards_end_reported(
            actor=actor,
            award_ids=award_ids,
            effective_date=add_months(month_start(event.event_date), 1),
            reason=_reason(event),
        )
        decisions = {decision.award_id: decision for decision in ended}
        effects = dict.fromkeys(decisions, AwardLifeEvent.Effect.ENDED)
    if event.kind == LifeEvent.Kind.DEATH:
        # A dependent's share of a breadwinner award ends after the month of the death.
        shares = [
            pk for pk in breadwinner_awards_of_dependent(event.person.iin) if pk not in award_ids
        ]
        shared = awards_dependent_died_reported(
            actor=actor,
            award_ids=shares,
            effective_date=add_months(month_start(event.event_date), 1),
            reason=_reason(event),
        )
        for pk, decision in shared.items():
            decisions[pk] = decision
            terminated = decision is not None and decision.kind == AwardDecision.Kind.TERMINATE
            effects[pk] = (
                AwardLifeEvent.Effect.ENDED if terminated else AwardLifeEvent.Effect.RECALCULATED
            )
        award_ids = award_ids + shares
    rows = []
    for award_id in award_ids:
        decision = decisions.get(award_id)
        if decision is not None:
            effect, effective = effects[award_id], decision.effective_date
        elif award_id in decisions:
            effect, effective = AwardLifeEvent.Effect.REVIEW, None
        else:
            effect, effective = AwardLifeEvent.Effect.UNCHANGED, None
        rows.append(
            AwardLifeEvent(
                award_id=award_id,
                life_event=event,
                effect=effect,
                effective_date=effective,
                decision=decision,
            )
        )
    return AwardLifeEvent.objects.bulk_create(rows)


@transaction.atomic
def life_event_report(
    *,
    actor: Actor,
    reference: str,
    kind: str,
    iin: str,
    event_date: date,
    degree: Decimal | None = None,
    document: str = "",
) -> tuple[LifeEvent, bool]:
    """Record a partner's life event and apply it to the awards it touches.

    ``created`` is False when the partner sent the same report under the same reference
    before: nothing changes and the answer is the first one's. Refused as a whole (nothing
    written) for an unknown person, a date in the future, a second different date of death,
    or a kind the partner's scopes do not report.
    """
    if not may(actor, REPORTED_BY[LifeEvent.Kind(kind)]):
        raise LifeEventKindNotAllowedError(kind=kind)
    event, created = life_event_record(
        actor=actor,
        reference=reference,
        iin=iin,
        kind=kind,
        event_date=event_date,
        degree=degree,
        document=document,
    )
    if created:
        _apply(event, actor=actor)
    return event, created

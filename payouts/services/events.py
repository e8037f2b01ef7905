"""Recalculation events (rules.md §5): defined as dated rows, applied as batch runs.

Each application appends to the award's history: a new ``AwardAmount`` from the event's date
(indexation, coefficient change) or a later ``Award.end_date`` (period extension, the old date
kept in the ``EventApplication``). An award gets an event at most once (a unique constraint),
and never two events of the same kind and date (a guard in the statement itself).

A chunk changes its awards through ``benefits``' services in a few set-based statements (the
indexation and coefficient arithmetic done in whole tiyn inside SQL, ``benefits.amounts``,
the same on PostgreSQL and SQLite) and settles the months already paid in the same
transaction.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.amounts import money_sql
from benefits.entitlement import as_date
from benefits.models import Award, AwardAmount, BenefitType
from benefits.services.amount_chain import STEPS_TABLE, amount_chain_step, amount_chain_steps
from benefits.services.awards import award_end_dates_extend
from gfss.common import display
from gfss.common.bulk import set_based_statements
from gfss.common.exceptions import ApplicationError, ConflictError, NotFoundError
from gfss.common.money import TIYN
from gfss.common.periods import month_start, next_period
from gfss.jobs.models import BatchRun
from gfss.jobs.registry import ChunkOutcome, Scope
from gfss.jobs.services import batchrun_start
from gfss.org.actors import Actor
from payouts import rules
from payouts.models import EventApplication, RecalculationEvent
from payouts.services.settlement import event_cause, settle_range

logger = logging.getLogger(__name__)

EVENT_JOB_KIND = "recalculation_event"
_REASON: dict[str, str] = {
    RecalculationEvent.Kind.INDEXATION: AwardAmount.Reason.INDEXATION,
    RecalculationEvent.Kind.COEFFICIENT_CHANGE: AwardAmount.Reason.COEFFICIENT,
}


def _decimal(parameters: dict[str, Any], name: str) -> Decimal:
    try:
        value = Decimal(str(parameters[name]))
    except (KeyError, ArithmeticError):
        raise ApplicationError(
            _("The event needs a decimal parameter %(name)s.") % {"name": repr(name)},
            code="event_parameter_invalid",
        ) from None
    if value <= 0:
        raise ApplicationError(
            _("The event parameter %(name)s must be positive.") % {"name": repr(name)},
            code="event_parameter_invalid",
        )
    return value


def _months(parameters: dict[str, Any], name: str) -> int:
    value = parameters.get(name)
    if not isinstance(value, int) or value <= 0:
        raise ApplicationError(
            _("The event needs a whole positive number of months %(name)s.") % {"name": repr(name)},
            code="event_parameter_invalid",
        )
    return value


@transaction.atomic
def event_create(
    *,
    kind: str,
    effective_date: date,
    benefit_types: list[str],
    selection: str,
    actor: Actor | None,
    percent: Decimal | None = None,
    parameters: dict[str, Any] | None = None,
    legal_ref: str = "",
    description: str = "",
) -> RecalculationEvent:
    """A validated event; refused when it overlaps one of the same kind, date and benefits."""
    parameters = parameters or {}
    if kind not in RecalculationEvent.Kind.values:
        raise ApplicationError(
            _("Unknown event kind %(kind)s.") % {"kind": repr(kind)}, code="event_kind_unknown"
        )
    if selection not in RecalculationEvent.Selection.values:
        raise ApplicationError(
            _("Unknown selection %(selection)s.") % {"selection": repr(selection)},
            code="event_selection_unknown",
        )
    unknown = sorted(set(benefit_types) - set(BenefitType.values))
    if not benefit_types or unknown:
        raise ApplicationError(
            _("The event needs benefit types among %(benefits)s.")
            % {"benefits": ", ".join(str(label) for label in BenefitType.labels)},
            code="event_benefit_types_invalid",
            extra={"unknown": unknown},
        )
    if kind == RecalculationEvent.Kind.INDEXATION:
        if percent is None or percent <= -100:
            raise ApplicationError(
                _(
                    "An indexation percent must be greater than -100 (a percent of -100 or less would make amounts zero or negative)."
                ),
                code="event_percent_invalid",
                extra={"percent": None if percent is None else str(percent)},
            )
    elif kind == RecalculationEvent.Kind.COEFFICIENT_CHANGE:
        _decimal(parameters, "from")
        _decimal(parameters, "to")
    elif _months(parameters, "to_months") <= _months(parameters, "from_months"):
        raise ApplicationError(
            _("A period extension must lengthen the period."), code="event_parameter_invalid"
        )
    # Lock the events of that kind and date so two overlapping definitions cannot both pass.
    same_day = list(
        RecalculationEvent.objects.select_for_update()
        .filter(kind=kind, effective_date=effective_date)
        .order_by("pk")
    )
    for other in same_day:
        shared = sorted(set(other.benefit_types) & set(benefit_types))
        if shared:
            raise ConflictError(
                _(
                    "Event #%(pk)s already does a %(kind)s from %(date)s for %(benefits)s; an award must not get it twice."
                )
                % {
                    "pk": other.pk,
                    "kind": other.get_kind_display(),
                    "date": display.day(effective_date),
                    "benefits": ", ".join(str(BenefitType(code).label) for code in shared),
                },
                code="event_overlaps",
                extra={"event": other.pk, "benefit_types": shared},
            )
    event = RecalculationEvent(
        kind=kind,
        effective_date=effective_date,
        percent=percent,
        benefit_types=sorted(benefit_types),
        selection=selection,
        parameters=parameters,
        legal_ref=legal_ref,
        description=description,
        created_by=actor,
    )
    event.full_clean()
    event.save()
    return event


def event_get(*, event_id: int) -> RecalculationEvent:
    event = RecalculationEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise NotFoundError(_("No such recalculation event."), code="event_not_found")
    return event


def event_awards(event: RecalculationEvent) -> QuerySet[Award]:
    """The awards the event is for (whether applied yet or not)."""
    day = event.effective_date
    ended_after_day = Q(end_date__isnull=True) | Q(end_date__gt=day)
    not_terminated = Q(terminated_on__isnull=True) | Q(terminated_on__gt=day)
    awards = Award.objects.filter(benefit__in=event.benefit_types, lump_sum=False)
    if event.selection == RecalculationEvent.Selection.ACTIVE_ON:
        awards = awards.filter(ended_after_day, not_terminated, start_date__lte=day)
    elif event.selection == RecalculationEvent.Selection.ASSIGNED_BEFORE:
        awards = awards.filter(ended_after_day, not_terminated, assigned_on__lt=day)
    else:
        # Pays a month on or after the event's month (the payment calendar, rules.paid_months).
        following = next_period(day)
        awards = awards.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=following),
            Q(terminated_on__isnull=True) | Q(terminated_on__gte=following),
        )
    if event.kind == RecalculationEvent.Kind.COEFFICIENT_CHANGE:
        # Awards whose right arose from the date were calculated with the new coefficient.
        awards = awards.filter(right_date__lt=day)
    if event.kind == RecalculationEvent.Kind.PERIOD_EXTENSION:
        awards = awards.filter(end_date__isnull=False)
    return awards


def _check_runnable(event: RecalculationEvent) -> None:
    if not Award.objects.filter(
        benefit__in=event.benefit_types, start_date__lte=event.effective_date
    ).exists():
        raise ApplicationError(
            _(
                "The event's date %(date)s is before every award of %(benefits)s: there is nothing it could apply to."
            )
            % {
                "date": display.day(event.effective_date),
                "benefits": ", ".join(event.benefit_labels),
            },
            code="event_before_awards",
        )
    _check_date_order(event)


# Events that change amounts build on the amount in force on their date: one applied after a
# later-dated one would leave that later amount without it.
AMOUNT_EVENTS = (RecalculationEvent.Kind.INDEXATION, RecalculationEvent.Kind.COEFFICIENT_CHANGE)


def _check_date_order(event: RecalculationEvent) -> None:
    """Refuse an amount event where a later-dated one already changed awards it has not."""
    if event.kind not in AMOUNT_EVENTS:
        return
    later = [
        other
        for other in RecalculationEvent.objects.filter(
            kind__in=AMOUNT_EVENTS, effective_date__gt=event.effective_date
        ).order_by("effective_date")
        if set(other.benefit_types) & set(event.benefit_types)
    ]
    done = EventApplication.objects.filter(event=event).values("award_id")
    for other in later:
        if EventApplication.objects.filter(event=other).exclude(award_id__in=done).exists():
            raise ConflictError(
                _(
                    "Events are applied in date order: %(other)s was already applied to awards this event has not reached, so the event from %(date)s can no longer be applied after it."
                )
                % {"other": other, "date": display.day(event.effective_date)},
                code="event_out_of_order",
                extra={"later_event": other.pk},
            )


def event_apply_start(
    *, event_id: int, actor: Actor | None, chunk_size: int | None = None
) -> BatchRun:
    """Apply the event to its awards as a batch run (one at a time per event)."""
    event = event_get(event_id=event_id)
    _check_runnable(event)
    if BatchRun.objects.filter(
        kind=EVENT_JOB_KIND, params={"event_id": event.pk}, status=BatchRun.Status.DONE
    ).exists():
        raise ConflictError(
            _("The event has already been applied; it is applied to an award only once."),
            code="event_already_applied",
            extra={"event": event.pk},
        )
    return batchrun_start(
        kind=EVENT_JOB_KIND, params={"event_id": event.pk}, actor=actor, chunk_size=chunk_size
    )


@dataclass(frozen=True)
class Proposal:
    """What applying the event would do to one award."""

    award_id: int
    benefit: str
    valid_from: date
    old_gross: Decimal | None = None
    old_net: Decimal | None = None
    new_gross: Decimal | None = None
    new_opv: Decimal | None = None
    new_net: Decimal | None = None
    old_end_date: date | None = None
    new_end_date: date | None = None

    @property
    def end_dates(self) -> tuple[date, date]:
        """The (old, new) end of a period extension's proposal, which has both."""
        assert self.old_end_date is not None
        assert self.new_end_date is not None
        return self.old_end_date, self.new_end_date

    @property
    def change(self) -> tuple[Decimal, Decimal]:
        """The (gross, net) change of a recalculation's proposal, which has both amounts."""
        assert self.old_gross is not None
        assert self.new_gross is not None
        assert self.old_net is not None
        assert self.new_net is not None
        return self.new_gross - self.old_gross, self.new_net - self.old_net


def _applied_same_kind_and_date(event: RecalculationEvent, award_ids: list[int]) -> set[int]:
    return set(
        EventApplication.objects.filter(
            award_id__in=award_ids,
            event__kind=event.kind,
            event__effective_date=event.effective_date,
        ).values_list("award_id", flat=True)
    )


def _amounts_on(award_days: dict[int, date]) -> dict[int, AwardAmount]:
    """Per award, the amount in force on its day (latest ``valid_from`` on or before; ties: id)."""
    found: dict[int, AwardAmount] = {}
    rows = AwardAmount.objects.filter(award_id__in=list(award_days)).order_by(
        "award_id", "valid_from", "id"
    )
    for amount in rows:
        if amount.valid_from <= award_days[amount.award_id]:
            found[amount.award_id] = amount
    return found


# The awards of one chunk the event is to change, private to the connection.
_CHUNK_TABLE = "event_chunk"


def _chunk_fill(event: RecalculationEvent, award_ids: list[int]) -> None:
    """The chunk's awards, less those that already have an event of its kind and date."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_CHUNK_TABLE} (award_id bigint PRIMARY KEY)"
        )
        cursor.execute(f"DELETE FROM {_CHUNK_TABLE}")
        if connection.vendor == "postgresql":
            # One statement for the chunk's ids; SQLite has no arrays and takes them one by one.
            cursor.execute(
                f"INSERT INTO {_CHUNK_TABLE} (award_id) SELECT unnest(%s::bigint[])",
                [list(award_ids)],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {_CHUNK_TABLE} (award_id) VALUES (%s)", [(pk,) for pk in award_ids]
            )
        cursor.execute(
            f"DELETE FROM {_CHUNK_TABLE} WHERE award_id IN (SELECT ea.award_id "
            "FROM payouts_eventapplication ea JOIN payouts_recalculationevent e "
            "ON e.id = ea.event_id WHERE e.kind = %s AND e.effective_date = %s)",
            [event.kind, connection.ops.adapt_datefield_value(event.effective_date)],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {_CHUNK_TABLE}")


def event_proposals(event: RecalculationEvent, award_ids: list[int]) -> list[Proposal]:
    """What applying the event would do to these awards (the dry run); writes nothing.

    The amounts come from the same statement the application runs (``amount_chain_steps``),
    into the connection's working tables only.
    """
    day = event.effective_date
    if event.kind == RecalculationEvent.Kind.PERIOD_EXTENSION:
        awards = (
            Award.objects.filter(pk__in=award_ids)
            .exclude(pk__in=_applied_same_kind_and_date(event, award_ids))
            .order_by("pk")
            .values("pk", "benefit", "end_date", "calculation")
        )
        return [
            Proposal(
                award_id=a["pk"],
                benefit=a["benefit"],
                valid_from=day,
                old_end_date=a["end_date"],
                new_end_date=rules.extended_end(
                    end_date=a["end_date"],
                    child_birth_date=_birth_date(a["calculation"]),
                    from_months=event.parameters["from_months"],
                    to_months=event.parameters["to_months"],
                ),
            )
            for a in awards
            if a["end_date"] is not None  # an extension moves an end the award has
        ]
    _chunk_fill(event, award_ids)
    amount_chain_steps(_CHUNK_TABLE, day=day, step=event_step(event))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT award_id, benefit, valid_from, old_gross, old_net, gross_tiyn, opv_tiyn "
            f"FROM {STEPS_TABLE} ORDER BY award_id"
        )
        rows = cursor.fetchall()
    return [
        Proposal(
            award_id=award_id,
            benefit=benefit,
            valid_from=as_date(valid_from),
            old_gross=_money(old_gross),
            old_net=_money(old_net),
            new_gross=_tiyn(gross),
            new_opv=_tiyn(opv),
            new_net=_tiyn(gross - opv),
        )
        for award_id, benefit, valid_from, old_gross, old_net, gross, opv in rows
    ]


def _money(value: Any) -> Decimal:
    # SQLite hands back its stored number: two places, as the column has.
    return Decimal(str(value)).quantize(TIYN)


def _tiyn(value: int) -> Decimal:
    return Decimal(int(value)).scaleb(-2)


def _birth_date(calculation: dict[str, Any]) -> date | None:
    text = (calculation or {}).get("child_birth_date")
    return date.fromisoformat(text) if text else None


def _comment(event: RecalculationEvent) -> str:
    return f"event #{event.pk}: {event.get_kind_display()} {event.effective_date.isoformat()}"


def event_apply_ids(
    event: RecalculationEvent, award_ids: list[int], *, run_id: int | None, actor_id: int | None
) -> int:
    """Apply to these awards (already selected) and settle them; the number of awards changed.

    The awards change through ``benefits``' services: a link in each amount chain (which
    re-derives any later amount) or a later end date. The months already paid are settled in
    the same transaction, so the chunk that changes an amount also pays its difference. Each
    step is a few statements over the chunk, whatever its size.
    """
    if not award_ids:
        return 0
    set_based_statements()
    if event.kind == RecalculationEvent.Kind.PERIOD_EXTENSION:
        proposals = event_proposals(event, award_ids)
        if not proposals:
            return 0
        award_end_dates_extend({p.award_id: p.end_dates[1] for p in proposals})
        EventApplication.objects.bulk_create(
            EventApplication(
                event=event,
                award_id=p.award_id,
                batch_run_id=run_id,
                valid_from=p.valid_from,
                old_end_date=p.old_end_date,
                new_end_date=p.new_end_date,
            )
            for p in proposals
        )
        changed = len(proposals)
    else:
        _chunk_fill(event, award_ids)
        changed = amount_chain_step(
            _CHUNK_TABLE,
            day=event.effective_date,
            event=event.pk,
            step=event_step(event),
            reason=_REASON[event.kind],
            comment=_comment(event),
            actor_id=actor_id,
        )
        if not changed:
            return 0
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO payouts_eventapplication (created_at, updated_at, event_id, "
                "award_id, batch_run_id, valid_from, old_gross, new_gross, new_opv, new_net) "
                f"SELECT %(now)s, %(now)s, %(event)s, s.award_id, %(run)s, s.valid_from, "
                f"s.old_gross, {money_sql('s.gross_tiyn')}, {money_sql('s.opv_tiyn')}, "
                f"{money_sql('s.gross_tiyn - s.opv_tiyn')} FROM {STEPS_TABLE} s "
                "ORDER BY s.award_id",
                {"now": now, "event": event.pk, "run": run_id},
            )
    settle_range(
        min(award_ids) - 1,
        max(award_ids),
        batch_run_id=run_id,
        cause=event_cause(event),
        where="AND EXISTS (SELECT 1 FROM payouts_eventapplication ea WHERE ea.award_id = a.id "
        "AND ea.event_id = %(event)s)",
        where_params={"event": event.pk},
    )
    return changed


def event_step(event: RecalculationEvent) -> dict[str, Any]:
    """The event's arithmetic as a link of an amount chain (``benefits.amounts.step_gross``)."""
    if event.kind == RecalculationEvent.Kind.INDEXATION:
        return {"percent": str(event.percent)}
    return {"from": str(event.parameters["from"]), "to": str(event.parameters["to"])}


class RecalculationEventJob:
    """The batch-job kind that applies one event, chunk by chunk of award ids."""

    chunk_size = 10_000

    def scope(self, params: dict[str, Any]) -> Scope:
        awards = event_awards(event_get(event_id=params["event_id"]))
        ids = awards.order_by("-pk").values_list("pk", flat=True)
        return Scope(total=awards.count(), upper_id=ids.first() or 0)

    def run_chunk(
        self, *, run_id: int, params: dict[str, Any], after_id: int, upper_id: int, limit: int
    ) -> ChunkOutcome:
        event = event_get(event_id=params["event_id"])
        ids = list(
            event_awards(event)
            .filter(pk__gt=after_id, pk__lte=upper_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return ChunkOutcome(last_id=upper_id, done=0, changed=0, skipped=0)
        actor_id = BatchRun.objects.values_list("started_by_id", flat=True).get(pk=run_id)
        changed = event_apply_ids(event, ids, run_id=run_id, actor_id=actor_id)
        return ChunkOutcome(
            last_id=ids[-1], done=len(ids), changed=changed, skipped=len(ids) - changed
        )

    def finish(self, *, run_id: int, params: dict[str, Any]) -> dict[str, Any]:
        applied = EventApplication.objects.filter(event_id=params["event_id"]).count()
        return {"event_id": params["event_id"], "awards_with_event": applied}


def event_dry_run(*, event_id: int, horizon: date) -> dict[str, Any]:
    """How many awards and how much money per month the event would change; writes nothing.

    Months run from the event's month to ``horizon`` (open-ended awards) or the award's last
    month. A month's change is new − old gross and net (amount events) or the amount now paid
    for the added months (period extension).
    """
    event = event_get(event_id=event_id)
    _check_runnable(event)
    awards = event_awards(event)
    ids = list(awards.order_by("pk").values_list("pk", flat=True))
    proposals: list[Proposal] = []
    for start in range(0, len(ids), RecalculationEventJob.chunk_size):
        proposals.extend(
            event_proposals(event, ids[start : start + RecalculationEventJob.chunk_size])
        )
    months = _per_month(event, proposals, horizon=month_start(horizon))
    return {
        "event_id": event.pk,
        "awards_selected": len(ids),
        "awards_changed": len(proposals),
        "already_applied": len(ids) - len(proposals),
        "months": months,
    }


def _per_month(
    event: RecalculationEvent, proposals: list[Proposal], *, horizon: date
) -> list[dict[str, Any]]:
    """Sum the monthly changes: each award adds its change from its first affected month and
    takes it away after its last, so the work is one pass over awards, not over award-months.
    """
    ends = dict(
        Award.objects.filter(pk__in=[p.award_id for p in proposals]).values_list("pk", "end_date")
    )
    extension = event.kind == RecalculationEvent.Kind.PERIOD_EXTENSION
    paid_now = (
        _amounts_on({p.award_id: p.old_end_date for p in proposals if p.old_end_date})
        if extension
        else {}
    )
    steps: dict[date, list[Any]] = {}

    def add(month: date, awards: int, gross: Decimal, net: Decimal) -> None:
        row = steps.setdefault(month, [0, Decimal("0.00"), Decimal("0.00")])
        row[0] += awards
        row[1] += gross
        row[2] += net

    for p in proposals:
        if extension:
            amount = paid_now.get(p.award_id)
            if amount is None:
                continue
            old_end, new_end = p.end_dates
            first, stop = month_start(old_end), month_start(new_end)
            gross, net = amount.gross, amount.net
        else:
            first = month_start(p.valid_from)
            end = ends[p.award_id]
            stop = (
                next_period(horizon) if end is None else min(month_start(end), next_period(horizon))
            )
            gross, net = p.change
        if first < stop:
            add(first, 1, gross, net)
            add(stop, -1, -gross, -net)
    months = []
    running = [0, Decimal("0.00"), Decimal("0.00")]
    for month in _months_from(min(steps, default=horizon), max(steps, default=horizon)):
        running = [r + d for r, d in zip(running, steps.get(month, (0, 0, 0)), strict=True)]
        if running[0]:
            months.append(
                {
                    "period": f"{month:%Y-%m}",
                    "awards": running[0],
                    "gross_change": str(running[1]),
                    "net_change": str(running[2]),
                }
            )
    return months


def _months_from(first: date, last: date) -> list[date]:
    months = []
    while first < last:
        months.append(first)
        first = next_period(first)
    return months

"""Settlement: every change that reaches back into months already paid becomes money.

For an award whose revision (``benefits``: every change of what it is due moves it) is newer
than the one its account last settled, each month up to its last regular payment is compared
with the entitlement as it stands now: what is due minus what was settled (the regular line,
plus top-ups found before, less overpayments found before) becomes an ``Underpayment`` (a
top-up the next run pays) or an ``Overpayment`` (recovered by deductions or repayment). The
rows are new, one per award, month and revision: settling twice adds nothing, and the ledger
is never updated. The account row, locked first, carries the balance and the revision
settled, so a run, a repayment and a settlement never move the same money at once.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from benefits.entitlement import AwardEntitlement
from benefits.models import AwardAmount, AwardDecision
from gfss.common.bulk import rows_insert, rows_update
from gfss.common.money import ZERO
from payouts.models import AwardAccount, Overpayment, Payment, Underpayment


@dataclass
class Settled:
    """What a settlement found: counts and net sums of top-ups and overpayments."""

    top_ups: int = 0
    top_up_net: Decimal = ZERO
    overpayments: int = 0
    overpaid_net: Decimal = ZERO

    def add(self, other: "Settled") -> None:
        self.top_ups += other.top_ups
        self.top_up_net += other.top_up_net
        self.overpayments += other.overpayments
        self.overpaid_net += other.overpaid_net


def accounts_lock(award_ids: list[int]) -> dict[int, AwardAccount]:
    """The accounts of these awards, opened where missing, locked in award order."""
    have = set(
        AwardAccount.objects.filter(award_id__in=award_ids).values_list("award_id", flat=True)
    )
    AwardAccount.objects.bulk_create(
        [AwardAccount(award_id=pk) for pk in award_ids if pk not in have], ignore_conflicts=True
    )
    return {
        account.award_id: account
        for account in AwardAccount.objects.select_for_update()
        .filter(award_id__in=award_ids)
        .order_by("award_id")
    }


def last_regular_paid(award_ids: list[int]) -> dict[int, date]:
    """Per award, the latest month a regular line paid."""
    return dict(
        Payment.objects.filter(award_id__in=award_ids, kind=Payment.Kind.REGULAR)
        .values("award_id")
        .annotate(last=Max("period"))
        .values_list("award_id", "last")
    )


def _change_reasons(award_ids: list[int]) -> dict[int, str]:
    """Per award, what its latest change was, in words for the ledger's reason column."""
    reasons: dict[int, tuple[object, str]] = {}
    for award_id, reason, comment, at in AwardAmount.objects.filter(
        award_id__in=award_ids
    ).values_list("award_id", "reason", "comment", "created_at"):
        if award_id not in reasons or at >= reasons[award_id][0]:
            label = AwardAmount.Reason(reason).label
            reasons[award_id] = (at, f"{label}: {comment}" if comment else str(label))
    for award_id, kind, effective, at in AwardDecision.objects.filter(
        award_id__in=award_ids,
        status=AwardDecision.Status.APPLIED,
        kind__in=[
            AwardDecision.Kind.SUSPEND,
            AwardDecision.Kind.RESUME,
            AwardDecision.Kind.TERMINATE,
        ],
    ).values_list("award_id", "kind", "effective_date", "updated_at"):
        if award_id not in reasons or at >= reasons[award_id][0]:
            label = AwardDecision.Kind(kind).label
            reasons[award_id] = (at, f"{label} {effective:%d.%m.%Y}")
    return {award_id: text for award_id, (_, text) in reasons.items()}


def _sums() -> list[Decimal]:
    return [ZERO, ZERO, ZERO]


def settle(
    award_ids: list[int],
    *,
    entitled: dict[int, AwardEntitlement],
    accounts: dict[int, AwardAccount],
    batch_run_id: int | None,
    reason: str = "",
) -> Settled:
    """Settle the awards whose revision is newer than their account's (accounts locked)."""
    todo = [pk for pk in award_ids if accounts[pk].settled_revision < entitled[pk].revision]
    if not todo:
        return Settled()
    through = last_regular_paid(todo)
    paid: dict[tuple[int, date], list[Decimal]] = defaultdict(_sums)
    regular: dict[tuple[int, date], int] = {}
    for award_id, period, pk, gross, opv, net in Payment.objects.filter(
        award_id__in=todo, kind=Payment.Kind.REGULAR
    ).values_list("award_id", "period", "id", "gross", "opv", "net"):
        regular[award_id, period] = pk
        row = paid[award_id, period]
        row[0], row[1], row[2] = row[0] + gross, row[1] + opv, row[2] + net
    for award_id, period, gross, opv, net in Underpayment.objects.filter(
        award_id__in=todo
    ).values_list("award_id", "period", "gross", "opv", "net"):
        row = paid[award_id, period]
        row[0], row[1], row[2] = row[0] + gross, row[1] + opv, row[2] + net
    for award_id, period, gross, opv, amount in Overpayment.objects.filter(
        award_id__in=todo
    ).values_list("award_id", "period", "gross", "opv", "amount"):
        row = paid[award_id, period]
        row[0], row[1], row[2] = row[0] - gross, row[1] - opv, row[2] - amount
    settled_months: dict[int, set[date]] = defaultdict(set)
    for award_id, period in paid:
        settled_months[award_id].add(period)
    reasons = _change_reasons(todo) if not reason else {}
    today = timezone.localdate()
    under: list[tuple] = []
    over: list[tuple] = []
    for award_id in todo:
        entitlement = entitled[award_id]
        revision = entitlement.revision
        last = through.get(award_id)
        periods = set(entitlement.months(through=last)) if last is not None else set()
        periods.update(settled_months[award_id])
        for period in sorted(periods):
            due = entitlement.due(period)
            gross, opv, net = paid.get((award_id, period), (ZERO, ZERO, ZERO))
            difference = due.net - net
            if difference > 0:
                under.append(
                    (award_id, period, due.gross - gross, due.opv - opv, difference, revision)
                )
            elif difference < 0:
                over.append(
                    (
                        award_id,
                        regular.get((award_id, period)),
                        period,
                        -difference,
                        gross - due.gross,
                        opv - due.opv,
                        net,
                        due.net,
                        revision,
                    )
                )
    rows_insert(
        Underpayment,
        ["award", "period", "gross", "opv", "net", "revision", "reason", "batch_run"],
        ((*row, (reason or reasons.get(row[0], ""))[:300], batch_run_id) for row in under),
    )
    rows_insert(
        Overpayment,
        [
            "award",
            "payment",
            "period",
            "amount",
            "gross",
            "opv",
            "paid_net",
            "entitled_net",
            "revision",
            "detected_from",
            "reason",
            "batch_run",
        ],
        ((*row, today, (reason or reasons.get(row[0], ""))[:300], batch_run_id) for row in over),
    )
    found = Settled()
    for award_id, _, _, _, net, _ in under:
        accounts[award_id].top_ups_pending += net
        found.top_ups += 1
        found.top_up_net += net
    for award_id, _, _, amount, *_ in over:
        accounts[award_id].balance += amount
        found.overpayments += 1
        found.overpaid_net += amount
    for award_id in todo:
        accounts[award_id].settled_revision = entitled[award_id].revision
    rows_update(
        AwardAccount,
        ["balance", "top_ups_pending", "settled_revision"],
        (
            (
                accounts[pk].pk,
                accounts[pk].balance,
                accounts[pk].top_ups_pending,
                accounts[pk].settled_revision,
            )
            for pk in todo
        ),
    )
    return found

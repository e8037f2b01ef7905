"""Reads: an award's months (due, paid, top-ups, recovered), balances, payment totals."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.entitlement import entitlements
from benefits.models import Award, BenefitType
from benefits.selectors import opv_rate_withheld
from gfss.common import display
from gfss.common.exceptions import NotFoundError
from gfss.common.money import ZERO
from gfss.common.periods import month_start
from gfss.legal.selectors import parameter_set
from gfss.org.access import Subject, reach, reads_everywhere
from gfss.org.actors import Reader
from payouts.models import (
    AwardAccount,
    Overpayment,
    Payment,
    PaymentRun,
    Recovery,
    Underpayment,
)


@dataclass(frozen=True)
class MonthRow:
    """One month of an award's account: due, paid, top-ups, recovered, overpaid."""

    period: date
    due: Decimal
    paid: Decimal
    top_up: Decimal
    top_up_pending: Decimal
    overpaid: Decimal
    recovered: Decimal
    # The entitlement's gross and OPV of the month: ``due`` is their difference, the net.
    due_gross: Decimal = ZERO
    due_opv: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        """Due less what was settled for the month: 0 once every change is settled."""
        return self.due - (self.paid + self.top_up + self.top_up_pending - self.overpaid)


def award_months(*, award_id: int, through: date | None = None) -> list[MonthRow]:
    """Month by month, what the award is due (the entitlement) and what moved for it.

    ``due`` is the net due (``due_gross`` less ``due_opv``); ``paid`` is the net of the
    regular line, ``top_up`` of the top-ups paid and ``top_up_pending`` of those found and not
    yet paid, ``overpaid`` of the overpayments found, ``recovered`` what the runs deducted in
    the month (repayments have no month).
    """
    return awards_months([award_id], through=through)[award_id]


def awards_months(
    award_ids: list[int], *, through: date | None = None
) -> dict[int, list[MonthRow]]:
    """``award_months`` of many awards at once, in a handful of queries whatever their number
    (``ledger_check`` reads every award this way)."""
    found = entitlements(award_ids)
    through = month_start(through or timezone.localdate())
    rows: dict[int, dict[date, dict[str, Decimal]]] = {award_id: {} for award_id in found}

    def add(award_id: int, period: date, column: str, amount: Decimal) -> None:
        row = rows[award_id].setdefault(period, {})
        row[column] = row.get(column, ZERO) + amount

    for award_id, kind, period, net, deduction, run_period in Payment.objects.filter(
        award_id__in=award_ids
    ).values_list("award_id", "kind", "period", "net", "deduction", "run__period"):
        add(award_id, period, "paid" if kind == Payment.Kind.REGULAR else "top_up", net)
        if deduction:
            add(award_id, run_period, "recovered", deduction)
    for award_id, period, net in Underpayment.objects.filter(
        award_id__in=award_ids, payment__isnull=True
    ).values_list("award_id", "period", "net"):
        add(award_id, period, "top_up_pending", net)
    for award_id, period, amount in Overpayment.objects.filter(award_id__in=award_ids).values_list(
        "award_id", "period", "amount"
    ):
        add(award_id, period, "overpaid", amount)
    out: dict[int, list[MonthRow]] = {}
    for award_id, entitlement in found.items():
        moved = rows[award_id]
        months = set(entitlement.months(through=through)) | set(moved)
        out[award_id] = []
        for period in sorted(months):
            due = entitlement.due(period) if period <= through else None
            out[award_id].append(
                MonthRow(
                    period=period,
                    due=due.net if due else ZERO,
                    due_gross=due.gross if due else ZERO,
                    due_opv=due.opv if due else ZERO,
                    paid=moved.get(period, {}).get("paid", ZERO),
                    top_up=moved.get(period, {}).get("top_up", ZERO),
                    top_up_pending=moved.get(period, {}).get("top_up_pending", ZERO),
                    overpaid=moved.get(period, {}).get("overpaid", ZERO),
                    recovered=moved.get(period, {}).get("recovered", ZERO),
                )
            )
    return out


def overpayment_balance(*, award_id: int) -> Decimal:
    """What is left to recover on the award (its account's balance)."""
    return (
        AwardAccount.objects.filter(award_id=award_id).values_list("balance", flat=True).first()
        or ZERO
    )


def award_balance(*, award_id: int) -> dict[str, Any]:
    """For the award's fragment: its months, its overpayments and recoveries, the balance."""
    return award_balances([award_id])[award_id]


def award_balances(award_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``award_balance`` of many awards in the same few queries (a person's card shows each of
    the person's awards)."""
    overpayments: dict[int, list[Overpayment]] = {award_id: [] for award_id in award_ids}
    for overpayment in Overpayment.objects.filter(award_id__in=award_ids).order_by("period", "id"):
        overpayments[overpayment.award_id].append(overpayment)
    recoveries: dict[int, list[Recovery]] = {award_id: [] for award_id in award_ids}
    for recovery in Recovery.objects.filter(award_id__in=award_ids).order_by("received_on", "id"):
        recoveries[recovery.award_id].append(recovery)
    accounts = {
        account.award_id: account for account in AwardAccount.objects.filter(award_id__in=award_ids)
    }
    months_of = awards_months(award_ids)
    percents = opv_percents(award_ids)
    balances = {}
    for award_id in award_ids:
        months, account = months_of[award_id], accounts.get(award_id)
        balances[award_id] = {
            "award_id": award_id,
            "months": months,
            "due": sum((m.due for m in months), ZERO),
            "paid": sum((m.paid + m.top_up for m in months), ZERO),
            "top_ups_pending": account.top_ups_pending if account else ZERO,
            "overpaid": sum((o.amount for o in overpayments[award_id]), ZERO),
            "recovered": sum((r.amount for r in recoveries[award_id]), ZERO),
            "balance": account.balance if account else ZERO,
            "opv_percent": percents.get(award_id),
            "overpayments": overpayments[award_id],
            "recoveries": recoveries[award_id],
        }
    return balances


def opv_percents(award_ids: list[int]) -> dict[int, Decimal | None]:
    """Per award, the OPV rate withheld from its payments in percent (as of its start), or
    None where the benefit withholds none: the pages head the OPV column with it."""
    params = parameter_set()
    out: dict[int, Decimal | None] = {}
    for award_id, benefit, start in Award.objects.filter(pk__in=award_ids).values_list(
        "pk", "benefit", "start_date"
    ):
        rate = opv_rate_withheld(benefit, on=start, params=params)
        out[award_id] = None if rate is None else rate * 100
    return out


def overpayment_list(*, user: Reader) -> QuerySet[AwardAccount]:
    """Awards with an overpayment left to recover that ``user`` may see, largest first."""
    accounts = reach(user, Subject.PAYMENT).apply(
        AwardAccount.objects.all(), branch="award__branch_id"
    )
    return (
        accounts.filter(balance__gt=0)
        .select_related("award__person", "award__branch")
        .order_by("-balance", "award_id")
    )


def payment_run_list(*, user: Reader) -> QuerySet[PaymentRun]:
    """Months with the totals their last completed run stored (nothing is summed here). The
    stored totals are the whole country's: only a reader of every region's payments sees them."""
    runs = PaymentRun.objects.order_by("-period")
    return runs if reads_everywhere(user, Subject.PAYMENT) else runs.none()


def payment_run_get(*, user: Reader, period: date) -> PaymentRun:
    run = payment_run_list(user=user).filter(period=month_start(period)).first()
    if run is None:
        raise NotFoundError(
            _("No payments were run for %(period)s.") % {"period": display.month(period)},
            code="payment_run_missing",
        )
    return run


def payment_totals(*, user: Reader, period: date) -> dict[str, list[dict[str, Any]]]:
    """The month's run by benefit and by region: lines, gross, OPV, net, deductions, payable;
    of the payments ``user`` may read."""
    payments = reach(user, Subject.PAYMENT).apply(
        Payment.objects.filter(run__period=month_start(period)), branch="award__branch_id"
    )
    sums = {
        "lines": Count("id"),
        "gross": Sum("gross", default=ZERO),
        "opv": Sum("opv", default=ZERO),
        "net": Sum("net", default=ZERO),
        "deduction": Sum("deduction", default=ZERO),
        "payable": Sum("payable", default=ZERO),
        "catch_up": Count("id", filter=Q(period__lt=month_start(period))),
    }
    # Rows of the sums above: plain dicts (the stubs see only the grouped field).
    by_benefit: list[dict[str, Any]] = [
        dict(row) for row in payments.values("benefit").annotate(**sums).order_by("benefit")
    ]
    for row in by_benefit:
        row["label"] = str(BenefitType(row["benefit"]).label)
    by_region: list[dict[str, Any]] = [
        dict(row)
        for row in payments.values(
            code=F("award__branch__region__code"), label=F("award__branch__region__name_ru")
        )
        .annotate(**sums)
        .order_by("code")
    ]
    total = payments.aggregate(**sums)
    total["label"] = ""
    return {"by_benefit": by_benefit, "by_region": by_region, "total": [total]}

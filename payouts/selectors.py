"""Reads: amounts in force for a month, entitlement, overpayment balances, payment totals."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from benefits.models import Award, AwardAmount, BenefitType
from gfss.common.exceptions import NotFoundError
from gfss.common.money import ZERO
from gfss.common.periods import month_start, next_period
from gfss.org.access import Subject, reach
from payouts import rules
from payouts.models import Overpayment, Payment, PaymentRun, Recovery


def amount_for_period(*, award_id: int, period: date) -> AwardAmount | None:
    """The amount a month pays: the row with the latest ``valid_from`` in or before the month."""
    return (
        AwardAmount.objects.filter(award_id=award_id, valid_from__lt=next_period(period))
        .order_by("-valid_from", "-id")
        .first()
    )


def entitled_net(*, award: Award, period: date) -> Decimal:
    """What the award is owed for a month as it stands now (0 outside its paid months).

    A termination ends the paid months like an end date (the e-case records ``terminated_on``
    as the first day without a right).
    """
    ends = [d for d in (award.end_date, award.terminated_on) if d is not None]
    first, last = rules.paid_months(
        start_date=award.start_date, end_date=min(ends) if ends else None, lump_sum=award.lump_sum
    )
    if award.lump_sum and award.terminated_on is not None and award.terminated_on <= first:
        return ZERO
    if period < first or (last is not None and period > last):
        return ZERO
    amount = amount_for_period(award_id=award.pk, period=period)
    return amount.net if amount is not None else ZERO


def _money(expression: Any) -> Any:
    return Coalesce(
        expression, Value(ZERO), output_field=DecimalField(max_digits=18, decimal_places=2)
    )


def overpayment_balances(*, award_ids: list[int]) -> dict[int, Decimal]:
    """Award id to the overpayment still to recover, for the awards that have one."""
    overpaid = dict(
        Overpayment.objects.filter(award_id__in=award_ids)
        .values("award_id")
        .annotate(total=Sum("amount"))
        .values_list("award_id", "total")
    )
    recovered = dict(
        Recovery.objects.filter(award_id__in=list(overpaid))
        .values("award_id")
        .annotate(total=Sum("amount"))
        .values_list("award_id", "total")
    )
    balances = {award: total - recovered.get(award, ZERO) for award, total in overpaid.items()}
    return {award: left for award, left in balances.items() if left > 0}


def overpayment_balance(*, award_id: int) -> Decimal:
    return overpayment_balances(award_ids=[award_id]).get(award_id, ZERO)


def award_balance(*, award_id: int) -> dict[str, Any]:
    """For the e-case page: overpaid, recovered, left, and the rows behind them."""
    overpayments = list(Overpayment.objects.filter(award_id=award_id).order_by("period", "id"))
    recoveries = list(Recovery.objects.filter(award_id=award_id).order_by("received_on", "id"))
    overpaid = sum((o.amount for o in overpayments), ZERO)
    recovered = sum((r.amount for r in recoveries), ZERO)
    return {
        "award_id": award_id,
        "overpaid": overpaid,
        "recovered": recovered,
        "balance": overpaid - recovered,
        "overpayments": overpayments,
        "recoveries": recoveries,
    }


def overpayment_list(*, user: Any) -> QuerySet[Award]:
    """Awards with an overpayment left to recover, largest first, as far as the user reads."""
    overpaid = (
        Overpayment.objects.filter(award=OuterRef("pk"))
        .values("award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    recovered = (
        Recovery.objects.filter(award=OuterRef("pk"))
        .values("award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    awards = reach(user, Subject.PAYMENT).apply(Award.objects.all(), branch="branch_id")
    return (
        awards.filter(overpayments__isnull=False)
        .distinct()
        .annotate(
            overpaid=_money(Subquery(overpaid)),
            recovered=_money(Subquery(recovered)),
        )
        .annotate(balance=Coalesce("overpaid", Value(ZERO)) - Coalesce("recovered", Value(ZERO)))
        .filter(balance__gt=0)
        .select_related("person", "branch")
        .order_by("-balance", "pk")
    )


def payment_run_list() -> QuerySet[PaymentRun]:
    return PaymentRun.objects.annotate(
        lines=Count("payments"), payable=Sum("payments__payable", default=ZERO)
    ).order_by("-period")


def payment_run_get(*, period: date) -> PaymentRun:
    run = PaymentRun.objects.filter(period=month_start(period)).first()
    if run is None:
        raise NotFoundError(f"No payments were run for {period:%Y-%m}.", code="payment_run_missing")
    return run


def payment_totals(*, period: date) -> dict[str, list[dict[str, Any]]]:
    """The month's run by benefit and by region: lines, gross, OPV, net, deductions, payable."""
    payments = Payment.objects.filter(run__period=month_start(period))
    sums = {
        "lines": Count("id"),
        "gross": Sum("gross", default=ZERO),
        "opv": Sum("opv", default=ZERO),
        "net": Sum("net", default=ZERO),
        "deduction": Sum("deduction", default=ZERO),
        "payable": Sum("payable", default=ZERO),
        "catch_up": Count("id", filter=Q(period__lt=month_start(period))),
    }
    by_benefit = list(payments.values("benefit").annotate(**sums).order_by("benefit"))
    for row in by_benefit:
        row["label"] = str(BenefitType(row["benefit"]).label)
    by_region = list(
        payments.values(
            code=F("award__branch__region__code"), label=F("award__branch__region__name_ru")
        )
        .annotate(**sums)
        .order_by("code")
    )
    total = payments.aggregate(**sums)
    total["label"] = ""
    return {"by_benefit": by_benefit, "by_region": by_region, "total": [total]}

"""On PostgreSQL the set-based statements must give exactly what the Python reference gives."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from benefits.models import Award, AwardAmount
from payouts.models import EventApplication, Payment, PaymentRun
from payouts.services.events import event_apply_ids, event_awards, event_create
from payouts.services.overpayments import overpayment_detect
from payouts.services.payments import payment_insert_ids

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's"
    ),
]


def _awards(make_award, benefit: str, n: int, **kwargs) -> list[Award]:
    rng = random.Random(7)
    # Amounts ending in .x5 and odd tiyn exercise the half-up rounding.
    return [
        make_award(
            benefit, gross=f"{rng.randint(20000, 400000)}.{rng.randint(0, 99):02d}", **kwargs
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("benefit", ["disability", "breadwinner", "job_loss"])
def test_indexation_sql_equals_python(make_award, benefit) -> None:
    # given: the same awards twice; one half goes through SQL, the other through Python
    awards = _awards(make_award, benefit, 40, start=date(2021, 3, 1))
    event = event_create(
        kind="indexation",
        effective_date=date(2022, 1, 1),
        percent=Decimal("8.5"),
        benefit_types=[benefit],
        selection="active_on",
        actor=None,
    )
    ids = [a.pk for a in awards]
    # when
    event_apply_ids(event, ids[::2], run_id=None, actor_id=None, set_based=True)
    event_apply_ids(event, ids[1::2], run_id=None, actor_id=None, set_based=False)
    # then: every new amount is the Python formula applied to the old one
    from payouts import rules

    rate = Decimal("0.10")
    for application in EventApplication.objects.all():
        gross = rules.indexed_gross(application.old_gross, percent=Decimal("8.5"))
        opv, net = rules.split_gross(gross, benefit=benefit, opv_rate=rate)
        assert (application.new_gross, application.new_opv, application.new_net) == (
            gross,
            opv,
            net,
        )
    assert AwardAmount.objects.filter(reason="indexation").count() == 40


def test_coefficient_sql_equals_python(make_award) -> None:
    awards = _awards(make_award, "job_loss", 30, start=date(2022, 11, 7), end=date(2023, 5, 7))
    event = event_create(
        kind="coefficient_change",
        effective_date=date(2023, 1, 1),
        benefit_types=["job_loss"],
        selection="paying_from",
        actor=None,
        parameters={"from": "0.40", "to": "0.45"},
    )
    ids = list(event_awards(event).values_list("pk", flat=True))
    assert len(ids) == len(awards)
    event_apply_ids(event, ids[::2], run_id=None, actor_id=None, set_based=True)
    event_apply_ids(event, ids[1::2], run_id=None, actor_id=None, set_based=False)
    from payouts import rules

    for application in EventApplication.objects.all():
        gross = rules.coefficient_gross(
            application.old_gross, old=Decimal("0.40"), new=Decimal("0.45")
        )
        assert application.new_gross == gross
        assert (
            application.new_opv
            == rules.split_gross(gross, benefit="job_loss", opv_rate=Decimal("0.10"))[0]
        )


def test_payment_sql_equals_python_with_catch_up_and_deductions(make_award) -> None:
    # given: twin awards, some with an overpayment to recover, paid from January
    twins = []
    for n in range(10):
        gross = f"{50000 + n * 1234}.{n:02d}"
        twins.append(
            [make_award("disability", start=date(2024, 1, 5), gross=gross) for _ in range(2)]
        )
    run = PaymentRun.objects.create(period=date(2024, 1, 1))
    all_ids = [a.pk for pair in twins for a in pair]
    payment_insert_ids(run, all_ids, set_based=False)
    for pair in twins[:5]:
        for award in pair:
            AwardAmount.objects.create(
                award=award,
                valid_from=date(2024, 1, 5),
                gross=Decimal("1000.00"),
                opv=Decimal("100.00"),
                net=Decimal("900.00"),
                reason="recalculation",
            )
            overpayment_detect(award_id=award.pk, from_date=date(2024, 1, 1))
            AwardAmount.objects.create(
                award=award,
                valid_from=date(2024, 2, 1),
                gross=Decimal("90000.00"),
                opv=Decimal("9000.00"),
                net=Decimal("81000.00"),
                reason="recalculation",
            )
    # when: April pays February to April for both twins, one by SQL, one by Python
    april = PaymentRun.objects.create(period=date(2024, 4, 1))
    payment_insert_ids(april, [pair[0].pk for pair in twins], set_based=True)
    payment_insert_ids(april, [pair[1].pk for pair in twins], set_based=False)

    # then
    def lines(award):
        return list(
            Payment.objects.filter(award=award, run=april)
            .order_by("period")
            .values_list("period", "gross", "opv", "net", "deduction", "payable")
        )

    for sql_award, python_award in twins:
        assert lines(sql_award) == lines(python_award)
        assert len(lines(sql_award)) == 3
    assert Payment.objects.filter(run=april, deduction__gt=0).count() > 0

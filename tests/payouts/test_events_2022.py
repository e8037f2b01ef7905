"""rules.md §5 on constructed awards: the 2022-2023 events, loaded as data and applied."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from benefits.entitlement import award_amount_in_force
from benefits.models import AwardAmount
from gfss.common.exceptions import ConflictError
from payouts.models import EventApplication, RecalculationEvent
from payouts.services.events import event_apply_start
from tests.payouts.conftest import run_to_end

pytestmark = pytest.mark.django_db


def _apply(kind: str, day: date) -> None:
    event = RecalculationEvent.objects.get(kind=kind, effective_date=day)
    run = run_to_end(event_apply_start(event_id=event.pk, actor=None))
    assert run.status == "done", run.error_report


def _apply_indexations() -> None:
    for event in RecalculationEvent.objects.filter(kind="indexation").order_by("effective_date"):
        run = run_to_end(event_apply_start(event_id=event.pk, actor=None))
        assert run.status == "done", run.error_report


def test_five_then_four_percent_gives_1_092_on_a_disability_award(make_award) -> None:
    # given
    award = make_award("disability", start=date(2021, 6, 1), gross="100000.00")
    call_command("events_load_2022")
    # when
    _apply("indexation", date(2022, 1, 1))
    _apply("indexation", date(2022, 4, 1))
    # then
    series = list(
        award.amounts.order_by("valid_from", "id").values_list(
            "valid_from", "gross", "opv", "net", "reason"
        )
    )
    assert series == [
        (
            date(2021, 6, 1),
            Decimal("100000.00"),
            Decimal("10000.00"),
            Decimal("90000.00"),
            "assignment",
        ),
        (
            date(2022, 1, 1),
            Decimal("105000.00"),
            Decimal("10500.00"),
            Decimal("94500.00"),
            "indexation",
        ),
        (
            date(2022, 4, 1),
            Decimal("109200.00"),
            Decimal("10920.00"),
            Decimal("98280.00"),
            "indexation",
        ),
    ]
    assert Decimal("109200.00") / Decimal("100000.00") == Decimal("1.092")


def test_breadwinner_is_indexed_without_opv(make_award) -> None:
    # given
    award = make_award("breadwinner", start=date(2021, 3, 15), gross="80000.01")
    call_command("events_load_2022")
    # when
    _apply("indexation", date(2022, 1, 1))
    # then: 80000.01 × 1.05 = 84000.0105 → 84000.01, nothing withheld
    amount = award_amount_in_force(award.pk, period=date(2022, 1, 1))
    assert (amount.gross, amount.opv, amount.net) == (
        Decimal("84000.01"),
        Decimal("0.00"),
        Decimal("84000.01"),
    )


def test_eight_and_a_half_percent_only_for_awards_assigned_before_2023(make_award) -> None:
    # given
    before = make_award("disability", start=date(2022, 12, 1), assigned_on=date(2022, 12, 20))
    after = make_award("disability", start=date(2022, 12, 1), assigned_on=date(2023, 1, 10))
    call_command("events_load_2022")
    # when
    _apply("indexation", date(2023, 1, 1))
    # then
    assert award_amount_in_force(before.pk, period=date(2023, 1, 1)).gross == Decimal("108500.00")
    assert award_amount_in_force(after.pk, period=date(2023, 1, 1)).gross == Decimal("100000.00")


def test_job_loss_paying_december_to_march_gets_0_45_from_january(make_award) -> None:
    # given: registered 2022-12-05, 4 months: paid December to March
    award = make_award("job_loss", start=date(2022, 12, 5), end=date(2023, 4, 5), gross="80000.00")
    ended = make_award("job_loss", start=date(2022, 9, 1), end=date(2022, 12, 1), gross="80000.00")
    call_command("events_load_2022")
    # when
    _apply("coefficient_change", date(2023, 1, 1))
    # then: 80000.00 × 0.45 / 0.40 = 90000.00 from January; December unchanged
    assert award_amount_in_force(award.pk, period=date(2022, 12, 1)).gross == Decimal("80000.00")
    january = award_amount_in_force(award.pk, period=date(2023, 1, 1))
    assert (january.gross, january.opv, january.net, january.reason) == (
        Decimal("90000.00"),
        Decimal("9000.00"),
        Decimal("81000.00"),
        AwardAmount.Reason.COEFFICIENT,
    )
    assert award_amount_in_force(award.pk, period=date(2023, 3, 1)).gross == Decimal("90000.00")
    assert not EventApplication.objects.filter(award=ended).exists()


def test_childcare_extends_to_one_and_a_half_years_unless_it_ended_in_2022(make_award) -> None:
    # given: born 2022-05-10, paid to the first birthday; another born 2021-11-20 ended in 2022
    paying = make_award(
        "childcare", start=date(2022, 5, 10), end=date(2023, 5, 10), gross="50000.00"
    )
    ended = make_award(
        "childcare", start=date(2021, 11, 20), end=date(2022, 11, 20), gross="50000.00"
    )
    call_command("events_load_2022")
    # when
    _apply("period_extension", date(2023, 1, 1))
    # then
    paying.refresh_from_db()
    ended.refresh_from_db()
    assert paying.end_date == date(2023, 11, 10)
    assert ended.end_date == date(2022, 11, 20)
    application = EventApplication.objects.get(award=paying)
    assert (application.old_end_date, application.new_end_date) == (
        date(2023, 5, 10),
        date(2023, 11, 10),
    )
    assert paying.amounts.count() == 1  # the amount series is untouched


def test_all_events_twice_apply_each_once(make_award) -> None:
    # given
    awards = [make_award("disability", start=date(2021, 1, 1)) for _ in range(3)]
    call_command("events_load_2022")
    call_command("events_load_2022")  # loading twice defines nothing new
    assert RecalculationEvent.objects.count() == 5
    # when
    _apply_indexations()
    # then: three indexations per award, once each; applying again is refused
    with pytest.raises(ConflictError):
        _apply_indexations()
    for award in awards:
        reasons = list(award.amounts.values_list("reason", flat=True))
        assert reasons.count("indexation") == 3
    assert award_amount_in_force(award_id=awards[0].pk, period=date(2023, 1, 1)).gross == Decimal(
        "118482.00"
    )

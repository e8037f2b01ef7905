"""The indicators from the data: coverage and income, receipts, benefits, services."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits.models import BenefitType
from benefits.services.applications import application_assign, application_take
from benefits.services.awards import award_create
from gfss.org.models import Region, Role
from reporting.filters import ReportFilters
from reporting.indicators.benefits import (
    benefit_figures,
    childcare_topups,
    disability_by_degree,
    job_loss_by_months,
)
from reporting.indicators.coverage import coverage_get
from reporting.indicators.receipts import receipts_by_month
from reporting.indicators.services import service_figures
from reporting.models import EmployedPopulation
from reporting.summaries import summaries_refresh
from tests.benefits.cases import case_received, contributions_paid, documents_for, insured_person
from tests.contributions.documents import document, line_for, load
from tests.factories import PayerFactory, PersonFactory, branch

pytestmark = pytest.mark.django_db


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def test_coverage_counts_participants_by_region_and_sex_with_income_from_the_rate() -> None:
    # given: in 2024 (rate 3.5 %, MZP 85,000, cap 7 MZP) a woman in Almaty paid for two months
    # by two payers, a man in Astana paid for one month far above the cap
    woman = PersonFactory(sex="F", birth_date=date(1990, 5, 1))
    man = PersonFactory(sex="M", birth_date=date(1980, 5, 1), region=_region("71"))
    first, second = PayerFactory(), PayerFactory()
    load(
        document(
            payer_idn=first.idn,
            lines=[
                line_for(woman, "3500.00", date(2024, 3, 1)),
                line_for(woman, "3500.00", date(2024, 4, 1)),
                line_for(man, "35000.00", date(2024, 3, 1)),
            ],
            value_date=date(2024, 4, 20),
        )
    )
    load(
        document(
            payer_idn=second.idn,
            lines=[line_for(woman, "1750.00", date(2024, 4, 1))],
            value_date=date(2024, 5, 20),
        )
    )
    EmployedPopulation.objects.create(year=2024, region=_region("75"), persons=4)
    EmployedPopulation.objects.create(year=2024, region=_region("71"), persons=4)

    # when the summaries are rebuilt
    summaries_refresh(trigger="command")
    coverage = coverage_get(ReportFilters(year=2024))

    # then: 100,000 and 150,000 a month for her; 595,000 (the cap) for him
    assert coverage.total["persons"] == 2
    assert (coverage.total["men"], coverage.total["women"]) == (1, 1)
    assert coverage.total["coverage"] == Decimal(25)
    by_code = {row["code"]: row for row in coverage.by_region}
    assert by_code["75"]["income"] == Decimal(125_000)
    assert by_code["75"]["months"] == 2
    assert by_code["71"]["income"] == Decimal(595_000)
    assert by_code["71"]["age"] == 2024 - 1980
    assert coverage.total["low_income"] == 0
    bands = [row["persons"] for row in coverage.bands]
    assert bands == [0, 0, 1, 0, 0, 1]  # 120,000-200,000 and 500,000 or more
    # a year without contributions has no participants
    assert coverage_get(ReportFilters(year=2023)).total["persons"] == 0
    # and a region filter keeps its own participants only
    assert coverage_get(ReportFilters(year=2024, region=_region("71"))).total["persons"] == 1


def test_receipts_add_up_by_month_and_knp() -> None:
    person, payer = PersonFactory(), PayerFactory()
    load(
        document(
            payer_idn=payer.idn,
            lines=[line_for(person, "5000.00", date(2024, 1, 1))],
            value_date=date(2024, 2, 20),
        )
    )
    load(
        document(
            payer_idn=payer.idn,
            knp="017",
            lines=[line_for(person, "120.50", date(2024, 1, 1))],
            value_date=date(2024, 2, 26),
        )
    )
    summaries_refresh(trigger="command")
    rows = {row["period"]: row for row in receipts_by_month(ReportFilters(year=2024))}
    february = rows[date(2024, 2, 1)]
    assert february["contributions"] == Decimal("5000.00")
    assert february["penalties"] == Decimal("120.50")
    assert february["received"] == Decimal("5120.50")
    assert rows[date(2024, 3, 1)]["received"] == 0
    assert receipts_by_month(ReportFilters(year=2023)) == []


def _award(benefit: str, *, gross: str, income: str, stazh: int, born: date, **dates: date):
    person = PersonFactory(birth_date=born, sex="F")
    start = dates.get("start", date(2024, 3, 1))
    return award_create(
        person=person,
        benefit=benefit,
        branch=branch(dates.get("region", "75")),  # type: ignore[arg-type]
        right_date=start,
        assigned_on=dates.get("assigned_on", start),
        start_date=start,
        end_date=dates.get("end"),
        gross=Decimal(gross),
        opv=Decimal(gross) / 10,
        actor=None,
        calculation={"avg_monthly_income": income, "stazh_months": stazh},
    )


def test_benefit_figures_average_the_new_awards_and_count_recipients_in_payment() -> None:
    # given: two childcare awards of 2024 and a disability award of 2020 still paying in 2024
    _award("childcare", gross="30000.00", income="50000", stazh=10, born=date(1994, 6, 1))
    _award("childcare", gross="50000.00", income="125000", stazh=30, born=date(1990, 1, 1))
    _award(
        "disability",
        gross="40000.00",
        income="90000",
        stazh=100,
        born=date(1970, 1, 1),
        start=date(2020, 5, 1),
    )
    # an award that ended in 2023 is no recipient of 2024
    _award(
        "disability",
        gross="40000.00",
        income="90000",
        stazh=100,
        born=date(1970, 1, 1),
        start=date(2020, 5, 1),
        end=date(2023, 6, 1),
    )

    summaries_refresh(trigger="command")
    figures = benefit_figures(ReportFilters(year=2024))

    childcare = figures.by_group["childcare"]
    assert childcare["new"] == 2
    assert childcare["recipients"] == 2
    assert childcare["average_award"] == Decimal(40_000)
    assert childcare["average_income"] == Decimal("87500")
    assert childcare["average_stazh"] == 20
    # ages at the date of the right (2024-03-01): 29 and 34
    assert childcare["average_age"] == Decimal("31.5")
    disability = figures.by_group["disability"]
    assert (disability["new"], disability["recipients"]) == (0, 1)
    assert figures.total["recipients"] == 3
    # the childcare award of 30,000 on an income of 50,000 (40 % = 20,000) is topped up by 10,000
    topups = childcare_topups(ReportFilters(year=2024))
    assert (topups["awards"], topups["topped_up"]) == (2, 1)
    assert topups["monthly_topup"] == Decimal("10000.00")


def test_decisions_count_on_time_against_the_case_deadline(make_staff) -> None:
    specialist = make_staff(Role.SPECIALIST)
    # a case received in 2025 and decided today is late; one received today is on time
    old = insured_person()
    contributions_paid(old)
    late = case_received(old)
    today = timezone.localdate()
    fresh = insured_person()
    contributions_paid(fresh, before=today)
    on_time = case_received(fresh, received_on=today, right_date=today)
    for case in (late, on_time):
        application_take(actor=specialist, application_id=case.pk)
        application_assign(actor=specialist, application_id=case.pk)

    then = service_figures(ReportFilters(year=2025))["total"]
    assert then["decided"] == 1
    assert then["decided_on_time_share"] == 0
    now = service_figures(ReportFilters(year=today.year))["total"]
    assert now["decided_on_time"] == 1
    assert now["decided_on_time_share"] == 100
    assert now["electronic_share"] == 0  # through the State Corporation


def test_the_structures_count_new_awards_by_degree_and_by_region_from_the_summary(
    make_staff, django_assert_num_queries
) -> None:
    # given: disability awards assigned this year at degrees 0.35, 0.65 and 0.90 in Almaty and
    # one at 0.65 in Astana
    specialist = make_staff(Role.SPECIALIST)
    astana = make_staff(Role.SPECIALIST, region="71")
    for degree, region, actor in (
        ("0.35", "75", specialist),
        ("0.65", "75", specialist),
        ("0.90", "75", specialist),
        ("0.65", "71", astana),
    ):
        person = insured_person(region=_region(region))
        documents = documents_for(BenefitType.DISABILITY)
        documents["medical_expertise"]["degree"] = Decimal(degree)
        case = case_received(person, benefit=BenefitType.DISABILITY, documents=documents)
        application_take(actor=actor, application_id=case.pk)
        application_assign(actor=actor, application_id=case.pk)
    summaries_refresh(trigger="command")
    year = timezone.localdate().year
    # when
    with django_assert_num_queries(1):
        everywhere = disability_by_degree(ReportFilters(year=year))
    almaty = disability_by_degree(ReportFilters(year=year, region=_region("75")))
    # then
    assert [(r["band"], r["awards"]) for r in everywhere] == [
        ("30–59 %", 1),
        ("60–79 %", 2),
        ("80–100 %", 1),
    ]
    assert [r["awards"] for r in almaty] == [1, 1, 1]
    assert everywhere[1]["share"] == 50
    assert disability_by_degree(ReportFilters(year=year - 1)) == []
    assert job_loss_by_months(ReportFilters(year=year)) == []

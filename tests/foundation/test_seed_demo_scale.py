"""seed_demo --scale: the national proportions, set-based on PostgreSQL."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from benefits.models import Award
from contributions.models import ContributionLine, PaymentDocument
from participants.models import Person
from participants.validators import validate_iin
from payouts.models import Payment
from reporting.models import SummaryRefresh

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
def test_scale_needs_postgresql() -> None:
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_demo", "--scale", "0.001", stdout=StringIO())
    assert not Person.objects.exists()


@pytest.mark.parametrize("value", ["0", "1.5", "abc"])
def test_a_scale_outside_0_to_1_is_refused(value: str) -> None:
    with pytest.raises(CommandError, match="fraction"):
        call_command("seed_demo", "--scale", value, stdout=StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="set-based on PostgreSQL")
def test_a_small_scale_has_the_national_proportions() -> None:
    # when: 1/2000 of national scale
    call_command("seed_demo", "--scale", "0.0005", stdout=StringIO())
    # then
    assert Person.objects.count() == 3375
    validate_iin(Person.objects.order_by("?").first().iin)
    lines = ContributionLine.objects.count()
    assert 3375 * 0.6 * 30 < lines < 3375 * 36
    document = PaymentDocument.objects.order_by("id").first()
    assert document.lines.count() == document.lines_accepted
    by_benefit = Counter(Award.objects.values_list("benefit", flat=True))
    assert sum(by_benefit.values()) == pytest.approx(600, abs=10)
    # childcare is more than half the recipients, loss of job about a tenth (domain.md, 2022)
    assert by_benefit["childcare"] / 600 == pytest.approx(0.55, abs=0.03)
    assert by_benefit["job_loss"] / 600 == pytest.approx(0.095, abs=0.02)
    assert Award.objects.filter(benefit="maternity", person__sex="M").count() == 0
    assert Payment.objects.filter(award__benefit="maternity").count() == by_benefit["maternity"]
    assert SummaryRefresh.objects.exists()
    # the same database twice is refused, not doubled
    with pytest.raises(CommandError, match="empty database"):
        call_command("seed_demo", "--scale", "0.0005", stdout=StringIO())

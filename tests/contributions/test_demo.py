from datetime import date

import pytest

from contributions.demo import demo_contributions_generate
from contributions.models import ContributionLine, PaymentDocument, QuarantinedLine, ReceivedFile
from participants.demo import population_generate

pytestmark = pytest.mark.django_db


def test_demo_history_goes_through_the_importer_and_runs_twice_the_same():
    # given a small generated population
    population_generate(participants=400, seed=7, today=date(2025, 3, 20))
    # when 12 months of contributions are generated
    summary = demo_contributions_generate(seed=7, today=date(2025, 3, 20), months=12)
    # then documents were imported as received files, with lines and some quarantined lines
    assert summary.documents == PaymentDocument.objects.count() > 0
    assert ReceivedFile.objects.filter(source=ReceivedFile.Source.DEMO).count() == summary.documents
    # and a duplicate and two rejected files for the received files list, which loaded nothing
    refused = ReceivedFile.objects.exclude(source=ReceivedFile.Source.DEMO)
    assert sorted(refused.values_list("outcome", flat=True)) == [
        "duplicate",
        "rejected",
        "rejected",
    ]
    assert summary.lines_accepted == ContributionLine.objects.count() > 0
    assert summary.lines_rejected == QuarantinedLine.objects.count()
    months_per_person = ContributionLine.objects.values("person_id", "period").distinct().count()
    persons = ContributionLine.objects.values("person_id").distinct().count()
    assert 7 <= months_per_person / persons <= 11  # about 9 months a year

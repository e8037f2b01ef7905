"""The payer card: its documents, penalties, monitoring line and refunds, in its branch only."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from gfss.common.periods import add_months
from gfss.org.models import Region
from reporting.indicators.payers import latest_due_month
from reporting.models import PayerMonthSummary
from tests.benefits.cases import contributions_paid
from tests.factories import PayerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_payer_card_lists_its_documents(specialist):
    payer = PayerFactory(name="ТОО «Жетісу Агро»")
    person = PersonFactory()
    contributions_paid(person, months=2, amount=Decimal("7300.00"), payer_idn=payer.idn)
    client = Client()
    client.force_login(specialist)
    page = client.get(f"/ru/payers/{payer.idn}/").content.decode()
    assert "ТОО «Жетісу Агро»" in page
    documents = page.split('id="payer-documents"')[1].split("</table>")[0]
    assert "14\u00a0600,00" in documents
    assert 'id="payer-monitoring"' in page
    assert 'id="payer-refunds"' in page
    # the document list links back to the card
    listing = client.get("/ru/contributions/documents/").content.decode()
    assert f"/ru/payers/{payer.idn}/" in listing


def test_a_payer_of_another_region_is_not_found(specialist):
    payer = PayerFactory(region=Region.objects.get(code="71"))
    client = Client()
    client.force_login(specialist)
    assert client.get(f"/ru/payers/{payer.idn}/").status_code == 404


def test_the_payer_card_marks_the_month_its_payer_fell_by_half(specialist):
    payer = PayerFactory(name="ТОО «Алатау Құрылыс»")
    last = latest_due_month(timezone.localdate())
    PayerMonthSummary.objects.create(payer=payer, period=last, persons=20, previous=120)
    PayerMonthSummary.objects.create(
        payer=payer, period=add_months(last, -1), persons=120, previous=118
    )
    client = Client()
    client.force_login(specialist)
    page = client.get(f"/ru/payers/{payer.idn}/").content.decode()
    line = page.split('id="payer-monitoring"')[1].split("</table>")[0]
    assert line.count("упало вдвое") == 1, line

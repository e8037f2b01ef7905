"""The payer card: its documents, penalties, monitoring line and refunds, in its branch only."""

from decimal import Decimal

import pytest
from django.test import Client

from gfss.org.models import Region
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

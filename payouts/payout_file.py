"""The payout file for the State Corporation: an MT-102 document of one benefit's payments.

The fund is the payer; the State Corporation "Government for Citizens" receives the money and
pays each person; the KNP names the benefit (docs/mt102.md).
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings

from contributions.mt102.build import build_document
from payouts.models import Payment

# [D] The fund's own account details are not in the spec: they come from settings in a real
# installation (GFSS_PAYOUT_ACCOUNT); these defaults only make demo files well-formed.
DEFAULT_FUND = {
    "idn": "970740001013",
    "name": 'АО "ГОСУДАРСТВЕННЫЙ ФОНД СОЦИАЛЬНОГО СТРАХОВАНИЯ"',
    "account": "KZ71009SS00368609111",
    "bic": "NBRKKZKX",
}


def payout_document(
    *, reference: str, knp: str, period: date, payments: Iterable[Payment]
) -> tuple[bytes, int, Decimal]:
    """The document's bytes, its number of lines and its total (the sum of what is payable)."""
    fund = {**DEFAULT_FUND, **getattr(settings, "GFSS_PAYOUT_ACCOUNT", {})}
    lines = []
    total = Decimal("0.00")
    for payment in payments:
        person = payment.award.person
        lines.append(
            {
                "iin": person.iin,
                "surname": person.surname or "-",
                "first_name": person.first_name or "-",
                "patronymic": person.patronymic,
                "birth_date": person.birth_date,
                "amount": payment.payable,
                "period": payment.period,
            }
        )
        total += payment.payable
    content = build_document(
        reference=reference,
        payer_idn=fund["idn"],
        payer_name=fund["name"],
        payer_account=fund["account"],
        payer_bank_bic=fund["bic"],
        knp=knp,
        value_date=period,
        default_period=period,
        assign_text=f"СОЦИАЛЬНЫЕ ВЫПЛАТЫ ЗА {period:%m%Y} КНП {knp}",
        list_type="S",
        lines=lines,
    )
    return content, len(lines), total

"""Demo refund applications for `make run`, through the real services, in every state: checked
(a part overdue), decided (waiting for the second officer), approved (waiting for the payout
order), refused (one by the Art. 247 check), in a payout order sent to the State Corporation,
paid by the bank's report, and one the same report returned, reopened.

The reasons follow the 2022 annual report's chart; its text gives no shares, so the weights
below are a recorded decision [D] until the fund's figures replace them; the demo's
applications follow them exactly (``reason_allocation``). A duplicate payment
is made real: the payer's order is imported a second time under a new reference.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from benefits.models import Award
from benefits.selectors import award_counted_windows
from contributions.models import ContributionLine, PaymentDocument, ReceivedFile
from contributions.mt102.build import build_document
from contributions.services import mt102_import
from gfss.api.permissions import Scope
from gfss.org.actors import PartnerUser, StaffUser
from gfss.org.models import PartnerClient
from gfss.org.services import partner_client_create
from refunds.bank_report import COLUMNS
from refunds.models import PayoutOrder, Reason, RefundApplication
from refunds.services import (
    Applicant,
    LineRequest,
    refund_application_create,
    refund_bank_report_apply,
    refund_confirm,
    refund_decide,
    refund_payout_orders_build,
)

REASON_WEIGHTS = {  # [D] shares of the applications by reason
    Reason.NOT_CONTRIBUTIONS: 30,
    Reason.DUPLICATE_PAYMENT: 25,
    Reason.WRONG_PERIOD: 20,
    Reason.WRONG_KNP: 10,
    Reason.NOT_SELF_EMPLOYED: 5,
    Reason.OTHER: 10,
}
STATE_CORPORATION = "Gov4c"
MAKER, CHECKER = "refunds", "refunds2"


@dataclass(frozen=True)
class DemoRefunds:
    applications: int
    by_status: dict[str, int]


def reason_allocation(count: int) -> list[str]:
    """``count`` reasons in the shares of ``REASON_WEIGHTS``, to the application (largest
    remainder), so that a small demo keeps the proportions."""
    total = sum(REASON_WEIGHTS.values())
    exact = {reason: count * weight / total for reason, weight in REASON_WEIGHTS.items()}
    shares = {reason: int(value) for reason, value in exact.items()}
    by_remainder = sorted(exact, key=lambda reason: exact[reason] - shares[reason], reverse=True)
    for reason in by_remainder[: count - sum(shares.values())]:
        shares[reason] += 1
    return [reason for reason, n in shares.items() for _ in range(n)]


def bank_report_sample(order: PayoutOrder, *, on: date, returned_first: bool = False) -> bytes:
    """The bank's report of ``order`` as a bank would send it (README): every line paid, or
    the first application's lines returned."""
    lines = list(order.order_lines.select_related("refund_line").order_by("line_no"))
    first = lines[0].refund_line.application_id if lines else None
    rows = [";".join(COLUMNS)]
    for line in lines:
        returned = returned_first and line.refund_line.application_id == first
        rows.append(
            ";".join(
                [
                    order.reference,
                    str(line.line_no),
                    line.iin,
                    f"{line.period:%m%Y}",
                    f"{line.amount:.2f}".replace(".", ","),
                    "returned" if returned else "paid",
                    on.isoformat(),
                    "СЧЕТ ПОЛУЧАТЕЛЯ ЗАКРЫТ" if returned else "",
                ]
            )
        )
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def _partner_user() -> PartnerUser:
    client = PartnerClient.objects.filter(name=STATE_CORPORATION).first()
    if client is None:
        client = partner_client_create(name=STATE_CORPORATION, scopes=[Scope.REFUNDS]).client
    return client.user


def _duplicate(line: ContributionLine, *, number: int, today: date) -> ContributionLine:
    """The same payment again: the payer's bank sent the order twice."""
    person = line.person
    data = build_document(
        reference=f"DUP{number:06d}",
        payer_idn=line.payer.idn,
        payer_name=line.payer.name[:60] or "-",
        knp="012",
        value_date=line.value_date + timedelta(days=1),
        lines=[
            {
                "iin": person.iin,
                "surname": person.surname or "-",
                "first_name": person.first_name or "-",
                "birth_date": person.birth_date,
                "amount": line.amount,
                "period": line.period,
            }
        ],
    )
    mt102_import(
        data=data,
        filename=f"dup-{number}.mt102",
        actor=None,
        source=ReceivedFile.Source.DEMO,
        today=today,
    )
    document = PaymentDocument.objects.get(reference=f"DUP{number:06d}", payer=line.payer)
    return ContributionLine.objects.select_related("person", "payer", "document").get(
        document=document
    )


def _apply(
    *, partner: PartnerUser, number: int, lines: list[ContributionLine], reason: str, received: date
) -> RefundApplication:
    first = lines[0]
    assert first.document is not None  # lines of a document only
    application, _ = refund_application_create(
        actor=partner,
        source=RefundApplication.Source.STATE_CORPORATION,
        request_number=f"GK-DEMO-{number:06d}",
        payer_idn=first.payer.idn,
        document_uuid=first.document.uuid,
        reason=reason,
        applicant=Applicant(
            name=first.payer.name[:200] or first.payer.idn,
            idn=first.payer.idn,
            bank_bic="CASPKZKA",
            bank_account="KZ18722S000012345678",
        ),
        lines=[
            LineRequest(iin=line.person.iin, period=line.period, amount=line.amount)
            for line in lines
        ],
        document_refs=[f"№ {number} {received:%d.%m.%Y}"],
        today=received,
    )
    return application


def _decide(application: RefundApplication, *, maker: StaffUser) -> None:
    """Approve what the check passed, in part if some lines failed; refuse if none passed."""
    lines = list(application.lines.order_by("line_no"))
    passed = [line for line in lines if line.check_passed]
    if not passed:
        refund_decide(
            actor=maker,
            application_id=application.pk,
            decision="refuse",
            refusal_code=lines[0].check_code,
        )
    elif len(passed) == len(lines):
        refund_decide(actor=maker, application_id=application.pk, decision="approve")
    else:
        refund_decide(
            actor=maker,
            application_id=application.pk,
            decision="approve_part",
            line_amounts={line.line_no: line.amount for line in passed},
        )


def _counted_line() -> ContributionLine | None:
    """A contribution a demo award counted, for the refusal by the Art. 247 check."""
    awards = Award.objects.filter(application__isnull=False).select_related("application")[:50]
    windows = award_counted_windows(
        person_ids=[a.application.insured_person_id for a in awards if a.application is not None]
    )
    for person_id, counted in windows.items():
        for window in counted:
            lines = ContributionLine.objects.filter(
                person_id=person_id,
                period__gte=window.first,
                period__lt=window.end,
                kind=ContributionLine.Kind.CONTRIBUTION,
                reverses__isnull=True,
                reversal__isnull=True,
            ).select_related("person", "payer", "document")
            for line in lines.order_by("id")[:5]:
                if window.counts(period=line.period, value_date=line.value_date):
                    return line
    return None


def _by_status() -> dict[str, int]:
    return dict(Counter(RefundApplication.objects.values_list("status", flat=True)))


def demo_refunds_generate(*, seed: int, today: date, count: int = 48) -> DemoRefunds:
    """``count`` applications over the demo ledger, and the Art. 247 refusal. Not one
    transaction: the payout order is a durable step of its own, as in production."""
    rng = random.Random(seed)
    users = get_user_model().objects
    maker, checker = users.get(username=MAKER), users.get(username=CHECKER)
    partner = _partner_user()
    counted = _counted_line()
    lines_paid = ContributionLine.objects.filter(
        reverses__isnull=True,
        reversal__isnull=True,
        document__isnull=False,
        kind=ContributionLine.Kind.CONTRIBUTION,
        value_date__lt=today - timedelta(days=40),
    )
    if counted is not None:
        lines_paid = lines_paid.exclude(pk=counted.pk)
    candidates = list(
        lines_paid.select_related("person", "payer", "document").order_by("id")[: count * 30]
    )
    if not candidates:
        return DemoRefunds(applications=0, by_status={})
    rng.shuffle(candidates)
    reasons = reason_allocation(count)
    rng.shuffle(reasons)
    used: set[int] = set()
    applications = []
    for number, reason in enumerate(reasons, start=1):
        line = next(c for c in candidates if c.pk not in used)
        lines = [c for c in candidates if c.document_id == line.document_id and c.pk not in used]
        lines = lines[: rng.choice([1, 1, 2, 3])]
        used.update(c.pk for c in lines)
        if reason == Reason.DUPLICATE_PAYMENT:
            lines = [_duplicate(lines[0], number=number, today=today)]
        # Every third application arrived two weeks ago: its stage is overdue.
        received = today - timedelta(days=14) if number % 3 == 0 else today
        applications.append(
            _apply(partner=partner, number=number, lines=lines, reason=reason, received=received)
        )
    if counted is not None:
        refused = _apply(
            partner=partner, number=count + 1, lines=[counted], reason=Reason.OTHER, received=today
        )
        refund_decide(
            actor=maker,
            application_id=refused.pk,
            decision="refuse",
            refusal_code="counted_in_award",
            comment="Месяц учтён при назначении пособия (ст. 247 п. 2 СК).",
        )
        refund_confirm(actor=checker, application_id=refused.pk)
    # Each state in turn: the first applications go furthest.
    sixth = max(1, len(applications) // 6)
    paid, ordered = applications[:sixth], applications[sixth : 2 * sixth]
    approved, decided = applications[2 * sixth : 3 * sixth], applications[3 * sixth : 4 * sixth]
    for application in paid:
        _decide(application, maker=maker)
        refund_confirm(actor=checker, application_id=application.pk)
    # The bank's report of the first order: all paid but one application, whose account was
    # closed: its money comes back to the ledger and it opens again.
    for order in refund_payout_orders_build(actor=maker, today=today):
        refund_bank_report_apply(
            actor=checker,
            filename=f"{order.reference}-report.csv",
            content=bank_report_sample(order, on=today, returned_first=True),
            today=today,
        )
    for application in ordered:
        _decide(application, maker=maker)
        refund_confirm(actor=checker, application_id=application.pk)
    refund_payout_orders_build(actor=maker, today=today)  # sent, not yet paid
    for application in approved:
        _decide(application, maker=maker)
        refund_confirm(actor=checker, application_id=application.pk)
    for application in decided:
        _decide(application, maker=maker)
    return DemoRefunds(applications=RefundApplication.objects.count(), by_status=_by_status())

"""``manage.py bench_refunds``: the refund figures of issue 11, on PostgreSQL.

1. Fills the ledger set-based to ``--ledger`` lines (default 10,000,000): 50,000 documents of
   200 lines for 500,000 persons over 2005-2024.
2. Times the automatic check of a 20-line application (the service, in a transaction rolled
   back each time) against the floor: the one SQL statement that reads those 20 ledger lines.
3. Times the officers' list page over ``--applications`` applications (default 60,000) and
   counts its queries, against the floor: its page query run once as plain SQL.
4. Times the payout order of ``--orders`` approved applications (default 5,000), against the
   floor: one INSERT ... SELECT writing as many reversal rows (rolled back).
Each figure prints its ratio to the floor measured in the same run.
"""

import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contributions.models import ContributionLine, PaymentDocument
from gfss.common.benchmarks import STORAGES, bench_staff_user
from gfss.common.identifiers import make_iin
from gfss.org.models import Branch, Role
from participants.validators import iin_birth_date, iin_sex
from refunds.checks import LineInput, check_lines
from refunds.models import RefundApplication
from refunds.services import (
    Applicant,
    LineRequest,
    refund_application_create,
    refund_payout_orders_build,
)
from reporting.summaries import summaries_paused

LINES_PER_DOCUMENT = 200
PERSONS = 500_000
APPLICANT = Applicant(
    name="BENCH", idn="940140000385", bank_bic="CASPKZKA", bank_account="KZ18722S000012345678"
)


def _median_ms(timings: list[float]) -> float:
    return statistics.median(timings) * 1000


class Command(BaseCommand):
    help = "Refund benchmark: the check, the list page and the payout order (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ledger", type=int, default=10_000_000)
        parser.add_argument("--applications", type=int, default=60_000)
        parser.add_argument("--orders", type=int, default=5_000)
        parser.add_argument(
            "--only",
            choices=["check", "list", "order"],
            help="time one figure again on a database a first run filled",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_refunds needs PostgreSQL: set DATABASE_URL.")
        self.maker, self.checker = self._officers()
        self._fill_ledger(options["ledger"])
        only = options["only"]
        if only in (None, "check"):
            self._check()
        if only in (None, "list"):
            # The pages' static files from the apps: a benchmark has no collected manifest.
            with override_settings(STORAGES=STORAGES, ALLOWED_HOSTS=["testserver"]):
                self._list(options["applications"])
        if only in (None, "order"):
            self._order(options["orders"])

    # --- data ---------------------------------------------------------------------------

    def _officers(self) -> tuple[Any, Any]:
        central = Branch.objects.get(code="HQ")
        return (
            bench_staff_user(central, "bench-maker", Role.REFUND_OFFICER),
            bench_staff_user(central, "bench-checker", Role.REFUND_OFFICER),
        )

    def _fill_ledger(self, lines: int) -> None:
        """Set-based, a chunk of documents a statement, each committed: a run stopped half-way
        goes on from the first document without lines; a full ledger is used as it is."""
        existing = ContributionLine.objects.count()
        if existing >= lines:
            self.stdout.write(f"ledger: {existing:,} lines already")
            return
        documents = lines // LINES_PER_DOCUMENT
        have = PaymentDocument.objects.filter(reference__startswith="BR").count()
        if have and have != documents:
            raise CommandError(
                f"The ledger was started for {have * LINES_PER_DOCUMENT:,} lines: ask for as many"
                " or start from a fresh database (make bench-refunds BENCH_FRESH=1)."
            )
        started = time.monotonic()
        with connection.cursor() as cursor:
            if not have:
                with transaction.atomic():  # the documents all or none
                    cursor.execute(
                        "INSERT INTO participants_payer (idn, name, kind, created_at, updated_at)"
                        " SELECT '97' || lpad(g::text, 10, '0'), 'BENCH ' || g, 'employer', now(), now()"
                        " FROM generate_series(1, 2000) g ON CONFLICT (idn) DO NOTHING"
                    )
                    self._persons(cursor)
                    cursor.execute(
                        "INSERT INTO contributions_receivedfile (uuid, filename, content, size, sha256,"
                        " source, received_at, outcome, error_code, error_message, payer_idn,"
                        " created_at, updated_at)"
                        " SELECT gen_random_uuid(), 'bench-' || g, '', 0, lpad(g::text, 64, '0'),"
                        " 'command', now(), 'accepted', '', '', '', now(), now()"
                        " FROM generate_series(1, %s) g",
                        [documents],
                    )
                    cursor.execute(
                        "INSERT INTO contributions_paymentdocument (uuid, file_id, sha256, reference,"
                        " payer_id, payer_idn, knp, value_date, total, lines_total, lines_accepted,"
                        " lines_rejected, amount_accepted, status, encoding, created_at, updated_at)"
                        " SELECT gen_random_uuid(), f.id, f.sha256, 'BR' || g, p.id, p.idn, '012',"
                        " (date '2005-02-10' + (g %% 240) * interval '1 month')::date,"
                        " 1, %s, %s, 0, 1, 'accepted', 'utf-8', now(), now()"
                        " FROM generate_series(1, %s) g"
                        " JOIN contributions_receivedfile f ON f.sha256 = lpad(g::text, 64, '0')"
                        " JOIN participants_payer p ON p.idn = '97' || lpad((1 + g %% 2000)::text, 10, '0')",
                        [LINES_PER_DOCUMENT, LINES_PER_DOCUMENT, documents],
                    )
            cursor.execute("SELECT min(id), max(id) FROM participants_person WHERE iin LIKE '98%%'")
            first_person, last_person = cursor.fetchone()
            cursor.execute(
                "SELECT min(id), max(id) FROM contributions_paymentdocument"
                " WHERE reference LIKE 'BR%%'"
            )
            first_document, last_document = cursor.fetchone()
            # Resumed: from the first document whose lines are not written yet.
            cursor.execute(
                "SELECT min(d.id) FROM contributions_paymentdocument d"
                " WHERE d.reference LIKE 'BR%%' AND NOT EXISTS (SELECT 1 FROM"
                " contributions_contributionline c WHERE c.document_id = d.id AND c.line_no = 1)"
            )
            first_document = cursor.fetchone()[0] or last_document + 1
            span = last_person - first_person + 1
            chunk = 5000  # documents a statement: a million lines
            for start in range(first_document, last_document + 1, chunk):
                cursor.execute(
                    "INSERT INTO contributions_contributionline (document_id, person_id,"
                    " payer_id, period, amount, kind, value_date, line_no, created_at,"
                    " updated_at)"
                    " SELECT d.id, %s + ((d.id * 200 + k) %% %s), d.payer_id,"
                    " date_trunc('month', d.value_date - interval '1 month')::date,"
                    " 1000 + (k * 37 %% 50000), 'contribution', d.value_date, k, now(), now()"
                    " FROM contributions_paymentdocument d, generate_series(1, 200) k"
                    " WHERE d.id BETWEEN %s AND %s",
                    [first_person, span, start, min(start + chunk - 1, last_document)],
                )
                self.stdout.write(
                    f"  ledger: documents to {min(start + chunk - 1, last_document):,}"
                    f" ({time.monotonic() - started:.0f} s)"
                )
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"ledger filled set-based: {ContributionLine.objects.count():,} lines in "
            f"{time.monotonic() - started:.0f} s"
        )

    @staticmethod
    def _persons(cursor: Any) -> None:
        """Persons with valid IINs (the check validates them), written with COPY."""
        cursor.execute("SELECT count(*) FROM participants_person WHERE surname = 'BENCH'")
        if cursor.fetchone()[0] >= PERSONS:
            return
        rng = random.Random(11)
        iins: set[str] = set()
        while len(iins) < PERSONS:
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(15_000))
            iins.add(make_iin(birth_date=born, sex=rng.choice("MF"), rng=rng))
        with cursor.copy(
            "COPY participants_person (iin, surname, first_name, patronymic, birth_date, sex,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            for iin in sorted(iins):
                born = iin_birth_date(iin)
                copy.write_row((iin, "BENCH", "BENCH", "", born, iin_sex(iin), "now", "now"))

    def _twenty_lines(self, document: PaymentDocument) -> list[ContributionLine]:
        return list(
            ContributionLine.objects.filter(document=document)
            .select_related("person")
            .order_by("line_no")[:20]
        )

    # --- 2. the check -------------------------------------------------------------------

    def _check(self) -> None:
        documents = PaymentDocument.objects.filter(reference__startswith="BR").order_by("id")
        document = documents[documents.count() // 2]
        lines = self._twenty_lines(document)
        requests = [
            LineRequest(iin=line.person.iin, period=line.period, amount=line.amount)
            for line in lines
        ]
        timings, queries = [], 0
        for _ in range(21):
            with transaction.atomic():
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    application, _ = refund_application_create(
                        actor=self.maker,
                        source=RefundApplication.Source.STATE_CORPORATION,
                        payer_idn=document.payer_idn,
                        document_uuid=document.uuid,
                        reason="not_contributions",
                        applicant=APPLICANT,
                        lines=requests,
                    )
                    timings.append(time.perf_counter() - started)
                queries = len(captured)
                assert application.lines.filter(check_code="ok").count() == 20
                transaction.set_rollback(True)
        inputs = [
            LineInput(line_no=n, iin=r.iin, period=r.period, amount=r.amount)
            for n, r in enumerate(requests, start=1)
        ]
        check_only = []
        for _ in range(21):
            started = time.perf_counter()
            check_lines(document=document, reason="not_contributions", lines=inputs)
            check_only.append(time.perf_counter() - started)
        person_ids = [line.person_id for line in lines]
        floor = []
        with connection.cursor() as cursor:
            for _ in range(21):
                started = time.perf_counter()
                cursor.execute(
                    "SELECT id, person_id, period, amount FROM contributions_contributionline"
                    " WHERE document_id = %s AND person_id = ANY(%s)",
                    [document.pk, person_ids],
                )
                cursor.fetchall()
                floor.append(time.perf_counter() - started)
        ledger = ContributionLine.objects.count()
        check, base = _median_ms(timings), _median_ms(floor)
        self.stdout.write(
            f"CHECK: the automatic check of 20 lines alone (refunds.checks.check_lines):"
            f" median {_median_ms(check_only):.1f} ms (target < 50 ms); floor {base:.2f} ms;"
            f" ratio {_median_ms(check_only) / base:.1f}"
        )
        self.stdout.write(
            f"INTAKE: a 20-line application taken in, checked and stored on a ledger of {ledger:,} lines:"
            f" median {check:.1f} ms in {queries} queries (target < 50 ms); floor (one SELECT"
            f" of its lines) {base:.2f} ms; ratio {check / base:.1f}"
        )

    # --- 3. the list page ---------------------------------------------------------------

    def _applications(
        self, count: int, *, status: str, documents: list[PaymentDocument]
    ) -> dict[int, int]:
        """``count`` applications in ``status`` on these documents in turn, by one INSERT ...
        SELECT; returns the document of each application by its id."""
        decided = status in {"approved", "decided", "refused"}
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO refunds_refundapplication (uuid, source, request_number,"
                " submitted_by_id, payer_id, document_id, reason, reason_text, applicant_name,"
                " applicant_idn, bank_bic, bank_account, document_refs, received_on, status,"
                " stage_due, amount_requested, amount_approved, people, decision, refusal_code,"
                " decision_comment, decided_by_id, decided_at, confirmed_by_id, confirmed_at,"
                " created_at, updated_at)"
                " SELECT gen_random_uuid(), 'state_corporation', %(prefix)s || g,"
                " %(maker)s, d.payer_id, d.id,"
                " (ARRAY['not_contributions', 'duplicate_payment', 'wrong_period'])[1 + g %% 3],"
                " '', 'BENCH', '940140000385', 'CASPKZKA', 'KZ18722S000012345678', '[]',"
                " %(today)s, %(status)s, %(today)s, 100.00,"
                " CASE WHEN %(decided)s THEN 100.00 END, 1,"
                " CASE WHEN %(decided)s THEN 'approve' ELSE '' END, '', '',"
                " CASE WHEN %(decided)s THEN %(maker)s END,"
                " CASE WHEN %(decided)s THEN now() END,"
                " CASE WHEN %(confirmed)s THEN %(checker)s END,"
                " CASE WHEN %(confirmed)s THEN now() END, now(), now()"
                " FROM generate_series(0, %(count)s - 1) g"
                " JOIN contributions_paymentdocument d"
                " ON d.id = (%(documents)s::bigint[])[1 + g %% %(spread)s]"
                " RETURNING id, document_id",
                {
                    # A later run's numbers differ from an earlier's.
                    "prefix": f"BENCH-{status}-{time.time_ns():x}-",
                    "maker": self.maker.pk,
                    "checker": self.checker.pk,
                    "today": timezone.localdate(),
                    "status": status,
                    "decided": decided,
                    "confirmed": status == "approved",
                    "count": count,
                    "documents": [document.pk for document in documents],
                    "spread": len(documents),
                },
            )
            return dict(cursor.fetchall())

    def _list(self, count: int) -> None:
        have = RefundApplication.objects.filter(request_number__startswith="BENCH-checked").count()
        documents = list(PaymentDocument.objects.filter(reference__startswith="BR")[:2000])
        if have < count:
            started = time.monotonic()
            self._applications(count - have, status="checked", documents=documents)
            self.stdout.write(
                f"  {count - have:,} applications created in {time.monotonic() - started:.0f} s"
            )
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE refunds_refundapplication")
        total = RefundApplication.objects.count()
        client = Client()
        client.force_login(self.maker)
        figures = []
        for query in ("", "?status=checked&reason=wrong_period", "?overdue=1&page=3"):
            timings, counts = [], set()
            for _ in range(11):
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(f"/ru/refunds/{query}")
                    timings.append(time.perf_counter() - started)
                assert response.status_code == 200
                counts.add(len(captured))
            figures.append((query or "(no filter)", _median_ms(timings), sorted(counts)))
        floor = []
        with connection.cursor() as cursor:
            for _ in range(11):
                started = time.perf_counter()
                cursor.execute(
                    "SELECT a.* FROM refunds_refundapplication a"
                    " JOIN participants_payer p ON p.id = a.payer_id"
                    " ORDER BY a.stage_due, a.id LIMIT 50"
                )
                cursor.fetchall()
                floor.append(time.perf_counter() - started)
        base = _median_ms(floor)
        for query, median, query_counts in figures:
            self.stdout.write(
                f"LIST PAGE over {total:,} applications {query}: median {median:.1f} ms,"
                f" queries {query_counts} (target < 200 ms, constant); floor (its page SELECT)"
                f" {base:.2f} ms; ratio {median / base:.1f}"
            )

    # --- 4. the payout order ------------------------------------------------------------

    def _order(self, count: int) -> None:
        documents = list(
            # Documents no earlier run refunded from, so that a run again finds lines to take.
            PaymentDocument.objects.filter(
                reference__startswith="BR", refund_applications__isnull=True
            ).order_by("-id")[:count]
        )
        applications = self._applications(count, status="approved", documents=documents)
        # Each application refunds 100.00 of the first line of its document: one INSERT ...
        # SELECT of the refund lines, returning the ledger lines they claim.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO refunds_refundline (application_id, line_no, iin, person_id,"
                " period, amount, approved_amount, contribution_id, check_code, check_passed,"
                " check_data, claim_active, created_at, updated_at)"
                " SELECT a.id, 1, '', c.person_id, c.period, 100.00, 100.00, c.id, 'ok', true,"
                " '{}', true, now(), now()"
                " FROM refunds_refundapplication a"
                " JOIN contributions_contributionline c"
                " ON c.document_id = a.document_id AND c.line_no = 1"
                " WHERE a.id = ANY(%s)"
                " RETURNING contribution_id",
                [list(applications)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        floor_started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO contributions_contributionline (document_id, person_id,"
                " payer_id, period, amount, kind, value_date, reverses_id, created_at,"
                " updated_at)"
                " SELECT document_id, person_id, payer_id, period, -100, kind, value_date,"
                " id, now(), now() FROM contributions_contributionline WHERE id = ANY(%s)",
                [ids],
            )
            floor = time.perf_counter() - floor_started
            transaction.set_rollback(True)
        # The report summaries' refresh the reversals call for is queued to the worker after
        # the commit in production; without a broker it would run inline and be timed here.
        with summaries_paused():
            started = time.perf_counter()
            orders = refund_payout_orders_build(actor=self.checker)
            elapsed = time.perf_counter() - started
        order = orders[0]
        self.stdout.write(
            f"PAYOUT ORDER of {order.applications_count:,} applications ({order.lines:,} MT-102"
            f" lines, {len(order.content):,} bytes, reversals written): {elapsed:.2f} s"
            f" (target < 10 s); floor (one INSERT ... SELECT of the reversals) {floor:.3f} s;"
            f" ratio {elapsed / floor:.1f}"
        )

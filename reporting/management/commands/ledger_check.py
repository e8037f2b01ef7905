"""``manage.py ledger_check``: the books' invariants (``reporting.ledger_check``).

Prints each finding and a count per check; exits 1 when there is any, 0 when none.
"""

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reporting.ledger_check import ledger_check


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=50, help="findings printed per check (all are counted)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts: Counter[str] = Counter()
        for finding in ledger_check():
            counts[finding.check] += 1
            if counts[finding.check] <= options["limit"]:
                self.stdout.write(f"{finding.check}: {finding.subject}: {finding.message}")
        if not counts:
            self.stdout.write("ledger_check: no finding.")
            return
        summary = ", ".join(f"{check} {n}" for check, n in sorted(counts.items()))
        self.stderr.write(f"ledger_check: {sum(counts.values())} findings ({summary}).")
        raise SystemExit(1)

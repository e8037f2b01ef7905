"""``manage.py check_golden FILE...``: run golden benefit cases against the database parameters."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gfss.common.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Run golden benefit cases; list each failing case and exit 1 if any failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        from benefits.rules.golden import load_cases, run_case
        from gfss.legal.selectors import parameter_set

        params = parameter_set()
        passed = failed = 0
        for path in options["files"]:
            for case in load_cases(path):
                try:
                    mismatches = run_case(case, params=params)
                except ApplicationError as error:
                    # The case could not be calculated at all: a failure to report, not to hide.
                    self.stdout.write(f"FAIL {case.id}: error {error.code}: {error.message}")
                    failed += 1
                    continue
                if mismatches:
                    differences = "; ".join(
                        f"{m.key}: expected {m.expected}, got {m.got}" for m in mismatches
                    )
                    self.stdout.write(f"FAIL {case.id}: {differences}")
                    failed += 1
                else:
                    passed += 1
        self.stdout.write(f"{passed} passed, {failed} failed")
        if failed:
            # The summary stays the last line of output; the exit status tells CI.
            sys.exit(1)

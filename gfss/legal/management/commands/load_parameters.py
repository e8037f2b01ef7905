from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gfss.legal.data_file import DATA_FILE
from gfss.legal.services import parameters_load


class Command(BaseCommand):
    help = "Load the dated legal parameters shipped with the project (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE)
        parser.add_argument(
            "--overwrite", action="store_true", help="let the file win over values edited since"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = parameters_load(path=options["file"], overwrite=options["overwrite"])
        self.stdout.write(
            f"parameters created: {report.parameters_created}; values created: "
            f"{report.values_created}, updated: {report.values_updated}, kept: {report.values_kept}"
        )

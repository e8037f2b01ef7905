from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gfss.common.exceptions import ApplicationError
from gfss.org.access import Scope
from gfss.org.services import partner_client_create


class Command(BaseCommand):
    help = "Register a partner system and print its API token (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--scope", action="append", choices=[scope.value for scope in Scope], required=True
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued = partner_client_create(name=options["name"], scopes=options["scope"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        # The key alone on stdout, for a script to take; when it expires, on stderr.
        self.stdout.write(issued.token)
        self.stderr.write(f"valid until {issued.expires_at:%Y-%m-%d %H:%M %Z}", str)

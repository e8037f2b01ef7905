from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gfss.common.exceptions import ApplicationError
from gfss.org.services import partner_token_revoke


class Command(BaseCommand):
    help = "Revoke every API token of a partner system at once (partner_token_rotate issues one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            revoked = partner_token_revoke(name=options["name"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{revoked} token(s) of {options['name']} revoked")

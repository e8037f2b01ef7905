from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gfss.common.exceptions import ApplicationError
from gfss.org.services import partner_token_rotate


class Command(BaseCommand):
    help = (
        "Issue a new API token to a partner system and print it (shown only once); its "
        "previous tokens keep working for the grace period (PARTNER_TOKEN_GRACE_HOURS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued = partner_token_rotate(name=options["name"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        hours = int(settings.PARTNER_TOKEN_GRACE.total_seconds() // 3600)
        self.stdout.write(issued.token)
        self.stderr.write(
            f"valid until {issued.expires_at:%Y-%m-%d %H:%M %Z}; "
            f"the previous tokens stop working in {hours} h",
            str,
        )

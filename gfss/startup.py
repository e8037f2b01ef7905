"""What every server of the system checks before it serves."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """A server signs sessions and tokens that outlive it: never with a key of its own making."""
    if not (settings.DEBUG or settings.SECRET_KEY_GIVEN):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: production has no built-in key (set it in the environment)."
        )

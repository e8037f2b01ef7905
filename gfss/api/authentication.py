"""Partner systems authenticate with a token; the token's hash is all that is stored."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request


class PartnerTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from gfss.org.selectors import partner_token_get
        from gfss.org.services import partner_token_used

        token = partner_token_get(token=key)
        if token is None or token.revoked_at is not None or not token.client.is_active:
            raise exceptions.AuthenticationFailed("Invalid or inactive partner token.")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(
                _("The partner token has expired: ask the fund for a new one."),
                code="token_expired",
            )
        partner_token_used(token=token)
        return token.client.user, token.client

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        from gfss.api.throttling import BadTokenThrottle

        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        # An address that sent too many bad tokens is refused before its token is looked at.
        bad_tokens = BadTokenThrottle()
        if not bad_tokens.allow_request(request, None):  # type: ignore[arg-type]  # no view yet
            raise exceptions.Throttled(bad_tokens.wait())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            bad_tokens.note(request)
            raise


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "gfss.api.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` issued to a partner system with its scopes.",
        }

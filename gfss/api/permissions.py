"""Scopes for partner tokens, roles for staff sessions."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class Scope:
    PAYMENTS = "payments"
    APPLICATIONS = "applications"
    CALCULATE = "calculate"
    REGISTRY_READ = "registry.read"
    STATEMENTS = "statements"

    ALL = (PAYMENTS, APPLICATIONS, CALCULATE, REGISTRY_READ, STATEMENTS)


def has_scope(*, request: Request, scope: str) -> bool:
    from gfss.org.models import PartnerClient

    if isinstance(request.auth, PartnerClient):
        return scope in request.auth.scopes
    from gfss.org.selectors import user_is_fund_staff

    return user_is_fund_staff(user=request.user)


def requires_scope(scope: str) -> type[BasePermission]:
    """A permission class: a partner token needs ``scope``; a staff session passes."""

    class _HasScope(BasePermission):
        message = f"This token lacks the '{scope}' scope."

        def has_permission(self, request: Request, view: Any) -> bool:
            return has_scope(request=request, scope=scope)

    _HasScope.__name__ = f"HasScope_{scope.replace('.', '_')}"
    return _HasScope


class IsFundStaff(BasePermission):
    """Fund-internal endpoints: staff sessions only, never partner tokens."""

    message = "Only the fund's staff may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        from gfss.org.models import PartnerClient
        from gfss.org.selectors import user_is_fund_staff

        return not isinstance(request.auth, PartnerClient) and user_is_fund_staff(user=request.user)

"""API permissions: each endpoint names what it reads or does; the access policy answers.

A staff session has its role's rights and a partner token its scopes' (gfss.org.access); which
objects the caller reaches is decided again by the selectors, with the same policy.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from gfss.org import access
from gfss.org.access import Action, Callers, Scope, Subject

__all__ = ["Action", "Scope", "Subject", "does", "does_any", "reads"]


def reads(*subjects: Subject) -> type[BasePermission]:
    """The caller must read every one of ``subjects`` somewhere (else 403)."""

    class _Reads(BasePermission):
        callers: Callers
        message = _("Your role or token does not give access to this.")

        def has_permission(self, request: Request, view: Any) -> bool:
            return all(access.reads(request.user, subject) for subject in subjects)

    _Reads.__name__ = f"Reads_{'_'.join(subjects)}"
    _Reads.callers = access.readers(*subjects)
    return _Reads


def does(action: Action) -> type[BasePermission]:
    """The caller's role or scopes must allow ``action`` (the object is checked later)."""

    class _Does(BasePermission):
        callers: Callers
        message = _("Your role or token does not allow this action.")

        def has_permission(self, request: Request, view: Any) -> bool:
            return access.may(request.user, action)

    _Does.__name__ = f"Does_{action}"
    _Does.callers = access.doers(action)
    return _Does


def does_any(*actions: Action) -> type[BasePermission]:
    """The caller's role or scopes must allow one of ``actions``; the service says which."""

    class _DoesAny(BasePermission):
        callers: Callers
        message = _("Your role or token does not allow this action.")

        def has_permission(self, request: Request, view: Any) -> bool:
            return any(access.may(request.user, action) for action in actions)

    _DoesAny.__name__ = f"DoesAny_{'_'.join(sorted(actions))}"
    _DoesAny.callers = access.doers(*actions)
    return _DoesAny

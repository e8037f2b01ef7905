"""The Django admin asks the access policy too: only callers who may administer enter it."""

from django.contrib import admin
from django.http import HttpRequest

from gfss.org import access


class FundAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and access.may(request.user, access.Action.ADMINISTER)
        )

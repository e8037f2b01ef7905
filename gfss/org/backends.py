"""Logins by password, with every permission question answered by the access policy.

Django's admin (and any ``user.has_perm``) asks the authentication backends; this one answers
from gfss.org.access instead of the permission rows of a user's groups, so a role's rights
have one definition.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model

from gfss.org import access


class PolicyBackend(ModelBackend):
    def get_user_permissions(
        self, user_obj: User | AnonymousUser, obj: Model | None = None
    ) -> set[str]:
        return set()

    def get_group_permissions(
        self, user_obj: User | AnonymousUser, obj: Model | None = None
    ) -> set[str]:
        return set()

    def get_all_permissions(
        self, user_obj: User | AnonymousUser, obj: Model | None = None
    ) -> set[str]:
        return set()

    def has_perm(self, user_obj: User | AnonymousUser, perm: str, obj: Model | None = None) -> bool:
        return user_obj.is_active and access.admin_may(user_obj, perm)

    def has_module_perms(self, user_obj: User | AnonymousUser, app_label: str) -> bool:
        return user_obj.is_active and access.may(user_obj, access.Action.ADMINISTER)

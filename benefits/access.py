"""Who may see and act on a branch's e-cases and awards (architecture.md "Roles").

Branch staff see their own branch; central analysts and administrators read every branch.
Acting (deciding, confirming) needs the role's permission and the same branch: reading all
branches never grants writing.
"""

from typing import Any

from benefits.exceptions import RoleNotAllowedError
from gfss.common.exceptions import ApplicationError
from gfss.org.selectors import user_branch, user_reads_all_branches

DECIDE = "benefits.decide_application"
CONFIRM = "benefits.confirm_application"


def user_sees_branch(*, user: Any, branch_id: int) -> bool:
    if user_reads_all_branches(user=user):
        return True
    branch = user_branch(user=user)
    return branch is not None and branch.pk == branch_id


def authorize(
    *, actor: Any, branch_id: int, permission: str, action: str, not_found: ApplicationError
) -> None:
    """Raise ``not_found`` (404) for another branch's object, 403 for a role that may not act."""
    if not user_sees_branch(user=actor, branch_id=branch_id):
        raise not_found
    branch = user_branch(user=actor)
    if branch is None or branch.pk != branch_id or not actor.has_perm(permission):
        raise RoleNotAllowedError(action=action)

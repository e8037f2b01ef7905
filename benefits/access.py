"""E-case and award actions asked of the access policy (gfss.org.access), with the domain's
answers: 404 for another branch's object, 403 for a role that may not act."""

from benefits.exceptions import RoleNotAllowedError
from gfss.common.exceptions import ApplicationError
from gfss.org.access import Action, Subject, may, reach
from gfss.org.actors import Actor


def authorize(
    *, actor: Actor, branch_id: int, action: Action, action_text: str, not_found: ApplicationError
) -> None:
    """Raise ``not_found`` (404) for an object out of reach, 403 for a role that may not act.
    Reading every branch never grants acting on it."""
    if not reach(actor, Subject.CASE).covers(branch_id=branch_id):
        raise not_found
    if not may(actor, action, branch_id=branch_id):
        raise RoleNotAllowedError(action=action_text)

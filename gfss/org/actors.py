"""Who reads and who acts, as the types selectors and services take.

Every login is Django's ``User``: a staff member (with a staff profile: a role and a branch)
or a partner system's user (with a partner client: scopes). Which of the two a user is, and
what it may read or do, the access policy says (gfss.org.access); the types only say that a
service is given a login, a selector possibly nobody, and a batch job possibly no one at all.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

# A staff member or a partner system taking an action.
Actor = User

# A login that only staff use (the staff pages, the refund officers' and the payout services).
StaffUser = User

# A partner system's login; its PartnerClient is ``user.partner_client``.
PartnerUser = User


class System:
    """The fund's own scheduled jobs as a reader: it reads everything and has no role."""

    is_authenticated = True
    pk = None


SYSTEM = System()

# Whoever a read is for: a request's user (anonymous included) or the fund's own jobs.
Reader = User | AnonymousUser | System | None


def acting_user(request: HttpRequest) -> User:
    """The login a request acts as. Only views behind the policy's checks act, which an
    anonymous caller never passes; should one get here, it is refused like anywhere else."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user

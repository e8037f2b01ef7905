"""The one access policy: what a caller may read and which actions it may take.

A caller is a staff user (a role and a branch), a partner system (a token's scopes and its own
identity), or nobody (anonymous, or a login with neither a staff profile nor a partner). Every
selector, API view, staff page and admin page asks this module; nothing else decides.

The shared layer knows no domain model, so a read is answered with a ``Reach`` (everything,
one branch and its region, what the caller itself sent, or nothing) that each app's selector
applies to its own fields. The tables below are the whole policy (architecture.md "Roles").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet

from gfss.org.actors import Reader, System
from gfss.org.models import PartnerClient, Role, StaffProfile

M = TypeVar("M", bound=Model)


class Subject(StrEnum):
    """What can be read."""

    PERSON = "person"  # persons and their family links
    PAYER = "payer"  # payers, their arrears and monitoring
    LEDGER = "ledger"  # a person's contributions: statements, calculations from the ledger
    DOCUMENT = "document"  # MT-102 payment documents and their lines
    QUARANTINED_LINE = "quarantined_line"
    CASE = "case"  # e-cases (the person, documents, calculation), awards and decisions
    CASE_STATUS = "case_status"  # an e-case's stages and deadlines, as its applicant follows them
    OFFER = "offer"  # proactive offers
    PAYMENT = "payment"  # payment runs, payments, payout files, events, overpayments
    PAYOUT_FILE = "payout_file"  # a closed month's payout files and registers, to download
    REFUND = "refund"
    REPORT = "report"  # indicators, dashboards, exports
    JOB = "job"  # long jobs (BatchRun)
    ACCESS_LOG = "access_log"  # who saw which person's data (AccessLogEntry)


class Action(StrEnum):
    """What can be done."""

    CALCULATE = "calculate"  # the calculator (a read, but a partner needs its scope)
    DECIDE_CASE = "decide_case"  # review, assign, refuse, return; decisions on awards
    CONFIRM_CASE = "confirm_case"  # the checker's confirmation
    CORRECT_QUARANTINE = "correct_quarantine"
    # staff: load an MT-102 document brought to the branch, for a payer of the branch's region
    UPLOAD_PAYMENTS = "upload_payments"
    DECIDE_REFUND = "decide_refund"
    OPERATE_PAYOUTS = "operate_payouts"  # payment runs, recalculation events, repayments
    MANAGE_JOBS = "manage_jobs"  # cancel, resume
    ADMINISTER = "administer"  # reference data, users, partners (Django admin)
    SUBMIT_PAYMENTS = "submit_payments"  # partner: MT-102 documents
    SUBMIT_APPLICATIONS = "submit_applications"  # partner: applications and offers
    SUBMIT_REFUNDS = "submit_refunds"  # partner: refund applications
    REPORT_DEATH = "report_death"  # partner: the civil registry's deaths
    REPORT_EMPLOYMENT = "report_employment"  # partner: deregistration, new employment
    REPORT_DISABILITY = "report_disability"  # partner: a changed degree of disability


class Extent(StrEnum):
    ALL = "all"
    BRANCH = "branch"  # the own branch (objects by branch) or its region (objects by region)
    OWN = "own"  # what the caller itself sent (partners)


_ALL = Extent.ALL
_BRANCH = Extent.BRANCH
_OWN = Extent.OWN
_BRANCH_WORK = {
    Subject.PERSON: _BRANCH,
    Subject.PAYER: _BRANCH,
    Subject.LEDGER: _BRANCH,
    Subject.DOCUMENT: _BRANCH,
    Subject.QUARANTINED_LINE: _BRANCH,
    Subject.CASE: _BRANCH,
    Subject.CASE_STATUS: _BRANCH,
    Subject.OFFER: _BRANCH,
    Subject.REPORT: _BRANCH,
    # The refund state of the region's persons and payers, on their pages (read-only).
    Subject.REFUND: _BRANCH,
}

# What each staff role reads. A subject not listed is not readable at all (403).
STAFF_READS: dict[str, dict[Subject, Extent]] = {
    Role.SPECIALIST: _BRANCH_WORK,
    # The head also reads who of the branch saw which person's data.
    Role.HEAD: {**_BRANCH_WORK, Subject.ACCESS_LOG: _BRANCH},
    # The refund check needs the payer and the person's ledger in every region.
    Role.REFUND_OFFICER: {
        Subject.PERSON: _ALL,
        Subject.PAYER: _ALL,
        Subject.LEDGER: _ALL,
        Subject.DOCUMENT: _ALL,
        Subject.QUARANTINED_LINE: _ALL,
        Subject.REFUND: _ALL,
    },
    Role.ANALYST: {
        subject: _ALL for subject in Subject if subject not in {Subject.JOB, Subject.ACCESS_LOG}
    },
    Role.ADMINISTRATOR: dict.fromkeys(Subject, _ALL),
}

# What each staff role does; "branch" actions only on the own branch's (or region's) objects.
STAFF_ACTIONS: dict[str, dict[Action, Extent]] = {
    Role.SPECIALIST: {
        Action.CALCULATE: _ALL,
        Action.DECIDE_CASE: _BRANCH,
        Action.CORRECT_QUARANTINE: _BRANCH,
        Action.UPLOAD_PAYMENTS: _BRANCH,
    },
    Role.HEAD: {
        Action.CALCULATE: _ALL,
        Action.DECIDE_CASE: _BRANCH,
        Action.CONFIRM_CASE: _BRANCH,
        Action.CORRECT_QUARANTINE: _BRANCH,
        Action.UPLOAD_PAYMENTS: _BRANCH,
    },
    Role.REFUND_OFFICER: {Action.CALCULATE: _ALL, Action.DECIDE_REFUND: _ALL},
    Role.ANALYST: {Action.CALCULATE: _ALL},
    Role.ADMINISTRATOR: {
        Action.CALCULATE: _ALL,
        Action.OPERATE_PAYOUTS: _ALL,
        Action.MANAGE_JOBS: _ALL,
        Action.ADMINISTER: _ALL,
    },
}


class Scope(StrEnum):
    """The scopes a partner token may hold."""

    PAYMENTS = "payments"
    APPLICATIONS = "applications"
    CALCULATE = "calculate"
    REGISTRY_READ = "registry.read"
    STATEMENTS = "statements"
    REPORTS = "reports"  # the ministry's systems: the report indicators, every region
    REFUNDS = "refunds"
    PAYOUTS = "payouts"  # the State Corporation: the payout files it pays from
    # Life events, one scope per kind of registry: each reports only its own facts.
    LIFE_EVENTS_DEATH = "life_events.death"  # the civil registry
    LIFE_EVENTS_EMPLOYMENT = "life_events.employment"  # employment centres
    LIFE_EVENTS_DISABILITY = "life_events.disability"  # the medical-social expertise


# What each partner scope reads and does. Partners are not limited by a branch: by their
# scope, and for what they send, to their own objects.
PARTNER_READS: dict[str, dict[Subject, Extent]] = {
    Scope.REGISTRY_READ: {Subject.PERSON: _ALL, Subject.PAYER: _ALL},
    Scope.STATEMENTS: {Subject.LEDGER: _ALL},
    Scope.CALCULATE: {Subject.LEDGER: _ALL},
    Scope.PAYMENTS: {Subject.DOCUMENT: _OWN},
    Scope.APPLICATIONS: {Subject.CASE_STATUS: _OWN, Subject.OFFER: _OWN},
    Scope.REPORTS: {Subject.REPORT: _ALL},
    Scope.REFUNDS: {Subject.REFUND: _OWN},
    Scope.PAYOUTS: {Subject.PAYOUT_FILE: _ALL},
    # Registries report life events; the answer to each report is all they read back.
    Scope.LIFE_EVENTS_DEATH: {},
    Scope.LIFE_EVENTS_EMPLOYMENT: {},
    Scope.LIFE_EVENTS_DISABILITY: {},
}
PARTNER_ACTIONS: dict[str, set[Action]] = {
    Scope.PAYMENTS: {Action.SUBMIT_PAYMENTS},
    Scope.APPLICATIONS: {Action.SUBMIT_APPLICATIONS},
    Scope.CALCULATE: {Action.CALCULATE},
    Scope.REFUNDS: {Action.SUBMIT_REFUNDS},
    Scope.LIFE_EVENTS_DEATH: {Action.REPORT_DEATH},
    Scope.LIFE_EVENTS_EMPLOYMENT: {Action.REPORT_EMPLOYMENT},
    Scope.LIFE_EVENTS_DISABILITY: {Action.REPORT_DISABILITY},
}


@dataclass(frozen=True)
class Caller:
    """Who is asking: a staff role and branch, or a partner's scopes, or nobody."""

    user_id: int | None = None
    role: str | None = None
    branch_id: int | None = None
    region_id: int | None = None  # the branch's region; None for the central office
    partner: bool = False
    scopes: frozenset[str] = frozenset()
    system: bool = False  # the fund's own scheduled jobs

    @property
    def is_staff(self) -> bool:
        return self.role is not None


NOBODY = Caller()
SYSTEM_CALLER = Caller(system=True)
_CACHE = "_gfss_caller"


def caller_of(user: Reader) -> Caller:
    """The caller a user is; worked out once per user object (a request's user)."""
    if isinstance(user, System):
        return SYSTEM_CALLER
    if user is None or not isinstance(user, User):
        return NOBODY
    cached: Caller | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    caller = _caller_from_database(user)
    setattr(user, _CACHE, caller)
    return caller


def _partner_client_cached(user: User) -> PartnerClient | None:
    """The user's partner client if the request already read it (a token), with no query."""
    cached = PartnerClient._meta.get_field("user").remote_field.get_cached_value(user, None)
    return cached if isinstance(cached, PartnerClient) else None


def _caller_from_database(user: User) -> Caller:
    # A token's user arrives with its partner client already read (one query per request).
    client = _partner_client_cached(user)
    if client is None:
        profile = StaffProfile.objects.select_related("branch").filter(user_id=user.pk).first()
        if profile is not None:
            user.staff_profile = profile  # cached for the page's menu: no second query
            return Caller(
                user_id=user.pk,
                role=profile.role,
                branch_id=profile.branch_id,
                region_id=profile.branch.region_id,
            )
        client = PartnerClient.objects.filter(user_id=user.pk).first()
    if client is not None:
        if not client.is_active:
            return NOBODY
        return Caller(user_id=user.pk, partner=True, scopes=frozenset(client.scopes))
    if user.is_superuser:
        return Caller(user_id=user.pk, role=Role.ADMINISTRATOR)
    return NOBODY


@dataclass(frozen=True)
class Reach:
    """How far a read reaches. ``apply`` turns it into a filter on a domain queryset."""

    everything: bool = False
    branch_id: int | None = None
    region_id: int | None = None
    owner_id: int | None = None

    @property
    def anything(self) -> bool:
        return self.everything or any(
            value is not None for value in (self.branch_id, self.region_id, self.owner_id)
        )

    def covers(
        self,
        *,
        branch_id: int | None = None,
        region_id: int | None = None,
        owner_id: int | None = None,
    ) -> bool:
        """Whether one object (by its branch, region or sender) is within reach."""
        if self.everything:
            return True
        if self.branch_id is not None and branch_id is not None:
            return branch_id == self.branch_id
        if self.region_id is not None and region_id is not None:
            return region_id == self.region_id
        return self.owner_id is not None and owner_id == self.owner_id

    def apply(
        self,
        queryset: QuerySet[M],
        *,
        branch: str | None = None,
        region: str | None = None,
        owner: str | None = None,
    ) -> QuerySet[M]:
        """Filter ``queryset`` by the object's branch, region or sender field paths.

        A branch reach uses the branch path when the object has one, else the region path;
        the central office (no region) reaches no object kept by region.
        """
        if self.everything:
            return queryset
        if self.branch_id is not None and branch is not None:
            return queryset.filter(**{branch: self.branch_id})
        if self.region_id is not None and region is not None:
            return queryset.filter(**{region: self.region_id})
        if self.owner_id is not None and owner is not None:
            return queryset.filter(**{owner: self.owner_id})
        return queryset.none()


NOWHERE = Reach()


def _extent_reach(caller: Caller, extent: Extent | None) -> Reach:
    if extent is None:
        return NOWHERE
    if extent == Extent.ALL:
        return Reach(everything=True)
    if extent == Extent.OWN:
        return Reach(owner_id=caller.user_id)
    return Reach(branch_id=caller.branch_id, region_id=caller.region_id)


def reach(user: Reader, subject: Subject) -> Reach:
    """How far ``user`` reads ``subject``."""
    caller = caller_of(user)
    if caller.system:
        return Reach(everything=True)
    if caller.is_staff:
        return _extent_reach(caller, STAFF_READS.get(caller.role or "", {}).get(subject))
    if caller.partner:
        extents = {PARTNER_READS.get(scope, {}).get(subject) for scope in caller.scopes}
        for extent in (Extent.ALL, Extent.OWN):
            if extent in extents:
                return _extent_reach(caller, extent)
    return NOWHERE


def reads(user: Reader, subject: Subject) -> bool:
    """Whether ``user`` reads any ``subject`` at all (a page or endpoint opens: else 403)."""
    return reach(user, subject).anything


def reads_everywhere(user: Reader, subject: Subject) -> bool:
    return reach(user, subject).everything


def may(
    user: Reader,
    action: Action,
    *,
    branch_id: int | None = None,
    region_id: int | None = None,
    owner_id: int | None = None,
) -> bool:
    """Whether ``user`` may take ``action``; with an object's branch, region or sender, on it.

    Without an object it answers whether the action is open to the caller at all.
    """
    caller = caller_of(user)
    if caller.partner:
        allowed = any(action in PARTNER_ACTIONS.get(scope, set()) for scope in caller.scopes)
        return allowed and (owner_id is None or owner_id == caller.user_id)
    if not caller.is_staff:
        return False
    extent = STAFF_ACTIONS.get(caller.role or "", {}).get(action)
    if extent is None:
        return False
    if extent == Extent.ALL:
        return True
    if branch_id is not None:
        return branch_id == caller.branch_id
    if region_id is not None:
        return caller.region_id is not None and region_id == caller.region_id
    return True


@dataclass(frozen=True)
class Callers:
    """Which staff roles and partner scopes pass a check at all (each object is checked later)."""

    roles: tuple[str, ...]
    scopes: tuple[str, ...]


def readers(*subjects: Subject) -> Callers:
    """The roles and scopes that read every one of ``subjects`` somewhere."""
    return Callers(
        roles=tuple(
            role for role in Role.values if all(s in STAFF_READS.get(role, {}) for s in subjects)
        ),
        scopes=tuple(
            scope.value
            for scope in Scope
            if all(s in PARTNER_READS.get(scope, {}) for s in subjects)
        ),
    )


def doers(*actions: Action) -> Callers:
    """The roles and scopes that may take one of ``actions``."""
    return Callers(
        roles=tuple(
            role for role in Role.values if any(a in STAFF_ACTIONS.get(role, {}) for a in actions)
        ),
        scopes=tuple(
            scope.value
            for scope in Scope
            if any(a in PARTNER_ACTIONS.get(scope, set()) for a in actions)
        ),
    )


def admin_may(user: Reader, permission: str) -> bool:
    """A Django model permission (``app.codename``), as the admin and its actions ask it.

    Only a caller who may administer has any; it views every model (the administrator reads
    everything) and changes only what its role's list names (gfss.org.roles).
    """
    from gfss.org.roles import ROLE_PERMISSIONS

    caller = caller_of(user)
    if not caller.is_staff or not may(user, Action.ADMINISTER):
        return False
    if permission.partition(".")[2].startswith("view_"):
        return True
    return permission in ROLE_PERMISSIONS.get(caller.role or "", ())


def is_fund_staff(user: Reader) -> bool:
    return caller_of(user).is_staff


def is_partner(user: Reader) -> bool:
    return caller_of(user).partner


def staff_branch_id(user: Reader) -> int | None:
    return caller_of(user).branch_id

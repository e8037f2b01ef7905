"""Domain errors of e-cases, offers and award decisions; each a specific code for the caller."""

from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from benefits.documents import missing_in_words
from benefits.models import (
    Application,
    Award,
    AwardDecision,
    BenefitType,
    ProactiveOffer,
    RefusalCode,
)
from gfss.common import display
from gfss.common.exceptions import ApplicationError, ConflictError, NotFoundError


def _benefit_label(benefit: str) -> str:
    return str(dict(BenefitType.choices).get(benefit, benefit))


class ForbiddenError(ApplicationError):
    """The caller is known and may see the object, but this action is not theirs: HTTP 403."""

    status_code = 403


class PersonUnknownError(ApplicationError):
    def __init__(self, iin: str, *, role: str = "applicant") -> None:
        super().__init__(
            (
                _("No person with IIN %(iin)s, given as the deceased, is in the registry.")
                if role == "deceased"
                else _("No person with IIN %(iin)s is in the registry.")
            )
            % {"iin": iin},
            code="person_unknown",
            extra={"iin": iin, "role": role},
        )


class PersonRegionUnknownError(ApplicationError):
    def __init__(self, iin: str) -> None:
        super().__init__(
            _(
                "The person with IIN %(iin)s has no region in the registry, so no branch can "
                "take the e-case."
            )
            % {"iin": iin},
            code="person_region_unknown",
            extra={"iin": iin},
        )


class PersonOfPensionAgeError(ApplicationError):
    def __init__(self, *, iin: str, pension_date: date) -> None:
        super().__init__(
            _(
                "The person with IIN %(iin)s reached pension age on %(date)s; people of "
                "pension age are not participants."
            )
            % {"iin": iin, "date": display.day(pension_date)},
            code="person_of_pension_age",
            extra={"iin": iin, "pension_date": pension_date.isoformat()},
        )


class PersonDeceasedError(ApplicationError):
    def __init__(self, *, iin: str, death_date: date) -> None:
        super().__init__(
            _("The applicant with IIN %(iin)s is registered as deceased on %(date)s.")
            % {"iin": iin, "date": display.day(death_date)},
            code="person_deceased",
            extra={"iin": iin, "death_date": death_date.isoformat()},
        )


class DateInFutureError(ApplicationError):
    def __init__(self, *, field: str, value: date, today: date) -> None:
        messages = {
            "right_date": _("The date the right arises, %(date)s, is after today (%(today)s)."),
            "received_on": _(
                "The date the application was received, %(date)s, is after today (%(today)s)."
            ),
        }
        super().__init__(
            messages.get(field, _("The date %(date)s is after today (%(today)s)."))
            % {"date": display.day(value), "today": display.day(today)},
            code=f"{field}_in_future",
            extra={"field": field, "date": value.isoformat(), "today": today.isoformat()},
        )


class FactsMissingError(ApplicationError):
    def __init__(self, *, benefit: str, missing: list[str]) -> None:
        super().__init__(
            _("The application for “%(benefit)s” lacks: %(missing)s.")
            % {"benefit": _benefit_label(benefit), "missing": missing_in_words(missing)},
            code="facts_missing",
            extra={"benefit": benefit, "missing": missing},
        )


class BenefitAlreadyReceivedError(ConflictError):
    def __init__(self, *, benefit: str, event_key: str, existing: str) -> None:
        super().__init__(
            _("The person already has an e-case for “%(benefit)s” for the same event (%(event)s).")
            % {"benefit": _benefit_label(benefit), "event": event_key},
            code="benefit_already_received",
            extra={"benefit": benefit, "event": event_key, "application": existing},
        )


class ApplicationNotFoundError(NotFoundError):
    def __init__(self, application: object) -> None:
        super().__init__(
            _("No e-case %(application)s is visible to you.") % {"application": application},
            code="application_not_found",
            extra={"application": str(application)},
        )


class AwardNotFoundError(NotFoundError):
    def __init__(self, award: object) -> None:
        super().__init__(
            _("No award %(award)s is visible to you.") % {"award": award},
            code="award_not_found",
            extra={"award": str(award)},
        )


class OfferNotFoundError(NotFoundError):
    def __init__(self, offer: object) -> None:
        super().__init__(
            _("No offer %(offer)s is visible to you.") % {"offer": offer},
            code="offer_not_found",
            extra={"offer": str(offer)},
        )


# What a refused state change would have done, as the sentence's verb in each language.
_STATE_ACTIONS = {
    "assigned": pgettext_lazy("e-case action", "assigned"),
    "refused": pgettext_lazy("e-case action", "refused"),
    "returned": pgettext_lazy("e-case action", "returned"),
    "confirmed": pgettext_lazy("e-case action", "confirmed"),
    "sent back": pgettext_lazy("e-case action", "sent back"),
    "taken": pgettext_lazy("e-case action", "taken"),
}


class ApplicationStateError(ConflictError):
    """Someone else decided first, or the case is not in a state for this action."""

    def __init__(self, *, status: str, action: str) -> None:
        label = dict(Application.Status.choices).get(status, status)
        super().__init__(
            _("The e-case is “%(status)s”; it cannot be %(action)s now.")
            % {"status": label, "action": _STATE_ACTIONS.get(action, action)},
            code="application_already_decided"
            if status not in ("received", "in_review")
            else "application_state_invalid",
            extra={"status": status, "action": action},
        )


class CaseHeldError(ConflictError):
    """Another specialist holds the case: it is read, or taken over, never decided past them."""

    def __init__(self, *, holder: str, since: datetime) -> None:
        super().__init__(
            _("%(holder)s holds this e-case since %(since)s; take it over to decide it.")
            % {"holder": holder, "since": date_format(localtime(since), "SHORT_DATETIME_FORMAT")},
            code="application_held",
            extra={"holder": holder, "since": since.isoformat()},
        )


class RefusalContradictsChecksError(ApplicationError):
    def __init__(self, *, reason: str) -> None:
        super().__init__(
            _(
                "“%(reason)s” contradicts the case's calculation and checks: choose a reason "
                "they support, or describe another reason."
            )
            % {"reason": dict(RefusalCode.choices).get(reason, reason)},
            code="refusal_reason_contradicts_checks",
            extra={"reason": reason},
        )


class RoleNotAllowedError(ForbiddenError):
    def __init__(self, *, action: str) -> None:
        # What a role may not do (the benefits.access callers' actions), as a whole sentence.
        messages = {
            "review e-cases": _("Your role does not allow you to review e-cases."),
            "decide e-cases": _("Your role does not allow you to decide e-cases."),
            "confirm decisions": _("Your role does not allow you to confirm decisions."),
            "decide on awards": _("Your role does not allow you to decide on awards."),
        }
        super().__init__(
            messages.get(action, _("Your role does not allow this action.")),
            code="role_not_allowed",
            extra={"action": action},
        )


class CheckerIsMakerError(ForbiddenError):
    def __init__(self) -> None:
        super().__init__(
            _("The decision needs a second person: you made it, so you cannot confirm it."),
            code="checker_is_maker",
        )


class CalculationNotEligibleError(ApplicationError):
    def __init__(self, *, reason: str | None) -> None:
        super().__init__(
            _(
                "The calculation refuses the benefit (%(reason)s); refuse the case, or assign "
                "with an amount you set (a checker confirms it)."
            )
            % {"reason": dict(RefusalCode.choices).get(reason or "", reason or "")},
            code="calculation_not_eligible",
            extra={"refusal_reason": reason},
        )


class OfferStateError(ConflictError):
    def __init__(self, *, status: str) -> None:
        super().__init__(
            _("The offer is “%(status)s”; it can no longer be accepted.")
            % {"status": dict(ProactiveOffer.Status.choices).get(status, status)},
            code=f"offer_{status}",
            extra={"status": status},
        )


class AwardStateError(ConflictError):
    """The award's (or, for ``confirmed``, its decision's) state does not allow the action."""

    def __init__(self, *, status: str, action: str) -> None:
        messages = {
            "suspended": _("The award is already suspended; resume it before suspending it again."),
            "recalculated": _(
                "A terminated award or one paid in a single sum cannot be recalculated."
            ),
            "changed": _("The award is terminated; it can no longer be suspended or resumed."),
            "terminated": _("The award is already terminated."),
            "confirmed": _("The decision no longer waits for confirmation (%(status)s)."),
        }
        labels = dict(
            AwardDecision.Status.choices if action == "confirmed" else Award.Status.choices
        )
        state = labels.get(status, status)
        super().__init__(
            messages[action] % {"status": state} if action in messages else str(state),
            code="award_state_invalid",
            extra={"status": status, "action": action},
        )


class AwardDecisionPendingError(ConflictError):
    def __init__(self) -> None:
        super().__init__(
            _("A decision on this award already waits for confirmation."),
            code="award_decision_pending",
        )


class EffectiveDateInvalidError(ApplicationError):
    def __init__(self, *, effective: date, start: date) -> None:
        super().__init__(
            _(
                "The decision cannot take effect on %(effective)s, before the award starts (%(start)s)."
            )
            % {"effective": display.day(effective), "start": display.day(start)},
            code="effective_date_invalid",
            extra={"effective_date": effective.isoformat(), "start_date": start.isoformat()},
        )


class EffectiveDateAfterEndError(ApplicationError):
    def __init__(self, *, effective: date, end: date) -> None:
        super().__init__(
            _("The decision cannot take effect on %(effective)s: the award ends on %(end)s.")
            % {"effective": display.day(effective), "end": display.day(end)},
            code="effective_date_after_end",
            extra={"effective_date": effective.isoformat(), "end_date": end.isoformat()},
        )


class EffectiveDateBeforeLastChangeError(ApplicationError):
    def __init__(self, *, effective: date, last: date) -> None:
        super().__init__(
            _(
                "The decision cannot take effect on %(effective)s, before the award's last "
                "suspension or resumption (%(last)s)."
            )
            % {"effective": display.day(effective), "last": display.day(last)},
            code="effective_date_before_last_change",
            extra={"effective_date": effective.isoformat(), "last_change": last.isoformat()},
        )


class AwardNotSuspendedError(ConflictError):
    def __init__(self) -> None:
        super().__init__(
            _("The award is not suspended; there is nothing to resume."),
            code="award_not_suspended",
        )


class TerminationBeforeSuspensionError(ApplicationError):
    def __init__(self, *, effective: date, suspended: date) -> None:
        super().__init__(
            _(
                "The termination cannot take effect on %(effective)s, before the suspension "
                "in force from %(suspended)s."
            )
            % {"effective": display.day(effective), "suspended": display.day(suspended)},
            code="termination_before_suspension",
            extra={
                "effective_date": effective.isoformat(),
                "suspended_from": suspended.isoformat(),
            },
        )

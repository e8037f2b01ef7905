"""Domain errors of refunds: a specific code and a message in the caller's language."""

from typing import Any

from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError, ConflictError, NotFoundError


class RefundInputError(ApplicationError):
    """Bad input on an application: nothing is written."""

    def __init__(self, message: str, *, code: str, **extra: Any) -> None:
        super().__init__(message, code=code, extra=extra)


class RefundConflictError(ConflictError):
    """The application is not in a state that allows this step (HTTP 409)."""

    def __init__(self, message: str, *, code: str, **extra: Any) -> None:
        super().__init__(message, code=code, extra=extra)


class RefundForbiddenError(ApplicationError):
    """The officer may see the application but not take this step (HTTP 403)."""

    status_code = 403

    def __init__(self, message: str, *, code: str, **extra: Any) -> None:
        super().__init__(message, code=code, extra=extra)


class RefundNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__(
            _("No refund application with this id is visible to you."),
            code="refund_not_found",
        )


class PayoutOrderNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__(
            _("No refund payout order with this id is visible to you."),
            code="payout_order_not_found",
        )

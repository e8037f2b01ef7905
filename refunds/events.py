"""The history of a refund application: append-only event rows, written in the transaction of
the change."""

from typing import Any

from gfss.org.actors import Actor
from refunds.models import RefundApplication, RefundEvent


def refund_event_write(
    *,
    application: RefundApplication,
    kind: str,
    actor: Actor | None,
    from_status: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    to_status: str | None = None,
) -> RefundEvent:
    """Record a step; ``to_status`` is the application's status after it unless given (the
    steps of one transaction, such as arrival and the check)."""
    return RefundEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status or application.status,
        comment=comment,
        data=data or {},
    )

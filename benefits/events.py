"""The e-case history: append-only event rows, written in the transaction of the change."""

from typing import Any

from benefits.models import Application, ApplicationEvent
from gfss.org.actors import Actor


def application_event_write(
    *,
    application: Application,
    kind: str,
    actor: Actor | None,
    from_status: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """Record a transition; ``to_status`` is the application's status after the change."""
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=application.status,
        comment=comment,
        data=data or {},
    )

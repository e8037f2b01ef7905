"""The kinds of batch job and what each does with a chunk of ids.

Apps register their kinds in ``AppConfig.ready`` so that ``gfss.jobs`` depends on no app
(architecture.md: ``gfss.*`` is imported by the apps, never the other way round).
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

from gfss.common.exceptions import ApplicationError


@dataclass(frozen=True)
class Scope:
    """What a run covers, fixed when it starts: ids up to ``upper_id``, ``total`` of them."""

    total: int
    upper_id: int


@dataclass(frozen=True)
class ChunkOutcome:
    """One committed chunk: ``last_id`` becomes the cursor; ``done`` ids were looked at."""

    last_id: int
    done: int
    changed: int
    skipped: int


class JobKind(Protocol):
    chunk_size: int

    def scope(self, params: dict[str, Any]) -> Scope: ...

    def run_chunk(
        self, *, run_id: int, params: dict[str, Any], after_id: int, upper_id: int, limit: int
    ) -> ChunkOutcome:
        """Do the work for the next ``limit`` ids in ``(after_id, upper_id]``, set-based.

        Runs inside the transaction that also advances the run's cursor, so it must be
        idempotent only across chunks (a chunk is committed whole or not at all).
        """
        ...

    def finish(self, *, run_id: int, params: dict[str, Any]) -> dict[str, Any]:
        """A short JSON summary stored on the run once every chunk is done."""
        ...


@dataclass(frozen=True)
class Field:
    """How a parameter or a result of a kind is shown: its label and what its value is
    (``month``, ``day``, ``money``, ``count``, ``items`` for a list counted, ``text``)."""

    label: Any
    shown_as: str = "text"


@dataclass(frozen=True)
class Labels:
    kind: Any
    fields: dict[str, Field]


_KINDS: dict[str, JobKind] = {}
_LABELS: dict[str, Labels] = {}


def register(
    kind: str, handler: JobKind, *, label: Any = None, fields: dict[str, Field] | None = None
) -> None:
    """``label`` names the kind on the pages; ``fields`` say how its parameters and result
    are shown (keys left out are not shown)."""
    _KINDS[kind] = handler
    _LABELS[kind] = Labels(kind=label or kind, fields=fields or {})


def labels(kind: str) -> Labels:
    return _LABELS.get(kind, Labels(kind=kind, fields={}))


def get(kind: str) -> JobKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise ApplicationError(
            _("No batch job of kind %(kind)s exists.") % {"kind": repr(kind)},
            code="batch_kind_unknown",
        ) from None

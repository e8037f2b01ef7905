from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from benefits.amounts import split_gross
from benefits.models import Award
from benefits.services.awards import award_create
from gfss.celery import app as celery_app
from gfss.jobs.models import BatchRun
from gfss.jobs.services import batchrun_step
from gfss.legal.selectors import parameter_value
from tests.factories import PersonFactory, branch


@pytest.fixture
def make_award(db: None) -> Callable[..., Award]:
    """An award made by the real service, with OPV split as the calculators do."""

    def make(
        benefit: str = "disability",
        *,
        start: date = date(2021, 6, 1),
        end: date | None = None,
        gross: str = "100000.00",
        assigned_on: date | None = None,
        right_date: date | None = None,
        calculation: dict[str, Any] | None = None,
    ) -> Award:
        amount = Decimal(gross)
        opv, _ = split_gross(
            amount, benefit=benefit, opv_rate=parameter_value("benefit.opv_rate", on=start)
        )
        return award_create(
            person=PersonFactory(),
            benefit=benefit,
            branch=branch("75"),
            right_date=right_date or start,
            assigned_on=assigned_on or start,
            start_date=start,
            end_date=end,
            gross=amount,
            opv=opv,
            actor=None,
            calculation=calculation,
        )

    return make


def run_to_end(run: BatchRun) -> BatchRun:
    """Step a batch run in-process until it stops, as the worker's task would."""
    while batchrun_step(run_id=run.pk):
        pass
    run.refresh_from_db()
    return run


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Tasks run inline even where REDIS_URL is set (the worker test starts a real worker)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Payout files go to a fresh storage folder per test, never into the working tree."""
    settings.MEDIA_ROOT = str(tmp_path / "media")

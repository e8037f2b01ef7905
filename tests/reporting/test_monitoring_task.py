from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from reporting.summaries import summaries_refresh
from reporting.tasks import payer_monitoring_task
from tests.contributions.documents import document, line_for, load
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

EMPLOYER = "150540012348"


def test_the_monthly_task_writes_the_list_of_falling_payers(settings: Any, tmp_path: Path) -> None:
    # given an employer with 50 participants in April and 20 in May
    settings.MEDIA_ROOT = tmp_path
    staff = PersonFactory.create_batch(50)
    load(
        document(
            payer_idn=EMPLOYER,
            lines=[line_for(p, "5000.00", date(2024, 4, 1)) for p in staff],
            value_date=date(2024, 5, 10),
        )
    )
    load(
        document(
            payer_idn=EMPLOYER,
            lines=[line_for(p, "5000.00", date(2024, 5, 1)) for p in staff[:20]],
            value_date=date(2024, 6, 10),
        )
    )
    summaries_refresh(trigger="command")  # the night's summaries, before the task
    # when
    result = payer_monitoring_task(month="2024-05")
    # then
    assert result["payers"] == 1
    sheet = load_workbook(Path(result["file"])).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1:5] == (EMPLOYER, rows[1][2], 50, 20)
    # and running it again gives the same file
    assert payer_monitoring_task(month="2024-05") == result

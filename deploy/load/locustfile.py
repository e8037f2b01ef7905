"""The mixed traffic of `make bench-load`: partner systems on the API and staff on the pages.

Everything it needs (tokens, a staff session, IINs, e-case ids, small MT-102 documents) is in
the plan file that ``manage.py bench_load`` writes (LOAD_PLAN); each simulated user sends at
most one request a second, so the number of users is the offered rate.
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
DOCUMENTS = sorted(Path(PLAN["documents"]).glob("*.mt102"))
_next_document = itertools.count(int(os.environ.get("LOAD_FIRST_DOCUMENT", "0")))
CALCULATIONS = [
    {
        "benefit": "job_loss",
        "right_date": "2025-05-12",
        "avg_monthly_income": "300000",
        "stazh_months": 40,
    },
    {
        "benefit": "job_loss",
        "right_date": "2025-03-03",
        "avg_monthly_income": "185000",
        "stazh_months": 14,
    },
    {
        "benefit": "job_loss",
        "right_date": "2024-11-20",
        "avg_monthly_income": "520000",
        "stazh_months": 90,
    },
]


def _token(scope: str) -> dict[str, str]:
    return {"Authorization": f"Token {PLAN['tokens'][scope]}"}


class Visitor(FastHttpUser):
    wait_time = constant_throughput(1)

    @task(3)
    def api_statement(self) -> None:
        iin = random.choice(PLAN["iins"])  # noqa: S311 - load mix, not secrets
        self.client.get(
            f"/api/v1/persons/{iin}/statement?from=2024-01&to=2024-12",
            headers=_token("statements"),
            name="api statement",
        )

    @task(2)
    def api_application_status(self) -> None:
        uuid = random.choice(PLAN["applications"])  # noqa: S311
        self.client.get(
            f"/api/v1/applications/{uuid}/status",
            headers=_token("applications"),
            name="api application status",
        )

    @task(2)
    def api_calculate(self) -> None:
        self.client.post(
            "/api/v1/benefits/calculate",
            json=random.choice(CALCULATIONS),  # noqa: S311
            headers=_token("calculate"),
            name="api calculate",
        )

    @task(1)
    def api_mt102_upload(self) -> None:
        path = DOCUMENTS[next(_next_document) % len(DOCUMENTS)]
        with self.client.post(
            f"/api/v1/payments/mt102/?filename={path.name}",
            data=path.read_bytes(),
            headers={**_token("payments"), "Content-Type": "application/octet-stream"},
            name="api mt102 upload",
            catch_response=True,
        ) as response:
            # 200 is a document sent a second time (the plan's documents ran out): answered.
            if response.status_code in (200, 201):
                response.success()

    def _page(self, path: str, name: str) -> None:
        with self.client.get(
            path,
            headers={"Cookie": f"sessionid={PLAN['session']}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A redirect here is to the login page: the session was refused.
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(1)
    def page_queue(self) -> None:
        self._page("/ru/cases/", "page queue")

    @task(1)
    def page_case(self) -> None:
        self._page(f"/ru/cases/{random.choice(PLAN['cases'])}/", "page e-case")  # noqa: S311

    @task(1)
    def page_person_statement(self) -> None:
        iin = random.choice(PLAN["iins"])  # noqa: S311
        self._page(f"/ru/contributions/statement/{iin}/", "page person statement")

"""A board member's journey for Locust: open a page, change filters, move between pages.

Each simulated user fetches the page shell (as a browser does), then sends the same
`/_dash-update-component` requests the browser sends when filters change. Run by
benchmarks/run.py against gunicorn; alone:
    locust -f benchmarks/locustfile.py --headless -u 50 -r 25 -t 60s --host http://127.0.0.1:8050
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.core import ids
from tests.pages_payload import page_payload

AREAS = ["force", "lpa:North", "lpa:South", "lpa:West", "district:Colchester", "district:Harlow"]
DISTRICTS = ["district:Colchester", "district:Harlow", "district:Basildon", "district:Tendring"]
MONTHS = ["2019-03", "2020-03", "2020-09", "2021-03"]
PAGES = [ids.OVERVIEW, ids.INCIDENTS, ids.ATTENDANCE, ids.PERCEPTION, ids.MSG, ids.TARGETS]


class BoardMember(HttpUser):
    wait_time = between(1, 3)  # reading the page between clicks

    def on_start(self) -> None:
        self.client.get("/", name="page shell")
        self.client.headers["X-CSRFToken"] = self.client.cookies.get("_csrf_token", "")

    def _callback(self, page: str, **filters) -> None:
        self.client.post(
            "/_dash-update-component",
            json=page_payload(page, **filters),
            name=f"callback: {page}",
        )

    @task(6)
    def change_filters(self) -> None:
        self._callback(
            random.choice(PAGES),
            area=random.choice(AREAS),
            to=random.choice(MONTHS),
            covid=random.choice(["include", "exclude"]),
        )

    @task(2)
    def district_view(self) -> None:
        self._callback(ids.DISTRICT, area=random.choice(DISTRICTS), to=random.choice(MONTHS))

    @task(1)
    def open_a_page(self) -> None:
        self.client.get(random.choice(["/", "/incidents", "/district", "/msg"]), name="page shell")

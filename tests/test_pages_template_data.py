"""Every page works on a force's own data loaded through the templates alone."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from dashboard.app import create_app
from dashboard.builders.registry import PAGES
from dashboard.core import ids
from dashboard.core.database import db
from dashboard.loaders.bootstrap import DATA, FORCE_NAME
from dashboard.loaders.templates import load_template
from tests.conftest import csrf_client, geography_database
from tests.pages_payload import page_payload, texts, url_key

with (DATA / "geography" / "essex_geography.csv").open(encoding="utf-8") as _f:
    DISTRICTS = sorted({r["policing_district"] for r in csv.DictReader(_f)})


def _write(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def template_app(tmp_path_factory, default_db_url):
    tmp = tmp_path_factory.mktemp("templates")
    url = f"sqlite:///{tmp / 'force.sqlite3'}"
    engine = geography_database(url)
    rng = np.random.default_rng(1)
    rows = []
    for i in range(48):  # April 2019 to March 2023
        month = f"{2019 + (i + 3) // 12}-{(i + 3) % 12 + 1:02d}"
        for district in DISTRICTS:
            for category in ("personal", "nuisance", "environmental"):
                n = int(rng.poisson(120 if category == "nuisance" else 30))
                rows.append([month, "district", district, category, "false", n, n // 2])
    load_template(
        engine,
        "incidents",
        _write(
            tmp / "incidents.csv",
            ["month", "area_type", "area", "category", "covid_breach", "incidents", "attended"],
            rows,
        ),
    )
    msg_rows = [
        [name, "asb_incidents", f"{y - 1}-04-01", f"{y}-03-31", value, pop]
        for y in (2021, 2022, 2023)
        for name, value, pop in (
            (FORCE_NAME, 60_000 - y, 1_724_950),
            ("Neighbour One", 40_000, 1_200_000),
            ("Neighbour Two", 50_000, 1_500_000),
        )
    ]
    load_template(
        engine,
        "msg",
        _write(
            tmp / "msg.csv",
            ["force", "measure", "period_start", "period_end", "value", "population"],
            msg_rows,
        ),
    )
    survey = "Essex Police Confidence and Satisfaction Survey"
    load_template(
        engine,
        "surveys",
        _write(
            tmp / "surveys.csv",
            [
                "survey",
                "question",
                "area_type",
                "area",
                "period_start",
                "period_end",
                "pct",
                "base_n",
            ],
            [
                [
                    survey,
                    "Q8a dealing with ASB",
                    "force",
                    FORCE_NAME,
                    f"{y - 1}-04-01",
                    f"{y}-03-31",
                    p,
                    1200,
                ]
                for y, p in ((2021, 61), (2022, 64), (2023, 66))
            ],
        ),
    )
    load_template(
        engine,
        "targets",
        _write(
            tmp / "targets.csv",
            [
                "measure",
                "area_type",
                "area",
                "direction",
                "baseline_period_start",
                "baseline_period_end",
                "baseline_value",
                "target_period_end",
                "target_value",
            ],
            [
                [
                    "asb_incidents",
                    "force",
                    FORCE_NAME,
                    "decrease",
                    "2019-04-01",
                    "2020-03-31",
                    55000,
                    "2024-03-31",
                    50000,
                ]
            ],
        ),
    )
    engine.dispose()
    app = create_app(
        {"database_url": url, "instance_dir": tmp, "log_level": "WARNING", "demo": True}
    )
    yield app
    db.configure(default_db_url)


@pytest.mark.parametrize(
    "page",
    [spec.id for spec in PAGES],
)
def test_tpd001_every_page_on_template_data(template_app, page):
    client = csrf_client(template_app)
    area = "district:Harlow" if page == ids.DISTRICT else "force"
    response = client.post(
        "/_dash-update-component", json=page_payload(page, area=area, to="2023-03")
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    body = response.get_json()["response"]
    text = " ".join(texts(body[ids.content_id(page)]["children"]))
    assert "Data to:" in text and "force incidents March 2023" in text
    assert body[url_key(page)]["data"].startswith(f"?area={area}")
    if page == ids.PERCEPTION:
        assert "95% confidence intervals are shown" in text  # base n was loaded
    if page == ids.MSG:
        assert "3rd of 3" in text  # the highest rate of the three forces loaded
    if page == ids.DISTRICT:
        assert "No police.uk records are loaded" in text
    if page == ids.TARGETS:
        assert "Chance of meeting the target:" in text  # target date is after the data

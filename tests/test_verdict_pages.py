"""Verdicts and labels on the pages (issue 12): each finding of the statistical review, as a
board member would read it on screen."""

from __future__ import annotations

import shutil

import pytest

from dashboard import ids
from dashboard.bootstrap import DATA
from dashboard.database import db
from dashboard.loaders.templates import load_template
from tests.conftest import csrf_client
from tests.pages_payload import page_payload, texts


@pytest.fixture(scope="module")
def survey_url(default_db_url, tmp_path_factory):
    """The default data plus the example survey file (district results with their base n)."""
    path = tmp_path_factory.mktemp("verdicts") / "asb.sqlite3"
    shutil.copyfile(default_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    db.configure(url)
    load_template(db.engine, "surveys", DATA / "examples" / "surveys.csv", "pytest")
    return url


@pytest.fixture(scope="module")
def survey_app(survey_url, tmp_path_factory):
    from dashboard.app import create_app

    return create_app(
        {
            "database_url": survey_url,
            "instance_dir": tmp_path_factory.mktemp("verdicts-instance"),
            "log_level": "WARNING",
            "demo": True,
        }
    )


def _text(app, page: str, **filters) -> str:
    client = csrf_client(app)
    response = client.post("/_dash-update-component", json=page_payload(page, **filters))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return " ".join(texts(response.get_json()["response"][ids.content_id(page)]["children"]))


def test_vp006_overview_confidence_interval_is_the_wilson_interval(survey_app, survey_url):
    """Finding 6: the Overview showed "±44.4 points (n = 402)", a Wald interval at 19.6 SE;
    the Perception page shows the right Wilson interval, 66.4–75.2%."""
    db.configure(survey_url)
    overview = _text(survey_app, ids.OVERVIEW, area="district:Colchester")
    assert "66.4–75.2%" in overview and "n = 402" in overview
    assert "±44.4" not in overview
    perception = _text(survey_app, ids.PERCEPTION, area="district:Colchester")
    assert "66.4" in perception and "75.2" in perception  # the same interval on both pages

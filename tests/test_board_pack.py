"""The board pack PDF: valid, numbered, and carrying the headline figures and the filters."""

from __future__ import annotations

import io
import shutil
import time

import pytest
from pypdf import PdfReader

from dashboard.core import ids
from queries.export_jobs import create_job, job_status
from tests.conftest import skip_or_fail
from tests.pages_payload import board_pack_file, poll_board_pack, start_board_pack

pytestmark = pytest.mark.browser  # kaleido draws the charts with Chromium


@pytest.fixture(autouse=True)
def _needs_chromium():
    if not shutil.which("chromium"):
        skip_or_fail("browser", "the board pack needs Debian's chromium to draw charts")


def _pack(client, query: str) -> tuple[object, list[str]]:
    response = client.get(f"/board-pack.pdf?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages]
    return response, pages


def test_bp001_force_pack(client):
    response, pages = _pack(client, "area=force&to=2021-03&covid=include")
    disposition = response.headers["Content-Disposition"]
    assert 'filename="asb-board-pack_essex-police-force_12m-to-2021-03.pdf"' in disposition
    assert 15 <= len(pages) <= 40
    for number, text in enumerate(pages, start=1):
        assert f"Page {number}" in text  # every page numbered
    cover = pages[0]
    for expected in (
        "ASB Oversight Board pack",
        "Area: Essex Police (force)",
        "Period: 12 months to March 2021, including Covid breaches",
        "?area=force&to=2021-03&covid=include",
        "Generated:",
    ):
        assert expected in cover, expected
    text = "\n".join(pages)
    for expected in (
        "60,391",
        "33,644",
        "56%",
        "6th of 8",
        "69% agree",
        "Incidents",
        "Attendance",
        "Most Similar Group",
        "Plan targets",
        "SPC assurance",
        "Caveats",
        "Methods",
        "52,750 vs 52,837",
    ):
        assert expected in text, expected
    assert "District view" not in text  # only for a district


def test_bp002_district_pack(client):
    _, pages = _pack(client, "area=district:Colchester&to=2020-03&covid=exclude")
    text = "\n".join(pages)
    assert "Area: Colchester district" in pages[0]
    assert "12 months to March 2020, excluding Covid breaches" in pages[0]
    assert ("District view" in text and "Top hot spots" not in text) or "hot" in text.lower()
    assert "Illustrative" in text


def test_bp003_no_chromium_gives_a_clear_page(client, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    response = client.get("/board-pack.pdf?area=force")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "The board pack could not be made" in body and "needs Chromium" in body
    assert "Traceback" not in body


def test_bp004_background_pdf_shows_progress_then_downloads(dash_app, client):
    job_id = start_board_pack(
        dash_app, client, "pdf", "?area=district:Colchester&to=2020-03&covid=exclude"
    )
    seen = poll_board_pack(dash_app, client, job_id)
    statuses = " ".join(str(b) for b in seen)
    assert "Gathering page" in statuses or "Drawing chart" in statuses  # progress was shown
    assert "Progress" in statuses  # as a progress bar
    name, content = board_pack_file(seen[-1])
    assert name == "asb-board-pack_colchester-district_12m-to-2020-03.pdf"
    cover = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Area: Colchester district" in cover
    assert "Board pack ready" in str(seen[-1])
    again = client.get(f"/board-pack/file/{job_id}")
    assert again.status_code == 200 and again.data == content


def test_bp006_background_failure_is_a_clear_message(dash_app, client, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    job_id = start_board_pack(dash_app, client, "pdf", "?area=force&to=2021-03&covid=include")
    last = poll_board_pack(dash_app, client, job_id)[-1]
    assert "needs Chromium" in str(last) and "Traceback" not in str(last)
    assert not any(ids.BOARD_PACK_DOWNLOAD in k for k in last)


def test_bp007_a_job_that_stops_reporting_times_out(dash_app, client):
    job_id = create_job("board_pack_pdf", "?area=force")  # never started: as if its worker died
    dash_app.server.config["ASB_EXPORT_TIMEOUT"] = 0
    try:
        time.sleep(0.05)
        last = poll_board_pack(dash_app, client, job_id)[-1]
    finally:
        dash_app.server.config["ASB_EXPORT_TIMEOUT"] = 180
    assert "took longer than 0 seconds" in str(last)
    assert job_status(job_id).status == "failed"

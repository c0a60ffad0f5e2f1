"""The board pack PDF: valid, numbered, and carrying the headline figures and the filters."""

from __future__ import annotations

import io
import shutil

import pytest
from pypdf import PdfReader

from tests.conftest import skip_or_fail

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

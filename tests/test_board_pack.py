"""The board pack PDF: valid, tagged, bookmarked, at most 16 pages, numbered, and carrying the
headline figures, the filters in words, and tables a board can file (numbers right-aligned,
headers repeated, no page holding a stray row or two of a split table)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
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


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        skip_or_fail("poppler", f"{name} (poppler-utils) reads the PDF back")
    return str(path)


def _accessible(pdf: bytes, tmp_path) -> list[str]:
    """Check the PDF is tagged, titled, in English and bookmarked; its outline's titles."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+ASB Oversight Board pack: ", info, re.M), info
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def _words(pdf: bytes, tmp_path, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, yMin, word) of each word on a page, from pdftotext's bounding boxes."""
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [_tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
    ).stdout
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        out,
    )
    return [(float(x0), float(x1), float(y0), w) for x0, y0, x1, w in found]


def test_bp001_force_pack(client, tmp_path):
    response, pages = _pack(client, "area=force&to=2021-03&covid=include")
    disposition = response.headers["Content-Disposition"]
    assert 'filename="asb-board-pack_essex-police-force_12m-to-2021-03.pdf"' in disposition
    assert 8 <= len(pages) <= 16
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text  # every page numbered
        assert text.strip() != f"Page {number} of {len(pages)}"  # and none blank
    cover = pages[0]
    for expected in (
        "ASB Oversight Board pack",
        "Area: Essex Police (force)",
        "Period: 12 months to March 2021",
        "Covid breaches: Including Covid breaches",
        "Data to: force incidents March 2021",
        "Data version: data load ",
        "Generated: ",
    ):
        assert expected in cover, expected
    assert "?area=" not in cover and "to=2021-03" not in cover  # the filters in words only
    assert "Headline figures" in pages[1] and "60,391" in pages[1]  # the headline first
    outline = _accessible(response.data, tmp_path)
    for heading in ("Headline figures", "Incidents", "Plan targets", "Caveats", "Methods"):
        assert heading in outline, heading
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


def test_bp002_district_pack(client, tmp_path):
    response, pages = _pack(client, "area=district:Colchester&to=2020-03&covid=exclude")
    text = "\n".join(pages)
    assert len(pages) <= 16
    assert "Area: Colchester district" in pages[0]
    assert "Period: 12 months to March 2020" in pages[0]
    assert "Covid breaches: Excluding Covid breaches" in pages[0]
    assert "?area=" not in pages[0]
    assert ("District view" in text and "Top hot spots" not in text) or "hot" in text.lower()
    outline = _accessible(response.data, tmp_path)
    assert outline[0] == "ASB Oversight Board pack"
    assert "District view" in outline and "Appendix: data tables" in outline
    assert any(
        t.startswith("Table A1: Monthly ASB incidents, Colchester district") for t in outline
    )
    # every page with a modelled figure says so on that page
    for number, page in enumerate(pages[2:], start=3):
        if "(modelled)" in page or "Illustrative" in page:
            assert "Illustrative" in page, number
    assert sum("Illustrative" in p for p in pages) >= 10

    # the headline page's districts table: numbers right-aligned (their right edges line up,
    # their left edges do not: "−13%" and "−8%" differ in width), against the page model
    words = _words(response.data, tmp_path, 2)
    top = min(y for _x0, _x1, y, w in words if w == "compared")  # "Districts compared"
    names = ("Basildon", "Colchester", "Harlow")
    rows = {y: x0 for x0, _x1, y, w in words if w in names and y > top and x0 < 60}  # column 1
    assert len(rows) == 3
    change = [
        (x0, x1, w)
        for x0, x1, y, w in words
        if any(abs(y - row) < 1 for row in rows) and re.fullmatch(r"[−+]\d+%", w)
    ]
    assert len(change) == 3, change
    assert max(x1 for _, x1, _ in change) - min(x1 for _, x1, _ in change) < 0.5
    assert max(x0 for x0, _, _ in change) - min(x0 for x0, _, _ in change) > 2
    assert "Colchester 4,426 −8%" in pages[1].replace("\u2212", "−")


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


def _split_pages(filler_mm: int, rows: int = 40) -> list[str]:
    """A long pack table pushed `filler_mm` down its first page, laid out by WeasyPrint with
    the pack's stylesheet; each page's text."""
    from weasyprint import HTML

    from dashboard.render.board_pack import CSS
    from dashboard.render.board_pack_html import table_html

    data = {
        "caption": "Monthly incidents",
        "columns": ["Month", "Incidents"],
        "numeric": [False, True],
        "rows": [[f"Month {i:02d}", f"{i * 97:,}"] for i in range(rows)],
    }
    html = (
        f"<html lang='en-GB'><head><title>t</title><style>{CSS.read_text()}</style></head><body>"
        f"<div style='height:{filler_mm}mm'></div>{table_html(data)}</body></html>"
    )
    pdf = HTML(string=html).write_pdf()
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_bp008_a_split_table_keeps_four_rows_a_page_and_repeats_its_header():
    splits = 0
    for filler in range(100, 186, 4):  # the table starts ever lower, so some split falls late
        pages = _split_pages(filler)
        counts = [len(re.findall(r"Month \d\d", p)) for p in pages]
        assert sum(counts) == 40, (filler, counts)
        assert all(c == 0 or c >= 4 for c in counts), (filler, counts)  # never 1-3 rows
        splits += sum(1 for c in counts if c) > 1
        for page, count in zip(pages, counts, strict=True):
            if count:
                assert "Month Incidents" in page  # the header row on every page it is on
    assert splits >= 10  # the table did split, at many places


def test_bp009_table_cells_say_which_are_numbers():
    from dashboard.render.board_pack_html import table_html

    html = table_html(
        {
            "caption": "Districts",
            "columns": ["District", "Incidents", "Change"],
            "numeric": [False, True, True],
            "rows": [["Basildon", "4,721", "−13%"], ["Colchester", "4,426", "−8%"]],
        }
    )
    assert "<th scope='col' class='num'>Incidents</th>" in html
    assert "<th scope='row'>Colchester</th><td class='num'>4,426</td>" in html
    assert "<thead>" in html and "<caption>Districts</caption>" in html

"""A restricted user, everywhere (issue 11, findings 3 to 6 and 10): every page, table, chart,
export and board pack, with data loaded for other areas, shows none of it; downloads are built
on the server, never from what the browser sends; spreadsheets run no formulas."""

from __future__ import annotations

import base64
import io
import json
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard.builders.registry import PAGES
from dashboard.core import ids
from dashboard.core.extensions import db
from dashboard.loaders.templates import load_template
from dashboard.render import exports
from dashboard.web.auth.passwords import hash_password
from queries.accounts import save_account
from tests.conftest import skip_or_fail
from tests.pages_payload import (
    board_pack_file,
    callback_payload,
    figures,
    page_payload,
    page_state,
    poll_board_pack,
    start_board_pack,
    table_stores,
    texts,
    url_sync_value,
)
from tests.test_security import PASSWORD, SECRET, sign_in

DISTRICTS = (
    "Braintree & Uttlesford",
    "Chelmsford & Maldon",
    "Colchester",
    "Tendring",
    "Basildon",
    "Castle Point & Rochford",
    "Southend",
    "Brentwood & Epping Forest",
    "Harlow",
    "Thurrock",
)
# Other districts, and every LPA: Harlow's own LPA (West) would give away its neighbours'
# combined figures. The force's totals are context every user sees.
NOT_HARLOW = (*(d for d in DISTRICTS if d != "Harlow"), "North LPA", "South LPA", "West LPA")
BASILDON_TARGET = (
    "measure,area_type,area,direction,baseline_period_start,baseline_period_end,baseline_value,"
    "target_period_end,target_value,description,source\n"
    "asb_incidents,district,Basildon,decrease,2015-04-01,2016-03-31,7000,2021-03-31,6500,"
    '"Reduce ASB in Basildon district",Basildon district plan\n'
)


@pytest.fixture(scope="module")
def restricted_url(default_db_url, tmp_path_factory):
    """A copy of the default database with a district target for Basildon added."""
    folder = tmp_path_factory.mktemp("restricted")
    path = folder / "asb.sqlite3"
    shutil.copyfile(default_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    db.configure(url)
    targets = folder / "targets.csv"
    shipped = (Path(__file__).parent.parent / "dashboard" / "data" / "targets.csv").read_text()
    targets.write_text(shipped.rstrip("\n") + "\n" + BASILDON_TARGET.split("\n", 1)[1])
    load_template(db.engine, "targets", targets, "pytest")
    return url


@pytest.fixture(scope="module")
def restricted_app(restricted_url, tmp_path_factory):
    from dashboard.app import create_app

    app = create_app(
        {
            "database_url": restricted_url,
            "instance_dir": tmp_path_factory.mktemp("restricted-instance"),
            "log_level": "WARNING",
            "secret_key": SECRET,
            "cookie_secure": "0",
        }
    )
    with app.server.app_context():
        for name, role, extra in (
            ("hal.harlow", "analyst", {"allowed_areas": "district:Harlow"}),
            ("nick.north", "commander", {"allowed_areas": "lpa:North"}),
            ("alan.admin", "admin", {}),
        ):
            save_account(name, role=role, password_hash=hash_password(PASSWORD), **extra)
    return app


@pytest.fixture(autouse=True)
def _bind(restricted_url):
    db.configure(restricted_url)


def _page(client, page: str, **values) -> tuple[list, str]:
    response = client.post("/_dash-update-component", json=page_payload(page, **values))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    return body["response"][ids.content_id(page)]["children"], url_sync_value(body)


def _leaks(text: str, names: tuple[str, ...]) -> list[str]:
    """Names of other areas in the text; the user's own district may be named with its LPA
    ("Harlow district (West LPA)"): that is a name, not the LPA's figures."""
    text = text.replace("Harlow district (West LPA)", "Harlow district")
    return [name for name in names if name in text]


def test_res001_targets_page_shows_only_the_viewers_areas(restricted_app):
    """Finding 4: the North-only commander saw Basildon's target and its verdict."""
    content, _ = _page(sign_in(restricted_app, "nick.north"), ids.TARGETS, area="lpa:North")
    text = " ".join(texts(content))
    assert "Basildon" not in text and "6,500" not in text
    assert "No targets are loaded for the areas you may see." in text
    # The same page for an administrator does show it: the data is there to leak.
    admin, _ = _page(sign_in(restricted_app, "alan.admin"), ids.TARGETS)
    assert "Reduce ASB in Basildon district" in " ".join(texts(admin))


def _download_table(client, page: str, query: str, key: str, fmt: str) -> bytes:
    """A table download as the page's button sends it: which table, page and filters."""
    button = {"type": ids.TABLE_DOWNLOAD_BUTTON, "table": key}
    compact = {"separators": (",", ":")}
    payload = {
        "output": json.dumps({"table": ["MATCH"], "type": ids.TABLE_DOWNLOAD}, **compact) + ".data",
        "outputs": {"id": {"table": key, "type": ids.TABLE_DOWNLOAD}, "property": "data"},
        "inputs": [
            {"id": {**button, "fmt": f}, "property": "n_clicks", "value": 1 if f == fmt else None}
            for f in ("csv", "xlsx")
        ],
        "state": page_state(page, query),
        "changedPropIds": [
            json.dumps({**button, "fmt": fmt}, sort_keys=True, **compact) + ".n_clicks"
        ],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    sent = next(iter(response.get_json()["response"].values()))["data"]
    return base64.b64decode(sent["content"])


def test_res002_every_page_and_table_download_shows_only_harlow(restricted_app):
    """Every page, every chart's figure and every table's CSV and Excel, as the Harlow-only
    analyst: none names another district or LPA (the force's own pages hold them all)."""
    client = sign_in(restricted_app, "hal.harlow")
    checked_tables = 0
    for page in [spec.id for spec in PAGES]:
        content, query = _page(client, page, area="district:Harlow")
        assert "area=district:Harlow" in query, (page, query)
        text = " ".join(texts(content))
        assert _leaks(text, NOT_HARLOW) == [], page
        for key, figure in figures(content).items():
            assert _leaks(json.dumps(figure), NOT_HARLOW) == [], (page, key)
        for store in table_stores(content):
            for fmt in ("csv", "xlsx"):
                key = store["id"]["table"]
                data = _download_table(client, page, query, key, fmt)
                if fmt == "csv":
                    downloaded = data.decode("utf-8-sig")
                else:
                    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
                    downloaded = " ".join(s.to_csv() for s in sheets.values())
                assert _leaks(downloaded, NOT_HARLOW) == [], (page, store["data"]["caption"])
                checked_tables += 1
    assert checked_tables >= 20  # every page's tables, both formats
    # The force's own view of the same district comparison names every district.
    admin, _ = _page(sign_in(restricted_app, "alan.admin"), ids.OVERVIEW)
    assert _leaks(" ".join(texts(admin)), NOT_HARLOW) != []


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _pptx_text(data: bytes) -> str:
    deck = Presentation(io.BytesIO(data))
    return "\n".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


@pytest.mark.browser
def test_res003_board_packs_from_the_page_and_by_url_show_only_harlow(restricted_app):
    """Finding 3: the pack started from the page ran on a thread with no request, read "no
    restriction", and named all ten districts with their figures; the slides too."""
    if not shutil.which("chromium"):
        skip_or_fail("browser", "the board pack needs Debian's chromium to draw charts")
    client = sign_in(restricted_app, "hal.harlow")
    by_url = client.get("/board-pack.pdf?area=district:Harlow&to=2021-03")
    assert by_url.status_code == 200
    texts_seen = {"pdf by url": _pdf_text(by_url.data)}
    for fmt in ("pdf", "pptx"):
        query = "?area=district:Harlow&to=2021-03"
        job_id = start_board_pack(restricted_app, client, fmt, query, ids.OVERVIEW)
        polls = poll_board_pack(restricted_app, client, job_id, ids.OVERVIEW)
        name, content = board_pack_file(polls[-1])
        assert name.endswith(f".{fmt}") and "harlow" in name
        texts_seen[f"{fmt} job"] = _pdf_text(content) if fmt == "pdf" else _pptx_text(content)
    for kind, text in texts_seen.items():
        assert "Harlow" in text, kind
        assert _leaks(text, NOT_HARLOW) == [], kind


def _chart_request(app, chart: str, fmt: str, state: list) -> dict:
    button = {"type": ids.CHART_IMAGE_BUTTON, "chart": chart}
    payload = callback_payload(
        app,
        ids.CHART_DOWNLOAD,
        {"chart": chart},
        inputs=[
            ({**button, "fmt": "png"}, "n_clicks", 1 if fmt == "png" else None),
            ({**button, "fmt": "svg"}, "n_clicks", 1 if fmt == "svg" else None),
        ],
        changed=({**button, "fmt": fmt}, "n_clicks"),
    )
    payload["state"] = state
    return payload


def test_res004_chart_images_come_from_the_servers_figure_only(restricted_app, tmp_path):
    """Finding 5: a figure sent by the browser, with layout.images pointing at a local file
    or an internal URL, was rendered by the server's Chromium (SSRF, file read)."""
    client = sign_in(restricted_app, "hal.harlow")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not for you" * 10)
    forged = {
        "data": [],
        "layout": {"images": [{"source": f"file://{secret}", "x": 0, "y": 0}]},
    }
    old_style = _chart_request(
        restricted_app,
        "att-annual",
        "svg",
        [
            {
                "id": {"type": ids.CHART_FIGURE, "chart": "att-annual"},
                "property": "data",
                "value": forged,
            },
            {
                "id": {"type": ids.CHART_FILENAME, "chart": "att-annual"},
                "property": "data",
                "value": "x",
            },
        ],
    )
    refused = client.post("/_dash-update-component", json=old_style)
    assert refused.status_code == 400  # the callback takes no figure from the browser
    # Asking for a chart of a district this user may not see gives nothing.
    other = _chart_request(
        restricted_app,
        "att-annual",
        "svg",
        page_state(ids.ATTENDANCE, "?area=district:Basildon&to=2021-03&covid=include"),
    )
    answer = client.post("/_dash-update-component", json=other).get_json()["response"]
    assert not any("data" in v and v["data"] for k, v in answer.items() if "chart-download" in k)
    assert "reload the page" in json.dumps(answer)


def test_res005_spreadsheets_hold_text_never_formulas():
    """Finding 6: a loaded name beginning "=" became a live formula in Excel and in CSV."""
    import openpyxl

    frame = pd.DataFrame(
        {
            "LSOA": [
                '=HYPERLINK("http://evil.example","Harlow 001A")',
                "+1",
                "@SUM(A1)",
                "\tx",
                "Harlow 002B",
            ],
            "Records": [3, -2, 0, 5, 7],
            "% change": [-11.5, 2.0, 0.0, 1.0, -3.0],
        }
    )
    csv_text = exports.to_csv(frame).decode("utf-8-sig")
    rows = pd.read_csv(io.StringIO(csv_text))
    assert rows["LSOA"].tolist()[:3] == [
        '\'=HYPERLINK("http://evil.example","Harlow 001A")',
        "'+1",
        "'@SUM(A1)",
    ]
    assert rows["LSOA"].tolist()[4] == "Harlow 002B"
    assert rows["Records"].tolist() == [3, -2, 0, 5, 7]  # numbers stay numbers
    assert rows["% change"].tolist() == [-11.5, 2.0, 0.0, 1.0, -3.0]
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame, {"Table": "=1+1"})))
    sheet = book["Data"]
    assert [c.data_type for c in sheet["A"][1:]] == ["s"] * 5  # text, never a formula
    assert sheet["A2"].value.startswith("=HYPERLINK")  # shown exactly as loaded
    assert [c.value for c in sheet["B"][1:]] == [3, -2, 0, 5, 7]
    assert book["About"]["B2"].data_type == "s"


def test_res006_bad_component_paths_are_404_without_a_traceback(restricted_app, caplog):
    """Finding 10: a traversal path under Dash's component suites answered 500 and logged a
    traceback per request."""
    client = restricted_app.server.test_client()
    with caplog.at_level(logging.INFO):
        for path in (
            "/_dash-component-suites/dash/..%2f..%2fdash.py",
            "/_dash-component-suites/dash/../../dash.py",
            "/_dash-component-suites/nosuchpackage/x.js",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "Traceback" not in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.exc_info]

"""Table downloads: CSV and Excel of exactly the table on screen, typed, with an About sheet."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import shutil

import pandas as pd
import pytest

from dashboard.core import ids
from dashboard.model import Column, Table
from dashboard.render import exports
from tests.conftest import skip_or_fail
from tests.pages_payload import figures, page_payload, page_state, table_stores, url_sync_value

QUERY = "?area=force&to=2021-03&covid=include"


@pytest.mark.parametrize(
    ("column", "value", "text", "exported"),
    [
        (Column("n", "count"), 60391, "60,391", 60391),
        (Column("n", "signed_count"), -573, "−573", -573),
        (Column("n", "signed_count"), 19026, "+19,026", 19026),
        (Column("n", "signed_percent"), -11.2, "−11%", -11),
        (Column("n", "percent", 1), 55.74, "55.7%", 55.7),
        (Column("n", "month"), dt.date(2021, 3, 1), "March 2021", "2021-03"),
        (Column("n", "count"), None, "—", None),
        (Column("n"), "matches", "matches", "matches"),
        (Column("n", "count"), 0, "0", 0),
        (Column("n"), "Colchester 018A (E01021637)", "Colchester 018A (E01021637)", None),
    ],
)
def test_exp001_cells_are_typed_values_shown_in_the_table_s_format(column, value, text, exported):
    # The page model holds typed values; the screen shows them formatted, and a download holds
    # the value itself to the precision shown (nothing is parsed back from text).
    assert column.text(value) == text
    assert column.export(value) == (value if exported is None else exported)


def test_exp002_export_frame_keeps_text_columns_as_text_and_numbers_as_numbers():
    table = Table(
        "Caption",
        pd.DataFrame(
            {
                "12 months to": [dt.date(2020, 3, 1), dt.date(2021, 3, 1)],
                "Incidents": [41365, 60391],
                "Published": ["matches", "52,837"],
            }
        ),
        (Column("12 months to", "month"), Column("Incidents", "count"), Column("Published")),
    )
    frame = table.export_frame()
    assert frame["Incidents"].tolist() == [41365, 60391]
    assert frame["Incidents"].dtype == "int64"
    assert frame["12 months to"].tolist() == ["2020-03", "2021-03"]
    assert frame["Published"].tolist() == ["matches", "52,837"]  # text: kept as shown


def _attendance_table(client) -> dict:
    response = client.post("/_dash-update-component", json=page_payload(ids.ATTENDANCE))
    tree = response.get_json()["response"][ids.content_id(ids.ATTENDANCE)]["children"]
    stores = table_stores(tree)
    store = next(s for s in stores if s["data"]["caption"].startswith("Incidents attended, "))
    return {**store, "query": url_sync_value(response.get_json())}


def _download(client, store: dict, fmt: str) -> tuple[str, bytes]:
    key = store["id"]["table"]
    button = {"type": ids.TABLE_DOWNLOAD_BUTTON, "table": key, "fmt": fmt}
    target = json.dumps({"table": key, "type": ids.TABLE_DOWNLOAD}, separators=(",", ":"))
    pattern = json.dumps({"table": ["MATCH"], "type": ids.TABLE_DOWNLOAD}, separators=(",", ":"))
    payload = {
        "output": f"{pattern}.data",
        "outputs": {"id": {"type": ids.TABLE_DOWNLOAD, "table": key}, "property": "data"},
        "inputs": [
            {
                "id": {**button, "fmt": "csv"},
                "property": "n_clicks",
                "value": 1 if fmt == "csv" else None,
            },
            {
                "id": {**button, "fmt": "xlsx"},
                "property": "n_clicks",
                "value": 1 if fmt == "xlsx" else None,
            },
        ],
        "state": page_state(ids.ATTENDANCE, store["query"]),
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    sent = response.get_json()["response"][target]["data"]
    return sent["filename"], base64.b64decode(sent["content"])


def test_exp003_csv_equals_the_table_on_screen(client):
    store = _attendance_table(client)
    name, content = _download(client, store, "csv")
    assert name.startswith("incidents-attended-essex-police") and name.endswith(".csv")
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert list(frame.columns) == store["data"]["columns"]
    assert "Unnamed: 0" not in frame.columns  # no index column
    assert frame["Incidents"].tolist() == [52837, 52264, 49430, 46612, 41365, 60391]
    assert frame["Attended"].tolist() == [29511, 26409, 25974, 23092, 21251, 33644]
    assert frame["% attended"].tolist() == [56, 51, 53, 50, 51, 56]
    # A period, under its "12 months to" header, not the first day of a month.
    assert frame["12 months to"].tolist()[0] == "2016-03"
    # The force's attended counts including Covid breaches are the published ones: no flag.
    assert exports.ILLUSTRATIVE_COLUMN not in frame.columns
    column = store["data"]["columns"].index("Incidents")
    shown = [int(row[column].replace(",", "")) for row in store["data"]["rows"]]
    assert frame["Incidents"].tolist() == shown  # the numbers on screen, as numbers


def test_exp004_xlsx_has_typed_data_and_an_about_sheet(client):
    store = _attendance_table(client)
    name, content = _download(client, store, "xlsx")
    assert name.endswith(".xlsx")
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None)
    data, about = sheets["Data"], sheets["About"]
    assert data["Incidents"].tolist() == [52837, 52264, 49430, 46612, 41365, 60391]
    assert data["12 months to"].tolist()[:2] == ["2016-03", "2017-03"]
    items = dict(zip(about["Item"], about["Value"], strict=True))
    assert items["Filter: area"] == "force" and items["Filter: to"] == "2021-03"
    assert items["Filter: covid"] == "include"
    assert "Open Government Licence" in items["Licence"]
    assert items["Table"].startswith("Incidents attended, Essex Police")
    assert items["Data status"].startswith("Real data")


def _attendance_chart(client) -> tuple[str, dict]:
    response = client.post("/_dash-update-component", json=page_payload(ids.ATTENDANCE))
    assert url_sync_value(response.get_json()) == QUERY
    tree = response.get_json()["response"][ids.content_id(ids.ATTENDANCE)]["children"]
    return "att-annual", figures(tree)["att-annual-graph"]


def _image(client, block: str, fmt: str, page: str = ids.ATTENDANCE, query: str = QUERY) -> dict:
    button = {"type": ids.CHART_IMAGE_BUTTON, "chart": block}
    pattern = {"chart": ["MATCH"]}
    out = [ids.CHART_DOWNLOAD, ids.CHART_STATUS]
    payload = {
        "output": "..{}.data...{}.children..".format(
            *(json.dumps({**pattern, "type": t}, separators=(",", ":")) for t in out)
        ),
        "outputs": [
            {"id": {"type": ids.CHART_DOWNLOAD, "chart": block}, "property": "data"},
            {"id": {"type": ids.CHART_STATUS, "chart": block}, "property": "children"},
        ],
        "inputs": [
            {
                "id": {**button, "fmt": "png"},
                "property": "n_clicks",
                "value": 1 if fmt == "png" else None,
            },
            {
                "id": {**button, "fmt": "svg"},
                "property": "n_clicks",
                "value": 1 if fmt == "svg" else None,
            },
        ],
        "state": page_state(page, query),
        "changedPropIds": [
            json.dumps({**button, "fmt": fmt}, separators=(",", ":"), sort_keys=True) + ".n_clicks"
        ],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_exp005_chart_image_stands_alone(client, fmt):
    if not shutil.which("chromium"):
        skip_or_fail("browser", "image export needs Debian's chromium")
    block, _figure = _attendance_chart(client)
    response = _image(client, block, fmt)
    sent = next(v["data"] for k, v in response.items() if ids.CHART_DOWNLOAD in k)
    assert sent["filename"] == f"asb-attended_force-essex-police_12m-to-march.{fmt}"
    content = base64.b64decode(sent["content"])
    if fmt == "png":
        assert content[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(content[16:20], "big")
        assert width == 2400  # 1200 px at scale 2: print resolution
    else:
        text = content.decode("utf-8")
        assert text.startswith("<svg")
        for words in (
            "ASB incidents and incidents attended",
            "Essex Police (force)",
            "12 months to March",
            "Source:",
            "Data to March 2021",
        ):
            assert words in text, words


def test_exp006_missing_chromium_gives_a_clear_message(client, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    block, _figure = _attendance_chart(client)
    response = _image(client, block, "png")
    status = next(v["children"] for k, v in response.items() if ids.CHART_STATUS in k)
    assert "needs Chromium for image export" in status
    assert "CSV and Excel downloads still work" in status


def test_exp007_modelled_tables_are_flagged_on_every_row_and_in_about(client):
    """Finding 8 of issue 12: CSVs of modelled tables carried no marker and the About sheet
    said "as published"."""
    response = client.post(
        "/_dash-update-component", json=page_payload(ids.ATTENDANCE, covid="exclude")
    )
    tree = response.get_json()["response"][ids.content_id(ids.ATTENDANCE)]["children"]
    store = next(
        s for s in table_stores(tree) if s["data"]["caption"].startswith("Incidents attended, ")
    )
    store["query"] = url_sync_value(response.get_json())
    assert store["data"]["illustrative"] is True
    _, content = _download(client, store, "csv")
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert frame[exports.ILLUSTRATIVE_COLUMN].tolist() == ["yes"] * len(frame)
    assert frame["12 months to"].tolist()[-1] == "2021-03"
    _, content = _download(client, store, "xlsx")
    about = pd.read_excel(io.BytesIO(content), sheet_name="About")
    items = dict(zip(about["Item"], about["Value"], strict=True))
    assert items["Data status"].startswith("Illustrative: this table holds values modelled")

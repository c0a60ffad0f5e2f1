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


def _download(client, store: dict, fmt: str, page: str = ids.ATTENDANCE) -> tuple[str, bytes]:
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
        "state": page_state(page, store["query"]) if page else [[], []],
        "changedPropIds": [
            json.dumps({**button, "fmt": fmt}, separators=(",", ":"), sort_keys=True) + ".n_clicks"
        ],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    sent = response.get_json()["response"][target]["data"]
    return sent["filename"], base64.b64decode(sent["content"])


def test_exp003_csv_equals_the_table_on_screen(client):
    store = _attendance_table(client)
    name, content = _download(client, store, "csv")
    # What, where and to when, in safe characters (issue 14).
    assert name == "incidents-attended_force-essex-police_to-2021-03.csv"
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    # The screen's columns, a percentage's header saying its unit ("% attended" on screen).
    screen = store["data"]["columns"]
    assert screen == ["12 months to", "Incidents", "Attended", "% attended", "Published attended"]
    assert list(frame.columns) == [
        "12 months to",
        "Incidents",
        "Attended",
        "Attended (%)",
        "Published attended",
    ]
    assert "Unnamed: 0" not in frame.columns  # no index column
    assert frame["Incidents"].tolist() == [52837, 52264, 49430, 46612, 41365, 60391]
    assert frame["Attended"].tolist() == [29511, 26409, 25974, 23092, 21251, 33644]
    assert frame["Attended (%)"].tolist() == [56, 51, 53, 50, 51, 56]  # percentage numbers
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
    # A month is a date in Excel (shown "Mar 2016"), its first day.
    assert data["12 months to"].tolist()[:2] == [pd.Timestamp(2016, 3, 1), pd.Timestamp(2017, 3, 1)]
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
    # The chart's name and area, then the period end (issue 14: "12m-to-march" had no year).
    assert sent["filename"] == f"asb-attended_force-essex-police_to-2021-03.{fmt}"
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
    data = pd.read_excel(io.BytesIO(content), sheet_name="Data")
    assert data[exports.ILLUSTRATIVE_COLUMN].tolist() == ["yes"] * len(data)
    about = pd.read_excel(io.BytesIO(content), sheet_name="About")
    items = dict(zip(about["Item"], about["Value"], strict=True))
    assert items["Data status"].startswith("Illustrative: this table holds values modelled")


# Issue 14: downloads typed for their reader.


@pytest.mark.parametrize(
    ("column", "header"),
    [
        (Column("% attended", "percent"), "Attended (%)"),
        (Column("% difference", "signed_percent"), "Difference (%)"),
        (Column("%", "percent", 1), "Percentage (%)"),
        (Column("Lower limit", "percent", 1), "Lower limit (%)"),
        (Column("Personal (%)", "number", 1), "Personal (%)"),
        (Column("Change (%, where 20+ records before)", "signed_percent"), None),
        (Column("Per 1,000", "number", 1, unit="per 1,000 population"), "Per 1,000 population"),
        (
            Column("Rate per 1,000", "number", 1, unit="per 1,000 population"),
            "Rate per 1,000 population",
        ),
        (Column("2019", "number", 1, unit="per 1,000 population"), "2019 (per 1,000 population)"),
        (Column("Incidents", "count"), "Incidents"),
        (Column("80% interval"), "80% interval"),  # text: never given a unit
    ],
)
def test_exp008_a_download_header_says_its_unit_from_the_column_kind(column, header):
    assert column.header == (column.name if header is None else header)


def _table_store(client, page: str, caption: str, **values) -> dict:
    """The page's table whose caption starts `caption`, with the query its page settled on."""
    response = client.post("/_dash-update-component", json=page_payload(page, **values))
    tree = response.get_json()["response"][ids.content_id(page)]["children"]
    store = next(s for s in table_stores(tree) if s["data"]["caption"].startswith(caption))
    return {**store, "query": url_sync_value(response.get_json())}


# The force's annual incidents as the report publishes them, and the changes the page shows.
ANNUAL = [52837, 52264, 49430, 46612, 41365, 60391]
ANNUAL_CHANGE = [None, -573, -2834, -2818, -5247, 19026]
ANNUAL_PCT = [None, -1, -5, -6, -11, 46]


def test_exp009_xlsx_cells_are_typed_formatted_and_the_header_frozen(client):
    import openpyxl

    store = _table_store(client, ids.INCIDENTS, "ASB incidents, 12 months to March")
    name, content = _download(client, store, "xlsx", ids.INCIDENTS)
    assert name == "asb-incidents-12-months-to-march_force-essex-police_to-2021-03.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Data"]
    headers = [c.value for c in sheet[1]]
    assert headers == [
        "12 months to",
        "Incidents",
        "# difference",
        "Difference (%)",
        "Published figure",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E7"
    col = {h: [row[i] for row in sheet.iter_rows(min_row=2)] for i, h in enumerate(headers)}
    # Months: real dates shown "Mar 2016".
    assert [c.value for c in col["12 months to"]] == [
        dt.datetime(y, 3, 1) for y in range(2016, 2022)
    ]
    assert {c.number_format for c in col["12 months to"]} == {"mmm yyyy"}
    # Counts: integers (no 60391.0), numeric cells, thousands separators.
    assert [c.value for c in col["Incidents"]] == ANNUAL
    assert all(type(c.value) is int and c.data_type == "n" for c in col["Incidents"])
    assert {c.number_format for c in col["Incidents"]} == {"#,##0"}
    # A change: signed; the first year has none and is an empty cell, not a dash or "nan".
    assert [c.value for c in col["# difference"]] == ANNUAL_CHANGE
    assert all(type(c.value) is int for c in col["# difference"][1:])
    assert {c.number_format for c in col["# difference"][1:]} == {"+#,##0;-#,##0;0"}
    # A percentage: the percentage number, whole as the page shows it, under "(%)".
    assert [c.value for c in col["Difference (%)"]] == ANNUAL_PCT
    assert all(c.data_type == "n" for c in col["Difference (%)"][1:])
    assert {c.number_format for c in col["Difference (%)"][1:]} == {"+0;-0;0"}
    # Every column is wide enough for its header or its widest value.
    assert sheet.column_dimensions["B"].width >= len("Incidents")
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2)}
    assert about["Area"] == "Essex Police (force)"
    assert about["Period"] == "12 months to March 2021"
    assert about["Period end"] == "2021-03"
    assert about["Source"].startswith("Essex Police incident records")
    assert "force incidents: March 2021" in about["Data to"]
    assert "Percentages are percentage numbers" in about["Numbers"]
    assert "Open Government Licence" in about["Licence"]
    assert about["Data status"].startswith("Real data")


def test_exp010_csv_counts_are_integers_and_missing_values_empty(client):
    store = _table_store(client, ids.INCIDENTS, "ASB incidents, 12 months to March")
    name, content = _download(client, store, "csv", ids.INCIDENTS)
    assert name == "asb-incidents-12-months-to-march_force-essex-police_to-2021-03.csv"
    text = content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "12 months to,Incidents,# difference,Difference (%),Published figure"
    # Review: "-177.0" for a count and "-3.0" for a whole percentage; and no dash or "nan".
    assert lines[1].startswith("2016-03,52837,,,")
    assert lines[2].startswith("2017-03,52264,-573,-1,")
    assert ".0," not in text and "nan" not in text and "—" not in text
    frame = pd.read_csv(io.StringIO(text), dtype={"Incidents": "int64", "# difference": "Int64"})
    assert frame["Incidents"].tolist() == ANNUAL
    assert frame["# difference"].isna().tolist() == [True] + [False] * 5
    assert frame["# difference"].tolist()[1:] == ANNUAL_CHANGE[1:]
    assert pd.api.types.is_integer_dtype(pd.read_csv(io.StringIO(text))["Incidents"])
    assert frame["Difference (%)"].tolist()[1:] == ANNUAL_PCT[1:]


def test_exp011_a_column_with_no_values_is_left_out_and_said_so(client):
    """Review: a district's "Published figure" was a column of dashes in the download (the
    report publishes force figures only). It is left out, and the About sheet says so."""
    import openpyxl

    store = _table_store(
        client, ids.INCIDENTS, "ASB incidents, 12 months to March", area="district:Colchester"
    )
    assert "Published figure" in store["data"]["columns"]  # the screen keeps its dashes
    assert {row[-1] for row in store["data"]["rows"]} == {"—"}
    name, content = _download(client, store, "csv", ids.INCIDENTS)
    assert name == "asb-incidents-12-months-to-march_district-colchester_to-2021-03.csv"
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert list(frame.columns) == [
        "12 months to",
        "Incidents",
        "# difference",
        "Difference (%)",
        exports.ILLUSTRATIVE_COLUMN,  # a district's counts are modelled from the force's
    ]
    assert frame[exports.ILLUSTRATIVE_COLUMN].tolist() == ["yes"] * 6
    shown = [int(r[1].replace(",", "")) for r in store["data"]["rows"]]
    assert frame["Incidents"].tolist() == shown
    _, content = _download(client, store, "xlsx", ids.INCIDENTS)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert [c.value for c in book["Data"][1]] == list(frame.columns)
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2)}
    assert about["Columns left out"] == "Published figure: no values for this selection."
    assert about["Area"] == "Colchester district"


def test_exp012_modelled_rates_keep_one_decimal_and_say_per_what(client):
    """A rate: one decimal as shown, its header saying per 1,000 population, "#,##0.0"."""
    import openpyxl

    store = _table_store(
        client, ids.DISTRICT, "Districts by rate per 1,000", area="district:Harlow"
    )
    name, content = _download(client, store, "xlsx", ids.DISTRICT)
    assert name.endswith("_to-2021-03.xlsx") and name.startswith("districts-by-rate-per-1-000_")
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Data"]
    headers = [c.value for c in sheet[1]]
    assert "Per 1,000 population" in headers and "Rank (1 = lowest)" in headers
    rate = headers.index("Per 1,000 population") + 1
    rank = headers.index("Rank (1 = lowest)") + 1
    rates = [sheet.cell(row=r, column=rate) for r in range(2, sheet.max_row + 1)]
    ranks = [sheet.cell(row=r, column=rank) for r in range(2, sheet.max_row + 1)]
    assert {c.number_format for c in rates} == {"#,##0.0"}
    assert all(round(c.value, 1) == c.value for c in rates)
    assert sorted(c.value for c in ranks) == list(range(1, len(ranks) + 1))
    assert all(type(c.value) is int for c in ranks)
    assert exports.ILLUSTRATIVE_COLUMN in headers  # the district split is modelled


def test_exp013_methods_tables_download_too(client):
    """The Methods page has no filters (no URL_SYNC store): its CSV and Excel links answered
    nothing before issue 14."""
    response = client.post(
        "/_dash-update-component",
        json={
            "output": f"{ids.content_id(ids.METHODS)}.children",
            "outputs": {"id": ids.content_id(ids.METHODS), "property": "children"},
            "inputs": [{"id": f"{ids.METHODS}-trigger", "property": "data", "value": 1}],
            "changedPropIds": [f"{ids.METHODS}-trigger.data"],
        },
    )
    tree = response.get_json()["response"][ids.content_id(ids.METHODS)]["children"]
    store = next(s for s in table_stores(tree) if s["data"]["caption"].startswith("Every data"))
    name, content = _download(client, {**store, "query": ""}, "csv", page="")
    assert name.startswith("every-data-load-newest-first-with-the-file-s-sha256_as-of-")
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert frame["Rows loaded"].dtype == "int64" and (frame["Rows loaded"] > 0).all()
    assert len(frame) == len(store["data"]["rows"])


def _buttons(tree) -> set[tuple[str, str]]:
    """(table key, format) of every table download button in a Dash component tree."""
    found: set[tuple[str, str]] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        node_id = getattr(node, "id", None)
        if isinstance(node_id, dict) and node_id.get("type") == ids.TABLE_DOWNLOAD_BUTTON:
            found.add((node_id["table"], node_id["fmt"]))
        children = getattr(node, "children", None)
        if children is not None:
            stack.append(children)
    return found


def _rendered_tables(tree) -> int:
    """How many HTML data tables a Dash component tree shows."""
    count, stack = 0, [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if "data-table" in (getattr(node, "className", None) or "").split():
            count += 1
        children = getattr(node, "children", None)
        if children is not None:
            stack.append(children)
    return count


SAFE_NAME = r"[a-z0-9]+(-[a-z0-9]+)*_(force|lpa|district)-[a-z0-9-]+_to-\d{4}-\d{2}"


@pytest.mark.parametrize("area", ["force", "district:Colchester"])
def test_exp014_every_table_on_every_page_has_typed_downloads(dash_app, default_db, area):
    """Walk every registered page (and Methods): every table the page shows has its CSV and
    Excel links for a viewer who may export (none for one who may not), and its download is
    typed: whole numbers as integers, percentages headed "(%)", no empty column, a safe name
    with the area and period end."""
    import re

    from callbacks.downloads import area_part
    from dashboard.builders import methods
    from dashboard.builders.filters import filters_from_params
    from dashboard.builders.registry import PAGES
    from dashboard.core.viewer import Viewer
    from dashboard.model import Table, walk
    from dashboard.render.dash_page import render_page

    viewer = Viewer.system()
    checked = 0
    with dash_app.server.app_context():
        models = []
        for spec in PAGES:
            filters, messages, choices = filters_from_params(
                {"area": area, "to": "2020-03"}, viewer, spec.id
            )
            assert not messages, (spec.id, messages)
            if not filters.area:
                continue  # the District view for the force: it asks for a district, no tables
            models.append((spec.build(filters, choices, viewer), filters))
        models.append((methods.build(), None))
        for page, filters in models:
            tables = [b for b in walk(page.blocks) if isinstance(b, Table)]
            shown = [t for t in tables if not (t.empty and t.frame.empty)]
            tree = render_page(page, True)
            links = _buttons(tree)
            assert _rendered_tables(tree) == len(shown), page.id  # no table outside the model
            for table in shown:
                for fmt in ("csv", "xlsx"):
                    assert (table.key, fmt) in links, (page.id, table.caption, fmt)
                frame = table.export_frame()
                for column in table.export_columns():
                    series = frame[column.header]
                    assert series.notna().any(), (page.id, column.name)
                    if column.whole:
                        assert pd.api.types.is_integer_dtype(series), (page.id, column.name)
                    if column.kind in ("percent", "signed_percent"):
                        assert "%" in column.header, (page.id, column.name)
                text = exports.to_csv(frame).decode("utf-8-sig")
                assert "nan" not in text.lower().split(","), (page.id, table.caption)
                if filters is not None:
                    stem = exports.table_file_stem(page, table, area_part(filters), filters.to)
                    assert re.fullmatch(SAFE_NAME, stem), stem
                    # The period end is the selection's, or the table's own where it differs
                    # (the hot spots: the police.uk months loaded, May to July 2018).
                    hot_spots = table.caption.startswith("Top ten hot-spot LSOAs")
                    assert stem.endswith("_to-2018-07" if hot_spots else "_to-2020-03"), stem
                checked += 1
            assert _buttons(render_page(page, False)) == set(), page.id
    assert checked >= (22 if area == "force" else 25)  # the force: no District view tables

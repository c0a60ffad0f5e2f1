"""Charts read at 390 px and 1366 px, on screen and as images: figure JSON from the shipped data,
built through the page builders (no browser)."""

from __future__ import annotations

import json
import math
import re

import plotly.io as pio
import pytest

from dashboard.builders.figures import screen_figure
from dashboard.builders.filters import filters_from_params
from dashboard.builders.registry import BY_ID
from dashboard.core import ids
from dashboard.core.viewer import Viewer
from dashboard.model import Chart, walk
from dashboard.render.images import chart_figure
from tests.pages_payload import array

FORCE = {"area": "force", "to": "2021-03", "covid": "include"}
DISTRICT = {"area": "district:Colchester", "to": "2021-03", "covid": "include"}


@pytest.fixture(scope="module")
def charts(dash_app, default_db_url) -> dict[str, Chart]:
    """Every chart of every page, for the force (the District view for a district), by id."""
    from dashboard.core.database import db

    db.configure(default_db_url)
    viewer = Viewer.system()
    found: dict[str, Chart] = {}
    with dash_app.server.app_context():
        for page in (ids.INCIDENTS, ids.ATTENDANCE, ids.PERCEPTION, ids.MSG, ids.DISTRICT):
            params = DISTRICT if page == ids.DISTRICT else FORCE
            filters, messages, choices = filters_from_params(params, viewer, page)
            assert not messages, messages
            model = BY_ID[page].build(filters, choices, viewer)
            found |= {b.id: b for b in walk(model.blocks) if isinstance(b, Chart)}
    assert {"inc-trend", "inc-category", "att-spc", "per-csew", "per-q8a", "dst-rank"} <= set(found)
    return found


def image(chart: Chart) -> dict:
    """The image's figure as JSON, as kaleido is sent it."""
    return json.loads(chart_figure(chart).to_json())


def screen(chart: Chart) -> dict:
    """The screen's figure as JSON, as the chart block's store sends it."""
    return json.loads(pio.to_json(screen_figure(chart.figure)))


def legend_entries(fig: dict) -> list[str]:
    return [t["name"] for t in fig["data"] if t.get("showlegend") is not False and t.get("name")]


def note(fig: dict) -> str:
    return " ".join(
        a["text"]
        for a in fig["layout"].get("annotations", ())
        if str(a.get("text", "")).startswith("Source: ")
    )


def test_fig001_legends_are_horizontal_below_the_plot_in_reading_order(charts):
    checked = 0
    for chart_id, chart in charts.items():
        fig = image(chart)
        if len(legend_entries(fig)) < 2 or chart_id == "dst-map":  # the map's bands are beside
            continue
        legend = fig["layout"]["legend"]
        assert legend["orientation"] == "h", chart_id
        assert legend["yanchor"] == "top" and legend["y"] < 0, chart_id
        assert legend["traceorder"] == "normal", chart_id  # "grouped" stacked it a row a group
        # The source note starts below the legend's reserved rows, not on top of them.
        source = next(a for a in fig["layout"]["annotations"] if a["text"].startswith("Source: "))
        assert source["y"] < legend["y"], chart_id
        on_screen = screen(chart)["layout"]["legend"]
        assert on_screen["orientation"] == "h", chart_id
        # At the figure's foot: Plotly grows the margin for as many rows as the width needs.
        assert (on_screen["yref"], on_screen["y"], on_screen["yanchor"]) == (
            "container",
            0,
            "bottom",
        ), chart_id
        checked += 1
    assert checked >= 8


def test_fig002_images_keep_title_and_source_the_screen_leaves_them_to_the_page(charts):
    for chart_id, chart in charts.items():
        img = image(chart)
        assert img["layout"]["title"]["text"], chart_id
        assert "Data to " in note(img), chart_id
        shown = screen(chart)["layout"]
        assert not shown["title"].get("text"), chart_id
        assert not note({"layout": shown}), chart_id
        assert shown["margin"]["t"] >= 30, chart_id  # room for the modebar


def _round(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


def test_fig003_twin_axes_have_round_ticks_and_share_gridlines(charts):
    for chart_id in ("inc-trend", "att-annual"):
        layout = image(charts[chart_id])["layout"]
        intervals = set()
        for axis in ("yaxis", "yaxis2"):
            ax = layout[axis]
            assert ax["tickmode"] == "linear" and ax["range"][0] == 0, (chart_id, axis)
            assert _round(ax["dtick"]), (chart_id, axis, ax["dtick"])
            intervals.add(round(ax["range"][1] / ax["dtick"], 6))
        assert len(intervals) == 1 and intervals.pop().is_integer(), chart_id
    rolling = image(charts["inc-trend"])["layout"]["yaxis2"]
    assert rolling["dtick"] in (10_000, 20_000, 25_000), rolling  # 62.1k, 53.2k were the fault


def test_fig004_event_markers_are_numbered_and_keyed_in_the_image(charts):
    fig = image(charts["inc-trend"])
    events = [t for t in fig["data"] if str(t.get("name", "")).startswith("Events")]
    assert len(events) == 1
    numbers = list(events[0]["text"])
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)] and len(numbers) >= 5
    key = note(fig)
    assert "1 Single Online Home (Aug 2019)" in key
    assert "2 First national lockdown (Mar 2020)" in key
    assert f"{len(numbers)} " in key
    # On screen the list under the chart is the key: numbered as the marks are.
    (listed,) = [n for n in charts["inc-trend"].notes if "Events" in n.text]
    assert [item.split(".")[0] for item in listed.items] == numbers
    assert listed.items[1].startswith("2. 23 March 2020: First national lockdown")


def test_fig005_bar_labels_use_one_precision_and_12px(charts):
    bars = [t for t in image(charts["inc-category"])["data"] if t["type"] == "bar"]
    assert {t["texttemplate"] for t in bars} == {"%{y:.0f}%"}
    assert all(t["textfont"]["size"] >= 12 and t["textangle"] == 0 for t in bars)
    for chart_id in ("dst-rank", "att-districts"):
        (bar,) = image(charts[chart_id])["data"]
        assert bar["texttemplate"] in ("%{x:.1f}", "%{x:,.0f}"), chart_id
        assert bar["cliponaxis"] is False and bar["orientation"] == "h", chart_id
        layout = image(charts[chart_id])["layout"]
        assert layout["xaxis"]["range"][1] > max(array(bar["x"])) * 1.05, chart_id  # labels fit
        line = layout["shapes"][0]
        assert line["layer"] == "below", chart_id  # the force line does not cross labels


def test_fig006_csew_lines_are_distinct_with_yearly_ticks(charts):
    fig = image(charts["per-csew"])
    lines = [t for t in fig["data"] if t["type"] == "scatter"]
    assert len(lines) >= 8
    styles = [(t["line"]["color"], t["marker"]["symbol"]) for t in lines]
    assert len({c for c, _ in styles}) == len(styles)
    assert len({s for _, s in styles}) == len(styles)
    assert fig["layout"]["xaxis"]["dtick"] == "M12"
    assert all(not t["name"].startswith("ASB Perception - ") for t in lines)


def test_fig007_confidence_axis_spans_the_data_and_says_so(charts):
    fig = image(charts["per-q8a"])
    values = [v for t in fig["data"] for v in array(t["y"]) if v is not None]
    low, high = fig["layout"]["yaxis"]["range"]
    assert min(values) - 10 <= low < min(values) and max(values) < high <= max(values) + 10
    assert low > 0 and f"axis from {low:.0f}" in fig["layout"]["yaxis"]["title"]["text"]


def test_fig008_period_ticks_are_short_and_level(charts):
    for chart_id in ("inc-category", "att-annual", "msg-rates", "msg-rank"):
        xaxis = image(charts[chart_id])["layout"]["xaxis"]
        assert xaxis["tickangle"] == 0, chart_id
        assert all(re.fullmatch(r"\d{4}|[A-Z][a-z]{2}<br>\d{4}", t) for t in xaxis["ticktext"])


def test_fig009_msg_position_title_is_short_and_funnel_labels_only_the_force(charts):
    assert len(image(charts["msg-rank"])["layout"]["yaxis"]["title"]["text"]) <= 16
    funnel = image(charts["msg-funnel"])["data"]
    peers = next(t for t in funnel if t["name"] == "Peer forces")
    assert peers["mode"] == "markers"
    mine = next(t for t in funnel if t["name"] == "This force")
    assert mine["mode"] == "markers+text"
    assert not image(charts["msg-funnel"])["layout"].get("annotations", [])[:-1]  # only the note
    assert any(t["name"].startswith("MSG average (weighted), ") for t in funnel)
    rates = image(charts["msg-rates"])
    assert len(legend_entries(rates)) <= 6  # peers share one grey entry


def test_fig010_victims_questions_read_across_not_turned(charts):
    fig = image(charts["per-victims"])
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert len(bars) == 3 and all(t["orientation"] == "h" for t in bars)
    for bar in bars:  # sentences wrapped to short lines, labels of one precision
        assert all(len(line) <= 22 for q in bar["y"] for line in q.split("<br>"))
        assert all(re.fullmatch(r"\d+%", t) for t in bar["text"])

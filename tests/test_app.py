"""The server without a browser: pages, the health check, and real callback payloads."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard.core import ids
from tests.pages_payload import page_payload, texts, url_key


def update(client, page: str = ids.OVERVIEW, **filters) -> dict:
    response = client.post("/_dash-update-component", json=page_payload(page, **filters))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def content(response, page: str = ids.OVERVIEW) -> str:
    return " ".join(texts(response[ids.content_id(page)]["children"]))


def test_app001_force_march_2021_headline(client):
    response = update(client)
    text = content(response)
    for expected in (
        "60,391",
        "33,644 of 60,391 incidents attended",
        "56%",
        "+46% on the previous 12 months (41,365)",
        "6th of 8",
        "69% agree",
        "Matches the published report",
        "Data to: ",
        "force incidents March 2021",
    ):
        assert expected in text, expected
    url = response[url_key(ids.OVERVIEW)]["data"]
    assert url == "?area=force&to=2021-03&covid=include"


def test_app002_force_excluding_covid(client):
    text = content(update(client, covid="exclude"))
    assert "44,995" in text and "excluding Covid breaches" in text


def test_app003_district_is_illustrative_not_published(client):
    text = content(update(client, area="district:Colchester"))
    assert "Colchester district" in text
    assert "Illustrative data" in text
    assert "Matches the published report" not in text.split("Most Similar Group")[0]
    assert "Force-wide result" in text


def test_app004_forged_payload_falls_back_not_500(client):
    response = update(client, area="district:'; DROP TABLE area;--", to="9999-99", covid=None)
    text = content(response)
    assert "is not a valid area" in text and "60,391" in text


@pytest.mark.parametrize(
    "path", ["/", "/?area=district:Colchester&to=2021-03&covid=exclude", "/?area=%ZZ&to=&covid="]
)
def test_app005_pages_serve(client, path):
    assert client.get(path).status_code == 200


def test_app006_unknown_path_is_a_404_with_the_app(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"_dash-config" in response.data  # the app's own page, which renders "Page not found"


def test_app007_layout_of_bad_url_explains(client):
    from pages import overview

    layout = overview.layout(area="district:Atlantis", to="2099-01")
    text = " ".join(texts(json.loads(json.dumps(layout, cls=PlotlyJSONEncoder))))
    assert "Some filters in the link could not be used." in text
    assert "'district:Atlantis' is not a valid area" in text


def test_app008_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok" and response.get_json()["data_version"] > 0


def test_app009_serving_process_settles_its_heap():
    """wsgi.py and `asb-dashboard run` call settle_heap: the boundaries are read before the
    first request and the start-up heap is frozen, out of the collector's full passes."""
    import gc
    import sys

    from dashboard.loaders.boundaries import _all_features
    from dashboard.web.runtime import settle_heap

    gc.unfreeze()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 10_000
        assert _all_features.cache_info().currsize == 1
        assert "statsmodels.tsa.exponential_smoothing.ets" in sys.modules
    finally:
        gc.unfreeze()


def test_app010_first_chart_drawn_at_once_the_rest_deferred(client):
    """The first chart arrives in its graph; the others show a placeholder of their own
    height until the browser asks for them, their figures waiting in stores."""
    response = update(client, ids.INCIDENTS, area="district:Colchester", to="2021-03")
    frames, stores = [], {}

    def walk(node) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            props = node.get("props", {})
            node_id = props.get("id")
            if isinstance(node_id, dict) and node_id.get("type") == ids.CHART_FRAME:
                frames.append(node)
            if isinstance(node_id, dict) and node_id.get("type") == ids.CHART_FIGURE:
                stores[node_id["chart"]] = props["data"]
            walk(props.get("children"))

    walk(response[ids.content_id(ids.INCIDENTS)]["children"])
    assert [f["props"]["id"]["chart"] for f in frames][:2] == ["inc-trend", "inc-category"]
    first, second = frames[0]["props"], frames[1]["props"]
    assert first["className"] == "chart-frame"
    assert first["children"]["props"]["figure"] == stores["inc-trend"]
    assert second["className"] == "chart-frame chart-pending"
    placeholder = second["children"]["props"]["figure"]
    assert placeholder["data"] == [] and "Drawing the chart" in str(placeholder["layout"])
    assert placeholder["layout"]["height"] == stores["inc-category"]["layout"]["height"]
    assert stores["inc-category"]["data"]  # the real figure, waiting


def test_app_finishes_dashs_first_request_setup_before_serving(default_db_url, tmp_path):
    """Dash's own first-request hook marks itself done before it has finished; on a threaded
    server a second request could be answered from a half-built callback map. create_app runs
    it to the end before anything is served."""
    from dashboard.app import create_app

    app = create_app(
        {
            "database_url": default_db_url,
            "instance_dir": tmp_path,
            "log_level": "WARNING",
            "demo": True,
        }
    )
    assert app._got_first_request["setup_server"] is True  # no request has been made
    outputs = " ".join(c["output"] for c in app._callback_list)
    for page in ("overview", "incidents", "district"):
        assert f"{page}-status.children" in outputs

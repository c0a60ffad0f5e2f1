"""The server without a browser: pages, the health check, and real callback payloads."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard import ids


def overview_payload(area="force", to="2021-03", covid="include") -> dict:
    outputs = [
        {"id": ids.OVW_CARDS, "property": "children"},
        {"id": ids.OVW_DISTRICTS, "property": "children"},
        {"id": {"page": ids.OVW_PAGE, "type": ids.URL_SYNC}, "property": "data"},
    ]
    return {
        "output": "..ovw-cards.children...ovw-districts.children..."
        + json.dumps({"page": ids.OVW_PAGE, "type": ids.URL_SYNC}, separators=(",", ":"))
        + ".data..",
        "outputs": outputs,
        "inputs": [
            {"id": ids.FILTER_AREA, "property": "value", "value": area},
            {"id": ids.FILTER_TO, "property": "value", "value": to},
            {"id": ids.FILTER_COVID, "property": "value", "value": covid},
        ],
        "changedPropIds": [f"{ids.FILTER_AREA}.value"],
    }


def texts(component) -> list[str]:
    """Every string in a serialised component tree, in order."""
    found: list[str] = []
    if isinstance(component, str):
        found.append(component)
    elif isinstance(component, list):
        for c in component:
            found += texts(c)
    elif isinstance(component, dict):
        props = component.get("props", component)
        if "children" in props:
            found += texts(props["children"])
    return found


def update(client, **filters) -> dict:
    response = client.post("/_dash-update-component", json=overview_payload(**filters))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def test_app001_force_march_2021_headline(client):
    response = update(client)
    text = " ".join(texts(response[ids.OVW_CARDS]["children"]))
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
    url = response[json.dumps({"page": ids.OVW_PAGE, "type": ids.URL_SYNC}, separators=(",", ":"))][
        "data"
    ]
    assert url == "?area=force&to=2021-03&covid=include"


def test_app002_force_excluding_covid(client):
    text = " ".join(texts(update(client, covid="exclude")[ids.OVW_CARDS]["children"]))
    assert "44,995" in text and "excluding Covid breaches" in text


def test_app003_district_is_illustrative_not_published(client):
    text = " ".join(texts(update(client, area="district:Colchester")[ids.OVW_CARDS]["children"]))
    assert "Colchester district" in text
    assert "Illustrative data" in text
    assert "Matches the published report" not in text.split("Most Similar Group")[0]
    assert "Force-wide result" in text


def test_app004_forged_payload_falls_back_not_500(client):
    response = update(client, area="district:'; DROP TABLE area;--", to="9999-99", covid=None)
    text = " ".join(texts(response[ids.OVW_CARDS]["children"]))
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

"""Every KPI page through real callback payloads: the report's section 5 figures reappear."""

from __future__ import annotations

import re

import pytest

from dashboard.core import ids
from tests.pages_payload import array, figures, page_payload, texts, url_key


def render(client, page, **filters):
    response = client.post("/_dash-update-component", json=page_payload(page, **filters))
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    body = response.get_json()["response"]
    tree = body[ids.content_id(page)]["children"]
    return " ".join(texts(tree)), figures(tree), body[url_key(page)]["data"]


def test_pg001_incidents_reproduce_the_annual_table(client):
    text, figs, url = render(client, ids.INCIDENTS)
    # The report's table: count, # diff, % diff for 12 months to March 2016-2021.
    for expected in (
        "52,837",
        "52,264",
        "−573",
        "−1%",
        "49,430",
        "−2,834",
        "−5%",
        "46,612",
        "−2,818",
        "−6%",
        "41,365",
        "−5,247",
        "−11%",
        "60,391",
        "+19,026",
        "+46%",
    ):
        assert expected in text, expected
    assert text.count("matches") >= 6  # every force total reconciles to the report
    assert {"inc-trend-graph", "inc-category-graph", "inc-spc-graph", "inc-forecast-graph"} <= set(
        figs
    )
    assert "ETS(A,Ad,A)" in text
    assert "65,603" in text and "40,022" in text  # the force's own published forecast, shown
    assert url == "?area=force&to=2021-03&covid=include&category=all&break=2020-03&base=auto"


def test_pg002_category_shares_match_the_report(client):
    text, _, _ = render(client, ids.INCIDENTS)
    for share in ("14.9", "65.7", "19.4", "8.6", "73.1", "18.4", "6.7", "76.8", "16.5"):
        assert share in text, share
    assert "Op Somerton" in text


def test_pg003_incidents_category_and_spc_filters(client):
    text, figs, url = render(
        client,
        ids.INCIDENTS,
        category="personal",
        covid="exclude",
        **{"break": "none", "base": "2017-03"},
    )
    assert "personal ASB only" in text and "limits rebased at no break" in text
    assert "Baseline: to March 2017" in text
    assert "category=personal" in url and "break=none" in url and "base=2017-03" in url
    assert "inc-spc-graph" in figs
    # The method is named on the page (the screen's figure leaves its title to the page).
    assert "XmR on seasonally adjusted values" in text


def test_pg004_attendance_reproduces_pct_attended(client):
    text, figs, _ = render(client, ids.ATTENDANCE)
    for pct in ("56%", "51%", "53%", "50%"):
        assert pct in text
    for count in ("29,511", "26,409", "25,974", "23,092", "21,251", "33,644"):
        assert count in text
    assert "Between 50% and 56% of incidents were attended" in text
    assert {"att-annual-graph", "att-districts-graph", "att-spc-graph"} <= set(figs)
    bars = figs["att-annual-graph"]["data"][2]
    assert [round(v) for v in array(bars["y"])] == [56, 51, 53, 50, 51, 56]


def test_pg005_perception_tables_values_and_ranks(client):
    text, figs, _ = render(client, ids.PERCEPTION)
    assert "8.5%" in text and "4.3%" in text and "−4.2" in text  # total, points from 2016
    assert "40.9%" in text and "+13.9" in text  # experienced or witnessed ASB
    assert "−4.2 points on 2016" in text and "ranked 4 of 8" in text
    assert "69% agreed" in text and "No sample sizes are published" in text
    assert "45% against 57%" in text  # victims vs non-victims, as the report quotes
    # The report's "# Diff. from 2016" columns, MSG then national: cars +5 and +19,
    # noisy neighbours −2 and −5, witnessed 0 and −8.
    for expected in ("+5", "+19", "−2", "−5", "−8"):
        assert expected in text, expected
    assert {"per-csew-graph", "per-q8a-graph", "per-victims-graph"} <= set(figs)


def test_pg006_msg_ranks_and_averages(client):
    text, figs, _ = render(client, ids.MSG)
    assert "6, 6, 5, 6, 6" in text
    assert text.count("(matches)") == 5
    assert "6th of 8" in text and "weighted" in text and "simple mean" in text
    assert {"msg-rates-graph", "msg-rank-graph", "msg-funnel-graph"} <= set(figs)
    names = {t["name"] for t in figs["msg-rates-graph"]["data"]}
    assert "Essex Police" in names and "Other MSG forces" in names  # peers: one legend entry
    hovered = {t["customdata"][0] for t in figs["msg-rates-graph"]["data"] if t.get("customdata")}
    assert {f"Peer force {c}" for c in "ABCDEFG"} <= hovered  # each named on hover


def test_pg007_targets_status_is_not_a_bare_rag(client):
    text, figs, _ = render(client, ids.TARGETS)
    assert "SPC assurance:" in text and "track:" in text
    assert "Target period ended: not met (60,391 against 47,553)" in text
    assert "cannot be estimated without the survey's sample sizes" in text
    assert {"tgt-0-graph", "tgt-1-graph"} <= set(figs)


def test_pg008_targets_forecast_chance_before_the_target_date(client):
    text, _, _ = render(client, ids.TARGETS, to="2020-03")
    assert "Chance of meeting the target:" in text


def test_pg009_district_view(client):
    text, figs, url = render(client, ids.DISTRICT, area="district:Colchester")
    assert "Colchester district (North LPA)" in text
    # Read from the nearer end: "9th lowest" read as good news when it meant second highest.
    assert re.search(r"the \d+(st|nd|rd|th) (lowest|highest) rate of 10 districts", text)
    assert "Top ten hot-spot LSOAs" in text and "Colchester" in text
    assert "Contains Ordnance Survey data" in text
    assert {"dst-trend-graph", "dst-rank-graph", "dst-map-graph"} <= set(figs)
    assert url.startswith("?area=district:Colchester")


@pytest.mark.parametrize(
    ("area", "where"), [("force", "the whole force"), ("lpa:North", "North LPA")]
)
def test_pg010_district_page_asks_for_a_district_with_one_message(client, area, where):
    """Arriving from a page on the force or an LPA, the District view says why in one message
    and asks, listing the districts as links that keep the period and Covid choice."""
    text, figs, url = render(client, ids.DISTRICT, area=area, to="2020-03", covid="exclude")
    assert (
        f"The District view shows one district at a time, and {where} is not a district: "
        "choose a district." in text
    )
    assert "is not a valid area" not in text and not figs
    assert "Colchester district (North LPA)" in text and "Thurrock district (West LPA)" in text
    assert url == "?to=2020-03&covid=exclude"  # no district guessed


def test_pg010b_district_view_opens_on_the_district_in_use_else_home_else_asks(default_db):
    from dashboard.builders.filters import filters_from_params
    from dashboard.core.viewer import Viewer

    anyone = Viewer("a", "A", "analyst")
    commander = Viewer("c", "C", "commander", home_area="district:Harlow")
    north = Viewer("n", "N", "commander", allowed_areas=("lpa:North",))
    tendring_only = Viewer("t", "T", "commander", allowed_areas=("district:Tendring",))

    def area(params, viewer):
        filters, messages, _ = filters_from_params(params, viewer, ids.DISTRICT)
        return filters.area, messages

    # the district in use wins, for anyone who may see it
    assert area({"area": "district:Colchester"}, commander) == ("district:Colchester", [])
    # else the home district (arriving with no area, the force or an LPA)
    for params in ({}, {"area": "force"}, {"area": "lpa:South"}):
        assert area(params, commander) == ("district:Harlow", [])
    # else it asks: no district picked by the alphabet
    assert area({}, anyone) == ("", [])
    assert area({}, north) == ("", [])
    assert area({}, tendring_only) == ("district:Tendring", [])  # the only choice is no choice
    # a district the viewer may not see is refused with a message, and the page asks
    refused, messages = area({"area": "district:Harlow"}, north)
    assert refused == "" and messages == [
        "'district:Harlow' is not a valid district you may see (use district:<name>); "
        "choose one instead."
    ]


@pytest.mark.parametrize(
    "page", [ids.INCIDENTS, ids.ATTENDANCE, ids.PERCEPTION, ids.MSG, ids.TARGETS, ids.DISTRICT]
)
def test_pg011_every_chart_states_period_area_source_and_exports(client, page):
    area = "district:Harlow" if page == ids.DISTRICT else "force"
    text, figs, _ = render(client, page, area=area)
    assert figs
    data_to_line = text.split("Data to: ", 1)[1][:200]
    assert re.search(r"[A-Z][a-z]+ \d{4}", data_to_line), data_to_line
    for graph_id, fig in figs.items():
        # On screen the chart's heading and meta line say title, source and "Data to"; the
        # figure drops its own (they ran under the modebar at 390 px). Images keep them:
        # tests/test_figures.py.
        annotations = " ".join(a.get("text", "") for a in fig["layout"].get("annotations", []))
        assert "Source:" not in annotations, graph_id
        assert not fig["layout"]["title"].get("text"), graph_id
    assert text.count("Period:") >= len(figs)
    assert text.count("Data to: ") >= len(figs)
    assert text.count("Data table:") >= len(figs)


def test_pg012_methods_lists_loads_and_caveats(client):
    response = client.post(
        "/_dash-update-component",
        json={
            "output": f"{ids.content_id(ids.METHODS)}.children",
            "outputs": {"id": ids.content_id(ids.METHODS), "property": "children"},
            "inputs": [{"id": f"{ids.METHODS}-trigger", "property": "data", "value": 1}],
            "changedPropIds": [],
        },
    )
    assert response.status_code == 200
    text = " ".join(texts(response.get_json()["response"][ids.content_id(ids.METHODS)]["children"]))
    for expected in (
        "52,750 vs 52,837",
        "Peer force A",
        "Op Somerton",
        "Making Data Count",
        "police-uk-street",
        "Open Government Licence v3.0",
    ):
        assert expected in text, expected


def test_pg020_targets_admin_instructions_only_for_administrators(default_db):
    """How to replace the default targets is for administrators; a board member sees the
    targets and that they are the dashboard's defaults, not instructions to edit files."""
    from dashboard.builders import targets
    from dashboard.builders.filters import filters_from_params
    from dashboard.core.viewer import Viewer
    from dashboard.model import Note, walk

    def notes(role: str) -> str:
        viewer = Viewer("u", "U", role)
        filters, _, choices = filters_from_params({}, viewer, ids.TARGETS)
        page = targets.build(filters, choices, viewer)
        return " ".join(n.text for n in walk(page.blocks) if isinstance(n, Note))

    board = notes("viewer")
    assert "default target 10% below the pre-plan baseline (12m to March 2016)." in board
    assert "Edit this file" not in board and "For administrators" not in board
    assert "For administrators" in notes("admin") and "asb-dashboard load targets" in notes("admin")

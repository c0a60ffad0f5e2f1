"""Verdicts and labels on the pages (issue 12): each finding of the statistical review, as a
board member would read it on screen."""

from __future__ import annotations

import re
import shutil

import pytest

from dashboard.core import ids
from dashboard.core.database import db
from dashboard.loaders.bootstrap import DATA
from dashboard.loaders.templates import load_template
from tests.conftest import csrf_client
from tests.pages_payload import page_payload, texts


@pytest.fixture(scope="module")
def survey_url(default_db_url, tmp_path_factory):
    """The default data plus the example survey file (district results with their base n)."""
    path = tmp_path_factory.mktemp("verdicts") / "asb.sqlite3"
    shutil.copyfile(default_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    db.configure(url)
    load_template(db.engine, "surveys", DATA / "examples" / "surveys.csv", "pytest")
    return url


@pytest.fixture(scope="module")
def survey_app(survey_url, tmp_path_factory):
    from dashboard.app import create_app

    return create_app(
        {
            "database_url": survey_url,
            "instance_dir": tmp_path_factory.mktemp("verdicts-instance"),
            "log_level": "WARNING",
            "demo": True,
        }
    )


def _text(app, page: str, **filters) -> str:
    client = csrf_client(app)
    response = client.post("/_dash-update-component", json=page_payload(page, **filters))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return " ".join(texts(response.get_json()["response"][ids.content_id(page)]["children"]))


def test_vp006_overview_confidence_interval_is_the_wilson_interval(survey_app, survey_url):
    """Finding 6: the Overview showed "±44.4 points (n = 402)", a Wald interval at 19.6 SE;
    the Perception page shows the right Wilson interval, 66.4–75.2%."""
    db.configure(survey_url)
    overview = _text(survey_app, ids.OVERVIEW, area="district:Colchester")
    assert "66.4–75.2%" in overview and "n = 402" in overview
    assert "±44.4" not in overview
    perception = _text(survey_app, ids.PERCEPTION, area="district:Colchester")
    assert "66.4" in perception and "75.2" in perception  # the same interval on both pages


def test_vp007a_the_change_is_of_the_measure_chosen(client):
    """With Covid breaches excluded, the summary gave the change including them (+46%)."""
    text = _client_text(client, ids.INCIDENTS, covid="exclude")
    assert "44,995 excluding them; excluding Covid breaches, +9% on the previous 12 months" in text
    assert "+46% on the previous 12 months" not in text
    including = _client_text(client, ids.INCIDENTS)
    assert "including Covid breaches, +46% on the previous 12 months" in including


def test_vp007b_modelled_attendance_and_category_split_say_so(client):
    """Attended excluding Covid breaches is modelled (the report publishes it including them
    only), and so is the category split excluding them; both read "as published"."""
    text = _client_text(client, ids.ATTENDANCE, covid="exclude")
    annual = text.split("Incidents attended, 12 months to March")[1].split("Data table")[0]
    assert "Illustrative data" in annual
    assert "Illustrative split modelled from the force's published 12-month totals" in annual
    assert "as published" not in annual
    shares = _client_text(client, ids.INCIDENTS, covid="exclude").split("Category split")[1]
    assert "Force shares match the report" not in shares
    assert "Shares and counts are modelled" in shares
    published = _client_text(client, ids.INCIDENTS).split("Category split")[1]
    assert "Force shares match the report to its rounding" in published


def test_vp007c_csew_differences_are_the_reports_printed_values(client):
    """The report printed cars −2.1, drugs −5.4, noisy neighbours −1.6 (from unrounded values);
    the app computed −2.2, −5.3, −1.5 from the rounded ones."""
    text = _client_text(client, ids.PERCEPTION)
    for measure, printed in (
        ("abandoned or burnt out cars", "−2.1"),
        ("people using or dealing drugs", "−5.4"),
        ("noisy neighbours", "−1.6"),
        ("Adults experienced or witnessed ASB", "+13.9"),
    ):
        row = text.split(measure)[1].split("ASB Perception")[0]
        assert printed in row, (measure, row)
    assert "Points differences are the report's printed figures" in text


def test_vp007d_hot_spot_changes_say_what_they_compare_and_skip_small_bases(client):
    """Hot spots compared May–Jul with Feb–Apr (season alone is +24%) without saying so, showed
    13 → 34 as "+162%", and gave a 3-month rate as "per 1,000 residents"."""
    text = _client_text(client, ids.DISTRICT, area="district:Colchester")
    hot = text.split("Top ten hot-spot LSOAs")[1]
    assert "includes the seasonal rise or fall" in hot  # no year-earlier months are loaded
    assert "Change (%, where 20+ records before)" in hot
    assert "Per 1,000 residents, 3 months" in hot
    assert "+162%" not in hot


def test_vp007e_ranks_read_from_the_nearer_end():
    from dashboard.core import formatting as fmt

    assert fmt.rank_words(9, 10, "rate") == "2nd highest rate of 10"
    assert fmt.rank_words(2, 10) == "2nd lowest of 10"
    assert fmt.rank_words(5, 10) == "5th lowest of 10"
    assert fmt.rank_words(6, 10) == "5th highest of 10"


def test_vp007f_target_values_read_as_the_pills_do(client):
    """Targets showed "70" in its table where the pill said 70.5%."""
    text = _client_text(client, ids.TARGETS)
    confidence = text[text.index("Increase public confidence") :]
    assert "70.5%" in confidence
    assert re.search(r"On track: \d+\.\d% to|Off track: \d+\.\d% to", confidence)


def _client_text(client, page: str, **filters) -> str:
    response = client.post("/_dash-update-component", json=page_payload(page, **filters))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return " ".join(texts(response.get_json()["response"][ids.content_id(page)]["children"]))


def test_vp007g_a_single_survey_result_reads_as_one(survey_app, survey_url):
    """With one result the summary read "… after  in the earlier periods"."""
    db.configure(survey_url)
    text = _text(survey_app, ids.PERCEPTION, area="district:Colchester")
    assert "after  in the earlier periods" not in text
    assert "71% agreed in the period to September 2020 (the only result held)." in text


def test_vp009_forecast_shows_only_informative_years_and_explains_the_forces(client):
    """Finding 9: the 2023 interval (16,411–90,621) told a board nothing, and 52,934 sat
    beside the force's own 65,603 with no word on why they differ."""
    text = _client_text(client, ids.INCIDENTS)
    forecast = text[text.index("Forecast, including and excluding Covid breaches") :]
    table = forecast.split("Force's published forecast")[-1]
    assert "including Covid breaches March 2022" in table
    # Every year shown has an interval narrower than the forecast itself.
    for central, low, high in re.findall(
        r"March 20\d\d ([\d,]+) [\d,]+ to [\d,]+ ([\d,]+) to ([\d,]+)", table
    ):
        value, lo, hi = (int(x.replace(",", "")) for x in (central, low, high))
        assert (hi - lo) <= value, (central, low, high)
    assert "The force's own published forecast differs from this one" in forecast
    assert "65,603" in forecast


def test_vp009b_chances_are_never_a_bare_certainty():
    from dashboard.core import formatting as fmt

    assert fmt.chance(1.0) == "more than 99%"
    assert fmt.chance(0.0) == "less than 1%"
    assert fmt.chance(0.995) == "more than 99%"
    assert fmt.chance(0.42) == "42%"


def test_vp009c_target_chance_says_what_it_leaves_out(client):
    text = _client_text(client, ids.TARGETS, to="2020-03")
    chance = text.split("Chance of meeting the target: ")[1]
    assert not chance.startswith(("100%", "0%"))
    assert "uncertainty in the model's own parameters is left out" in chance


def test_vp009d_a_year_whose_interval_says_nothing_is_cut():
    """The old 2023 interval (16,411–90,621 around 52,934) is wider than the forecast."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from dashboard.analysis.forecast import Forecast

    rng = np.random.default_rng(1)
    months = [dt.date(2021 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(24)]
    narrow = rng.normal(4_400, 300, size=(12, 2000))
    wide = rng.normal(4_400, 6_000, size=(12, 2000))  # 95% of the total: about ±41,000
    paths = np.vstack([narrow, wide])
    frame = pd.DataFrame({"month": months, "mean": paths.mean(axis=1)})
    cut = Forecast(frame, paths, "test").informative()
    assert len(cut.frame) == 12 and cut.paths.shape == (12, 2000)


def _content(client, page: str, **filters) -> list:
    response = client.post("/_dash-update-component", json=page_payload(page, **filters))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"][ids.content_id(page)]["children"]


def _testids(tree) -> list[str]:
    """Every data-testid in a serialised tree, in order."""
    found: list[str] = []
    if isinstance(tree, list):
        for node in tree:
            found += _testids(node)
    elif isinstance(tree, dict):
        props = tree.get("props", {})
        if "data-testid" in props:
            found.append(props["data-testid"])
        found += _testids(props.get("children"))
    return found


def test_vp001_incidents_spc_counts_months_once_on_seasonally_adjusted_values(client):
    """Finding 1: 59 of 72 months flagged, "36 … improvement and 42 … concern" (78 of 72),
    July 2017 both "trend of 7 (concern); trend of 7 (improvement)"."""
    text = _client_text(client, ids.INCIDENTS, to="2021-03", **{"break": "2020-03"})
    summary = re.search(r"Of (\d+) months: ([^.]*)\.", text)
    assert summary, text[:2000]
    counts = [int(n) for n in re.findall(r"(\d+) (?:common|special|without)", summary.group(2))]
    assert sum(counts) == int(summary.group(1)) == 72  # every month counted once
    assert "XmR on seasonally adjusted values (seasonal index from" in text
    table = text.split("SPC values, limits (for each month's season)")[1]
    for row in re.findall(
        r"(?:January|February|March|April|May|June|July|August|September|"
        r"October|November|December) \d{4}[^A-Z]*",
        table,
    ):
        assert not ("(concern" in row and "(improvement" in row), row
    figs = _figures(client, ids.INCIDENTS)
    assert "inc-spc-graph" in figs  # its method is named on the page, checked above


def test_vp002_attendance_uses_a_p_prime_chart_with_binomial_width(client):
    """Finding 2: XmR limits 52.12–53.04% flagged 65 of 72 months; binomial noise alone at
    n ≈ 4,000 is ±2.4 points at 3 sigma."""
    text = _client_text(client, ids.ATTENDANCE)
    assert "Laney p′" in text
    spc = text[text.index("Monthly % attended with p′ limits") :]
    rows = re.findall(r"(\d\d\.\d)% (\d\d\.\d)% (\d\d\.\d)%", spc)
    assert len(rows) >= 60
    for _value, low, high in rows:
        assert float(high) - float(low) >= 4.0  # never narrower than binomial noise
    # Neither everything nor nothing: the published yearly rates really move (56% to 50%),
    # so some years' months stand apart; month-to-month noise alone no longer flags a month.
    summary = re.search(r"Of (\d+) months: (\d+) common cause", text)
    months, common = int(summary.group(1)), int(summary.group(2))
    assert months == 72 and 12 <= common < months


def test_vp003_no_assurance_from_one_point_after_a_break(client):
    """Finding 3: "SPC assurance: consistently passing" from one point after March 2020."""
    text = _client_text(client, ids.TARGETS, to="2020-03")
    incidents = text.split("Increase public confidence")[0]
    assert "consistently passing" not in incidents.lower()
    assert "SPC assurance: none (not enough data since the break" in incidents


def test_vp004_msg_funnel_allows_for_overdispersion(client):
    """Finding 4: Poisson limits with φ ≈ 1,196 put all eight forces outside 99.8%."""
    text = _client_text(client, ids.MSG, to="2020-03")
    funnel = text[text.index("Forces against the funnel limits") :]
    assert "Spiegelhalter 2005" in funnel
    verdicts = re.findall(r"(above|below) the 99\.8% limit", funnel)
    assert len(verdicts) < 8
    assert "treat the 99.8% limits as the meaningful line" not in text


def test_vp005_change_tests_allow_for_overdispersion_and_say_modelled(client):
    """Finding 5: "significant change (Poisson test)" fired for any change over ~1.3% and was
    stated on modelled district totals as if published."""
    text = _client_text(client, ids.OVERVIEW, area="district:Colchester")
    card = text.split("ASB incidents")[1].split("Incidents attended")[0]
    assert "quasi-Poisson test allowing for month-to-month overdispersion" in card
    assert "; on modelled data)" in card
    assert "Poisson test, p < 0.05" not in card
    assert "Illustrative split modelled" in card  # not "12-month totals … as published"


def test_vp010_every_kpi_card_and_target_carries_both_icons(client):
    for page, cards in ((ids.OVERVIEW, 4), (ids.TARGETS, 2)):  # every card and target
        found = _testids(_content(client, page))
        assert found.count("variation") >= cards and found.count("assurance") >= cards, page


def _figures(client, page: str, **filters) -> dict:
    from tests.pages_payload import figures

    return figures(_content(client, page, **filters))

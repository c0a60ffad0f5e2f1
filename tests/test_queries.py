"""Figures from queries/ reproduce the report's published tables."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest
from sqlalchemy import delete

from dashboard.core.database import make_engine
from dashboard.core.extensions import db
from dashboard.core.models import AsbIncidentMonth
from dashboard.core.viewer import AreaScope
from dashboard.loaders.bootstrap import DATA
from queries.areas import area_by_selector, district_populations, filter_areas, population
from queries.incidents import district_comparison, month_range, monthly_counts, twelve_month_total
from queries.msg import msg_periods, msg_table
from queries.published import published_count

with (DATA / "published" / "essex_asb_annual.csv").open(encoding="utf-8") as _f:
    ANNUAL = list(csv.DictReader(_f))
# The report's table: % attended and year-on-year change, as printed.
REPORT_PCT_ATTENDED = [56, 51, 53, 50, 51, 56]
REPORT_DIFF = [None, -573, -2834, -2818, -5247, 19026]
REPORT_PCT_DIFF = [None, -1, -5, -6, -11, 46]


def _end(row) -> dt.date:
    d = dt.date.fromisoformat(row["period_end"])
    return dt.date(d.year, d.month, 1)


def test_qry001_every_annual_figure(default_db):
    force = filter_areas()[0]
    previous = None
    for i, row in enumerate(ANNUAL):
        total = twelve_month_total(force.id, _end(row), True)
        assert total.complete
        assert total.incidents == int(row["incidents"])
        assert total.attended == int(row["attended"])
        assert round(total.pct_attended) == REPORT_PCT_ATTENDED[i]
        if previous is not None:
            assert total.incidents - previous.incidents == REPORT_DIFF[i]
            change = 100 * (total.incidents - previous.incidents) / previous.incidents
            assert round(change) == REPORT_PCT_DIFF[i]
        previous = total


def test_qry002_excluding_covid_2021(default_db):
    force = filter_areas()[0]
    assert twelve_month_total(force.id, dt.date(2021, 3, 1), False).incidents == 44_995
    # Before March 2020 there were no Covid breaches: both views agree.
    assert (
        twelve_month_total(force.id, dt.date(2020, 3, 1), False).incidents
        == twelve_month_total(force.id, dt.date(2020, 3, 1), True).incidents
        == 41_365
    )


def test_qry003_area_tree_and_population(default_db):
    areas = filter_areas()
    assert [a.kind for a in areas].count("lpa") == 3
    assert [a.kind for a in areas].count("district") == 10
    assert areas[0].selector == "force" and areas[0].name == "Essex Police"
    assert population(areas[0].id) == (1_724_950, 2011)
    colchester = area_by_selector("district:Colchester")
    assert colchester is not None and colchester.parent_name == "North"


def test_qry003b_every_districts_population_in_one_query(default_db):
    """The district comparison's rates read every district's population at once: the same
    figures as asking for each district in turn, and they add up to the force's."""
    districts = [a for a in filter_areas() if a.kind == "district"]
    populations = district_populations()
    assert populations == {a.id: population(a.id) for a in districts}
    assert sum(p for p, _ in populations.values()) == population(filter_areas()[0].id)[0]


def test_qry004_districts_sum_to_the_force(default_db):
    force = filter_areas()[0]
    frame = district_comparison(force.id, dt.date(2021, 3, 1), True, AreaScope())
    assert len(frame) == 10
    assert frame["incidents"].sum() == 60_391
    assert frame["attended"].sum() == 33_644
    assert frame["previous"].sum() == 41_365
    lpas = [a for a in filter_areas() if a.kind == "lpa"]
    assert sum(twelve_month_total(a.id, dt.date(2021, 3, 1)).incidents for a in lpas) == 60_391


def test_qry005_monthly_series_and_range(default_db):
    force = filter_areas()[0]
    assert month_range("force") == (dt.date(2015, 4, 1), dt.date(2021, 3, 1))
    assert month_range("police_uk") == (dt.date(2018, 1, 1), dt.date(2018, 7, 1))
    series = monthly_counts(force.id, True)
    assert len(series) == 72
    assert int(series["incidents"].sum()) == sum(int(r["incidents"]) for r in ANNUAL)
    assert int(series["covid_breaches"].sum()) == 15_396


def test_qry006_msg_rank_matches_published_every_year(default_db):
    force = filter_areas()[0]
    periods = msg_periods("asb_incidents")
    assert len(periods) == 5
    for period_end in periods:
        table = msg_table("asb_incidents", period_end)
        assert len(table) == 8
        mine = table[table["force_id"] == force.id].iloc[0]
        month = dt.date(period_end.year, period_end.month, 1)
        assert mine["rank"] == published_count("msg_rank_asb_rate", force.id, month)
        assert mine["rate"] == pytest.approx(mine["value"] * 1000 / 1_724_950)
    assert [
        int(table.loc[table["force_id"] == force.id, "rank"].iloc[0])
        for table in (msg_table("asb_incidents", p) for p in periods)
    ] == [6, 6, 5, 6, 6]


def test_qry007_missing_month_refuses_a_total(default_db_url, tmp_path):
    """Delete one month from a copy of the database: the total is withheld, not understated."""
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(default_db_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.execute(delete(AsbIncidentMonth).where(AsbIncidentMonth.month == dt.date(2020, 6, 1)))
    db.configure(f"sqlite:///{copy}")
    try:
        force = filter_areas()[0]
        total = twelve_month_total(force.id, dt.date(2021, 3, 1))
        assert total.months_present == 11
        assert total.incidents is None and not total.complete and total.pct_attended is None
        assert twelve_month_total(force.id, dt.date(2020, 5, 1)).complete
    finally:
        db.configure(default_db_url)

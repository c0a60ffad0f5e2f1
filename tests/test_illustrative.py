"""The illustrative generator: reproducible, and it never alters a published figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import illustrative
from dashboard.bootstrap import DATA, FORCE_NAME


@pytest.fixture(scope="module")
def published():
    return illustrative.read_published(DATA / "published")


@pytest.fixture(scope="module")
def incidents(published):
    weights = illustrative.district_weights(
        DATA / "geography" / "essex_geography.csv", sorted((DATA / "police_uk").glob("*.csv.gz"))
    )
    return illustrative.generate_incidents(published, weights)


def _financial_year(month: str) -> int:
    return int(month[:4]) + (1 if int(month[5:]) >= 4 else 0)


def test_ill001_shipped_file_is_what_the_seed_generates(incidents):
    shipped = pd.read_csv(DATA / "illustrative" / "incidents_monthly.csv", dtype=str)
    assert shipped.equals(incidents.astype(str))


def test_ill002_totals_equal_every_published_year(incidents, published):
    by_year = (
        incidents.assign(fy=incidents["month"].map(_financial_year))
        .groupby("fy")[["incidents", "attended"]]
        .sum()
    )
    for row in published.annual.itertuples():
        year = row.period_end.year
        assert by_year.loc[year, "incidents"] == row.incidents
        assert by_year.loc[year, "attended"] == row.attended


def test_ill003_covid_breaches_equal_published_difference(incidents):
    covid = incidents[incidents["covid_breach"] == "true"]
    assert covid["incidents"].sum() == 60_391 - 44_995
    assert set(covid["month"]) == {
        f"{y}-{m:02d}"
        for y, m in [(2020, m) for m in range(4, 13)] + [(2021, m) for m in (1, 2, 3)]
    }


def test_ill004_category_shares_round_to_published(incidents, published):
    frame = incidents.assign(fy=incidents["month"].map(_financial_year))
    counts = frame.groupby(["fy", "category"])["incidents"].sum()
    for row in published.shares.itertuples():
        year = row.period_end.year
        share = 100 * counts[(year, row.category)] / counts[year].sum()
        digits = 1 if row.precision == 0.1 else 0
        assert round(share, digits) == pytest.approx(row.share_pct), (year, row.category)


def test_ill005_every_row_is_labelled_illustrative(incidents):
    assert set(incidents["source"]) == {"illustrative"}
    assert (incidents["attended"] <= incidents["incidents"]).all()


def test_ill006_msg_peers_reproduce_published_ranks(published):
    population = illustrative.force_population(DATA / "population" / "census_2011_lsoa.csv")
    assert population == 1_724_950
    msg = illustrative.generate_msg(published, FORCE_NAME, population)
    shipped = pd.read_csv(DATA / "illustrative" / "msg_asb_incidents.csv", dtype=str)
    assert shipped.equals(msg.astype(str))
    peers = msg[msg["force"] != FORCE_NAME]
    assert set(peers["force"]) == {f"Peer force {c}" for c in "ABCDEFG"}
    assert set(peers["source"]) == {"illustrative"}


@pytest.mark.parametrize(
    "shares,precision",
    [
        ({"a": 8.6, "b": 73.1, "c": 18.4}, 0.1),  # published 2018: sums to 100.1
        ({"a": 6.7, "b": 74.4, "c": 18.8}, 0.1),  # published 2019: sums to 99.9
        ({"a": 5, "b": 74, "c": 21}, 1),
    ],
)
def test_ill007_category_counts_respect_rounding(shares, precision):
    total = 49_430
    counts = illustrative.category_counts(total, shares, precision)
    assert sum(counts.values()) == total
    digits = 1 if precision == 0.1 else 0
    for c, s in shares.items():
        assert round(100 * counts[c] / total, digits) == pytest.approx(s)


def test_ill008_apportion_respects_caps_and_total():
    caps = np.array([3, 10, 10])
    out = illustrative.apportion(15, np.array([10.0, 1.0, 1.0]), caps=caps)
    assert out.sum() == 15 and (out <= caps).all() and out[0] == 3

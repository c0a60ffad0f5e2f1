"""The illustrative generator: reproducible, and it never alters a published figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dashboard.loaders import illustrative
from dashboard.loaders.bootstrap import DATA, FORCE_NAME


@pytest.fixture(scope="module")
def published():
    return illustrative.read_published(DATA / "published")


@pytest.fixture(scope="module")
def weights():
    return illustrative.district_weights(
        DATA / "geography" / "essex_geography.csv", sorted((DATA / "police_uk").glob("*.csv.gz"))
    )


@pytest.fixture(scope="module")
def incidents(published, weights):
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


def _with_year(incidents: pd.DataFrame) -> pd.DataFrame:
    return incidents.assign(fy=incidents["month"].map(_financial_year))


def _share_z(counts: pd.Series, weights: dict[str, float]) -> pd.Series:
    """Each district's share minus its police.uk share, in standard errors of the model's noise."""
    w = pd.Series(weights)
    n = counts.sum()
    se = np.sqrt(illustrative.DISPERSION * w * (1 - w) / n)
    return (counts / n - w) / se


def test_ill009_district_shares_follow_police_uk(incidents, weights):
    """Review finding: Harlow was 7.6% of police.uk records but 9.2% of the modelled split."""
    assert sum(weights.values()) == pytest.approx(1)
    assert weights["Harlow"] == pytest.approx(0.0759, abs=5e-4)
    # Over the comparable months, January-July 2018, and over all 72 months, every district's
    # share is within three standard errors of its police.uk share, and the ten together pass a
    # chi-squared test (overdispersion allowed for) at the 1% level.
    window = incidents[incidents["month"].between("2018-01", "2018-07")]
    for frame, points in ((window, 0.7), (incidents, 0.3)):
        counts = frame.groupby("area")["incidents"].sum()
        z = _share_z(counts, weights)
        assert (z.abs() < 3).all(), z.round(2).to_dict()
        assert stats.chi2.sf((z**2).sum(), len(z) - 1) > 0.01
        share = 100 * counts / counts.sum()
        gap = share - 100 * pd.Series(weights)
        assert (gap.abs() < points).all(), gap.round(2).to_dict()


def test_ill010_monthly_pct_attended_varies_as_binomial(incidents):
    """Review finding: the monthly % attended barely moved within a year (SD 0.07-0.10 points)."""
    frame = _with_year(incidents)
    month = frame.groupby(["fy", "month"])[["incidents", "attended"]].sum()
    year = month.groupby("fy").sum()
    p = (year["attended"] / year["incidents"]).reindex(month.index.get_level_values("fy")).values
    # Within-year variance of the force's monthly % attended against binomial variance at the
    # year's rate, pooled over six years (66 df).
    chi2 = (
        (month["attended"] - month["incidents"] * p) ** 2 / (month["incidents"] * p * (1 - p))
    ).sum()
    ratio = chi2 / (len(month) - len(year))
    assert 0.5 < ratio < 2, ratio
    sd = 100 * (month["attended"] / month["incidents"]).groupby("fy").std()
    assert (sd > 0.4).all(), sd.round(2).to_dict()
    # Allowing for each month's mix (district x category x Covid, at the year's rates), the force
    # and each district month are binomial: ratio near 1.
    strata = frame.groupby(["fy", "area", "category", "covid_breach"])
    rate = strata["attended"].transform("sum") / strata["incidents"].transform("sum")
    frame = frame.assign(e=frame["incidents"] * rate, v=frame["incidents"] * rate * (1 - rate))
    for keys, dof_lost, low, high in (
        (["fy", "month"], 6, 0.5, 2),
        (["fy", "month", "area"], 60, 0.75, 1.33),
    ):
        cells = frame.groupby(keys)[["attended", "e", "v"]].sum()
        ratio = ((cells["attended"] - cells["e"]) ** 2 / cells["v"]).sum() / (len(cells) - dof_lost)
        assert low < ratio < high, (keys, ratio)


def test_ill011_monthly_counts_overdispersed_as_intended(incidents):
    """District x month counts, season and district removed: variance / mean near DISPERSION."""
    frame = _with_year(incidents)
    chi2 = dof = 0.0
    for _, group in frame.groupby(["fy", "category", "covid_breach"]):
        table = group.pivot(index="month", columns="area", values="incidents").to_numpy(float)
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
        chi2 += ((table - expected) ** 2 / expected).sum()
        dof += (table.shape[0] - 1) * (table.shape[1] - 1)
    assert dof > 1800
    index = chi2 / dof
    assert 0.85 * illustrative.DISPERSION < index < 1.15 * illustrative.DISPERSION, index


def test_ill012_deterministic_from_the_seed(incidents, published, weights):
    again = illustrative.generate_incidents(published, weights)
    assert again.equals(incidents)
    other = illustrative.generate_incidents(published, weights, seed=illustrative.SEED + 7)
    assert not other["incidents"].equals(incidents["incidents"])
    for frame in (incidents, other):
        by_year = _with_year(frame).groupby("fy")[["incidents", "attended"]].sum()
        assert by_year["incidents"].tolist() == published.annual["incidents"].tolist()
        assert by_year["attended"].tolist() == published.annual["attended"].tolist()

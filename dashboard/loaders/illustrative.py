"""Seeded generator of the illustrative values the board needs but no public source has.

No public file gives ASB incidents by month, district, NSIR category and attendance, nor the
peer forces' ASB rates. This module builds them, deterministically from a seed, calibrated so that
real published figures are never altered and the monthly detail behaves like real counts:

* every 12-month (April-March) total of the monthly split equals the published incidents and
  attended counts exactly, and the 2021 Covid-breach total equals published incl. - excl.;
* each year's category shares round to the published shares at the published precision;
* each month's expected split gives every district its real share of police.uk ASB records
  (Jan-Jul 2018); a district's own category mix is raked so it never moves that share;
* expected counts follow a summer-peaking seasonal shape (fitted to police.uk) with days in the
  month, on a level that drifts smoothly between the published years; Covid breaches follow the
  2020-21 lockdowns;
* counts are negative binomial around those expectations (variance = DISPERSION x mean, the
  overdispersion of police.uk's district x month counts), drawn conditional on each year's exact
  totals (a Dirichlet-multinomial draw: exactly the negative-binomial cells given their sum);
* attended is binomial given each cell's incidents and its category's and district's chance of
  attendance, conditional on the year's published attended count, so the monthly % attended
  varies as binomial data do (the report: attendance follows the nature of the call, not
  capacity); the chance is steady within a year and steps each April to the published rate;
* seven peer forces, "Peer force A".."Peer force G", get rates that reproduce the force's
  published MSG rank in every year.

Every generated row carries source = 'illustrative' (the force's own row in the MSG file carries
its published count and is labelled as such). Regenerate with `asb-dashboard generate-illustrative`.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.core.vocab import NSIR_CATEGORIES

SEED = 20210331
CATEGORIES = NSIR_CATEGORIES
# Overdispersion of monthly counts: variance = DISPERSION x mean (negative binomial, NB1). Measured
# on the real police.uk ASB records (January-July 2018): district x month counts, after removing
# each district's and each month's effect, have Pearson chi-squared / df = 2.10 (54 df; local
# authority x month: 1.90, 78 df). Cells are independent given their expectations, so the index
# is the same for a district's monthly total as for one category's cell.
DISPERSION = 2.0
# Seasonal shape exp(A cos(2 pi (month - peak) / 12)) times the days in the month: a log-linear
# fit to police.uk's daily ASB rate, January-July 2018, gives A = 0.17 peaking in July; its
# residual SD (0.024) is what independent cells at DISPERSION give for the force (0.022), so no
# force-wide monthly shock is added.
SEASON_AMPLITUDE = 0.17
SEASON_PEAK_MONTH = 7
# Spread of a district's own category mix (lognormal) and attendance (log-odds): district
# differences the split keeps steady from year to year; they never change a district's total.
CATEGORY_MIX_SD = 0.15
ATTENDANCE_DISTRICT_SD = 0.2
MAX_ATTENDED_DRAWS = 100_000
# Chance that an incident of each kind is attended, before a common shift (log-odds) each year
# puts the expected total on the published attended count. Personal ASB involves a victim and is
# attended most; Covid-breach calls were often attended under Op Talla.
ATTENDANCE_PROPENSITY = {"personal": 0.80, "nuisance": 0.55, "environmental": 0.42, "covid": 0.60}
# Share of the 2020/21 Covid-breach incidents by month, April 2020 to March 2021: peaks in the
# first lockdown (from 23 March), the second (5 November) and the third (6 January).
COVID_MONTH_SHARE = [0.20, 0.15, 0.07, 0.05, 0.04, 0.04, 0.06, 0.12, 0.07, 0.10, 0.06, 0.04]
PEER_NAMES = [f"Peer force {c}" for c in "ABCDEFG"]
# Peer rates as multiples of the force's: five below it and two above, as in most published years.
PEER_BASE_MULTIPLIERS = np.array([0.70, 0.77, 0.84, 0.91, 0.97, 1.06, 1.30])
ILLUSTRATIVE = "illustrative"


@dataclass(frozen=True)
class Published:
    """The published figures the generator is calibrated to: totals, shares, Covid, MSG ranks."""

    annual: pd.DataFrame  # period_start, period_end, incidents, attended
    shares: pd.DataFrame  # period_end, category, share_pct, precision
    covid_excluded: dict[dt.date, int]  # 12m period end -> incidents excluding Covid breaches
    msg_rank: dict[dt.date, tuple[int, int]]  # period end -> (rank, of)


def read_published(directory: Path) -> Published:
    """Read the shipped published tables that every illustrative value must agree with."""
    annual = pd.read_csv(
        directory / "essex_asb_annual.csv", parse_dates=["period_start", "period_end"]
    )
    shares = pd.read_csv(directory / "essex_asb_category_share.csv", parse_dates=["period_end"])
    forecast = pd.read_csv(directory / "essex_asb_forecast.csv", parse_dates=["period_end"])
    actual = forecast[forecast["kind"] == "actual"]
    msg = pd.read_csv(directory / "essex_msg_rank_asb_rate.csv", parse_dates=["period_end"])
    return Published(
        annual=annual,
        shares=shares,
        covid_excluded={
            r.period_end.date(): int(r.incidents_excluding_covid) for r in actual.itertuples()
        },
        msg_rank={r.period_end.date(): (int(r.rank), int(r.of_forces)) for r in msg.itertuples()},
    )


def category_counts(total: int, shares: dict[str, float], precision: float) -> dict[str, int]:
    """Integer counts summing to total whose shares each round to the published share.

    Published shares need not sum to 100 (2018: 100.1), so each count is chosen within the band
    that rounds to its share, rather than by scaling.
    """
    half = precision / 2
    lo = {c: math.ceil((s - half) * total / 100 + 1e-9) for c, s in shares.items()}
    hi = {c: math.floor((s + half) * total / 100 - 1e-9) for c, s in shares.items()}
    counts = {c: min(max(round(s * total / 100), lo[c]), hi[c]) for c, s in shares.items()}
    gap = total - sum(counts.values())
    while gap:
        step = 1 if gap > 0 else -1
        movable = [c for c in counts if lo[c] <= counts[c] + step <= hi[c]]
        if not movable:
            raise ValueError(f"no split of {total} matches shares {shares} at {precision}")
        # Move the category furthest from its exact share first.
        c = max(movable, key=lambda k: step * (shares[k] * total / 100 - counts[k]))
        counts[c] += step
        gap -= step
    return counts


def district_weights(geography_csv: Path, police_uk_files: list[Path]) -> dict[str, float]:
    """Each district's share of the real police.uk ASB records."""
    with geography_csv.open(encoding="utf-8") as f:
        la_to_district = {r["local_authority"]: r["policing_district"] for r in csv.DictReader(f)}
    counts: Counter = Counter()
    for path in police_uk_files:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                la = row["lsoa_name"].rsplit(" ", 1)[0]
                if la in la_to_district:
                    counts[la_to_district[la]] += 1
    total = sum(counts.values())
    return {d: counts[d] / total for d in sorted(set(la_to_district.values()))}


def _months(start: dt.date) -> list[dt.date]:
    return [
        dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(12)
    ]


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _rake(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Scale a positive matrix to the given row and column sums (iterative proportional fitting)."""
    x: np.ndarray = seed.astype(float).copy()
    for _ in range(1000):
        x *= (rows / x.sum(axis=1))[:, None]
        x *= (cols / x.sum(axis=0))[None, :]
        if np.allclose(x.sum(axis=1), rows, rtol=1e-12, atol=0):
            return x
    raise ArithmeticError("raking did not converge")


def _season(months: list[dt.date]) -> np.ndarray:
    """Expected relative count of each month: summer-peaking shape times its days."""
    days = np.array([(_next_month(m) - m).days for m in months])
    angle = np.array([2 * math.pi * (m.month - SEASON_PEAK_MONTH) / 12 for m in months])
    return np.exp(SEASON_AMPLITUDE * np.cos(angle)) * days


def _next_month(m: dt.date) -> dt.date:
    return dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)


def _group_totals(published: Published) -> list[dict[tuple[str, bool], int]]:
    """Each financial year's incidents by (category, Covid flag): the exact totals to hit."""
    out = []
    for year in published.annual.itertuples():
        end = year.period_end.date()
        share_rows = published.shares[published.shares["period_end"].dt.date == end]
        shares = dict(zip(share_rows["category"], share_rows["share_pct"], strict=True))
        per_category = category_counts(
            int(year.incidents), shares, float(share_rows["precision"].iloc[0])
        )
        covid = int(year.incidents) - published.covid_excluded.get(end, int(year.incidents))
        groups = {}
        for category in CATEGORIES:
            n = per_category[category] - (covid if category == "nuisance" else 0)
            if n < 0:
                raise ValueError(f"Covid breaches exceed nuisance incidents in {end}")
            groups[(category, False)] = n
        if covid:
            groups[("nuisance", True)] = covid
        out.append(groups)
    return out


def _monthly_expected(
    published: Published, totals: list[dict[tuple[str, bool], int]]
) -> list[dict[tuple[str, bool], np.ndarray]]:
    """Each year's expected monthly counts per group: seasonal shape on a smooth trend.

    The level is interpolated (on a log scale) between the years' monthly means, placed at each
    year's midpoint, so counts drift from year to year instead of stepping each April; each year's
    months are then scaled to its exact total.
    """
    starts = [r.period_start.date() for r in published.annual.itertuples()]
    mids = np.array([12 * k + 5.5 for k in range(len(starts))])
    out = []
    for k, (start, groups) in enumerate(zip(starts, totals, strict=True)):
        months = _months(start)
        t = np.arange(12 * k, 12 * k + 12)
        shapes = {}
        for (category, covid), n in groups.items():
            if covid:
                shape = np.array(COVID_MONTH_SHARE)
            else:
                means = [max(g.get((category, False), 0), 1) / 12 for g in totals]
                shape = np.exp(np.interp(t, mids, np.log(means))) * _season(months)
            shapes[(category, covid)] = n * shape / shape.sum()
        out.append(shapes)
    return out


def _draw_attended(
    rng: np.random.Generator, incidents: np.ndarray, propensity: np.ndarray, total: int
) -> np.ndarray:
    """Binomial attended counts per cell, conditional on their sum being the published total.

    A common shift on the log-odds scale puts the expected sum on the total; draws are then
    repeated until the sum is exact (rejection sampling: exact conditional binomial draws).
    """
    base = _logit(propensity)
    lo, hi = -10.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if (incidents * _expit(base + mid)).sum() < total:
            lo = mid
        else:
            hi = mid
    p = _expit(base + (lo + hi) / 2)
    for _ in range(MAX_ATTENDED_DRAWS):
        attended = rng.binomial(incidents, p)
        if int(attended.sum()) == total:
            return attended
    raise ArithmeticError(f"no binomial draw of attended summed to {total}")


def generate_incidents(
    published: Published, weights: dict[str, float], seed: int = SEED
) -> pd.DataFrame:
    """Monthly incidents by district, category and Covid flag, in the incidents template."""
    rng = np.random.default_rng(seed)
    districts = list(weights)
    w_district = np.array([weights[d] for d in districts])
    # A district's own mix of categories and attendance, steady from year to year.
    category_mix = {c: rng.lognormal(0, CATEGORY_MIX_SD, len(districts)) for c in CATEGORIES}
    attendance_offset = rng.normal(0, ATTENDANCE_DISTRICT_SD, len(districts))
    totals = _group_totals(published)
    expected = _monthly_expected(published, totals)
    records = []
    for year, groups, shapes in zip(published.annual.itertuples(), totals, expected, strict=True):
        months = _months(year.period_start.date())
        keys = list(groups)
        # Expected count of every month x district x group: each month's districts take their
        # police.uk shares of that month's total; within that, each district its own mix.
        mix = np.column_stack(
            [np.ones(len(districts)) if cov else category_mix[cat] for cat, cov in keys]
        )
        mu = np.empty((12, len(districts), len(keys)))
        for i in range(12):
            cols = np.array([shapes[key][i] for key in keys])
            mu[i] = _rake(w_district[:, None] * mix, w_district * cols.sum(), cols)
        cells = []
        for g, (category, covid) in enumerate(keys):
            # Negative-binomial cells (variance = DISPERSION x mean) conditional on the year's
            # exact total: a Dirichlet-multinomial draw.
            alpha = mu[:, :, g].ravel() / (DISPERSION - 1)
            counts = rng.multinomial(groups[(category, covid)], rng.dirichlet(alpha))
            propensity = _expit(
                _logit(np.array(ATTENDANCE_PROPENSITY["covid" if covid else category]))
                + attendance_offset
            )
            for k, count in enumerate(counts):
                i, j = divmod(k, len(districts))
                cells.append((months[i], districts[j], category, covid, int(count), propensity[j]))
        incidents = np.array([c[4] for c in cells])
        attended = _draw_attended(
            rng, incidents, np.array([c[5] for c in cells]), int(year.attended)
        )
        for (month, district, category, covid, n, _), a in zip(cells, attended, strict=True):
            records.append(
                {
                    "month": f"{month:%Y-%m}",
                    "area_type": "district",
                    "area": district,
                    "category": category,
                    "covid_breach": "true" if covid else "false",
                    "incidents": n,
                    "attended": int(a),
                    "source": ILLUSTRATIVE,
                }
            )
    frame = pd.DataFrame.from_records(records)
    return frame.sort_values(["month", "area", "category", "covid_breach"], ignore_index=True)


def peer_multipliers(below: int) -> np.ndarray:
    """Each peer's rate as a multiple of the force's, with exactly `below` peers under it.

    Peers keep their order every year; only those that must cross the force move, to just
    either side of it (in 2018 the report says a peer "dipped to sixth", so the force rose
    to fifth).
    """
    m = PEER_BASE_MULTIPLIERS.copy()
    for i in range(len(m)):
        if i < below and m[i] >= 1:
            m[i] = 0.985 - 0.01 * (below - 1 - i)
        elif i >= below and m[i] < 1:
            m[i] = 1.02 + 0.01 * (i - below)
    return m


def generate_msg(
    published: Published, force_name: str, force_population: int, seed: int = SEED
) -> pd.DataFrame:
    """Peer forces' 12-month ASB counts so the force's rank matches the published rank each year."""
    rng = np.random.default_rng(seed + 1)
    populations = rng.integers(900_000, 2_000_000, len(PEER_NAMES), endpoint=True)
    annual = published.annual.set_index(published.annual["period_end"].dt.date)
    records = []
    for end, (rank, of) in sorted(published.msg_rank.items()):
        if of != len(PEER_NAMES) + 1:
            raise ValueError(f"MSG of {of} forces at {end}; the generator makes {len(PEER_NAMES)}")
        count = int(annual.loc[end, "incidents"])
        start = annual.loc[end, "period_start"].date()
        rate = count / force_population * 1000
        jitter = rng.uniform(-0.01, 0.01, len(PEER_NAMES))
        multipliers = peer_multipliers(rank - 1) + jitter
        for name, pop, m in zip(PEER_NAMES, populations, multipliers, strict=True):
            records.append(
                {
                    "force": name,
                    "measure": "asb_incidents",
                    "period_start": f"{start}",
                    "period_end": f"{end}",
                    "value": round(rate * m * int(pop) / 1000),
                    "population": int(pop),
                    "population_year": 2011,
                    "polarity": "lower_is_better",
                    "source": ILLUSTRATIVE,
                }
            )
        records.append(
            {
                "force": force_name,
                "measure": "asb_incidents",
                "period_start": f"{start}",
                "period_end": f"{end}",
                "value": count,
                "population": force_population,
                "population_year": 2011,
                "polarity": "lower_is_better",
                "source": "published (count); ONS 2011 Census (population)",
            }
        )
    frame = pd.DataFrame.from_records(records)
    _check_ranks(frame, published, force_name)
    return frame


def _check_ranks(frame: pd.DataFrame, published: Published, force_name: str) -> None:
    frame = frame.assign(rate=frame["value"] / frame["population"])
    for end, (rank, _of) in published.msg_rank.items():
        year = frame[frame["period_end"] == f"{end}"]
        mine = year.loc[year["force"] == force_name, "rate"].iloc[0]
        got = int((year["rate"] < mine).sum()) + 1
        if got != rank:
            raise AssertionError(f"generated MSG rank {got} != published {rank} at {end}")


def force_population(population_csv: Path) -> int:
    """The force's population: the sum of its LSOAs' 2011 Census residents."""
    return int(pd.read_csv(population_csv)["persons"].sum())

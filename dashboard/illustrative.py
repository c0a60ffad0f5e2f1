"""Seeded generator of the illustrative values the board needs but no public source has.

No public file gives ASB incidents by month, district, NSIR category and attendance, nor the
peer forces' ASB rates. This module builds them, deterministically from a seed, calibrated so that
real published figures are never altered:

* every 12-month (April-March) total of the monthly split equals the published incidents and
  attended counts exactly, and the 2021 Covid-breach total equals published incl. - excl.;
* each year's category shares round to the published shares at the published precision;
* districts are weighted by their real share of police.uk ASB records (Jan-Jul 2018);
* months follow a summer-peaking seasonal shape; Covid breaches follow the 2020-21 lockdowns;
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

SEED = 20210331
CATEGORIES = ("personal", "nuisance", "environmental")
# Relative chance that an incident of each kind is attended (scaled each year to the published
# total). Personal ASB involves a victim and is attended most; Covid-breach calls were often
# attended under Op Talla.
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
    annual: pd.DataFrame  # period_start, period_end, incidents, attended
    shares: pd.DataFrame  # period_end, category, share_pct, precision
    covid_excluded: dict[dt.date, int]  # 12m period end -> incidents excluding Covid breaches
    msg_rank: dict[dt.date, tuple[int, int]]  # period end -> (rank, of)


def read_published(directory: Path) -> Published:
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


def apportion(total: int, weights: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
    """Split an integer total in proportion to weights (largest remainder), within optional caps."""
    weights = np.asarray(weights, dtype=float)
    if total == 0 or weights.sum() == 0:
        return np.zeros(len(weights), dtype=np.int64)
    quotas = total * weights / weights.sum()
    if caps is not None:
        caps = np.asarray(caps, dtype=np.int64)
        if caps.sum() < total:
            raise ValueError("caps leave no room for the total")
        # Push any excess over a cap onto the cells with room, until nothing exceeds.
        for _ in range(100):
            over = quotas > caps
            if not over.any():
                break
            excess = (quotas[over] - caps[over]).sum()
            quotas[over] = caps[over]
            room = ~over & (quotas < caps)
            quotas[room] += excess * weights[room] / weights[room].sum()
    base = np.floor(quotas).astype(np.int64)
    remainder = total - int(base.sum())
    order = np.argsort(-(quotas - base), kind="stable")
    if caps is not None:
        order = [i for i in order if base[i] < caps[i]]
    for i in order[:remainder]:
        base[i] += 1
    assert int(base.sum()) == total
    return base


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


def generate_incidents(
    published: Published, weights: dict[str, float], seed: int = SEED
) -> pd.DataFrame:
    """Monthly incidents by district, category and Covid flag, in the incidents template."""
    rng = np.random.default_rng(seed)
    districts = list(weights)
    w_district = np.array([weights[d] for d in districts])
    # A district's own mix of categories and attendance, steady from year to year.
    category_mix = {c: rng.lognormal(0, 0.15, len(districts)) for c in CATEGORIES}
    attendance_mix = rng.lognormal(0, 0.08, len(districts))
    records = []
    for year in published.annual.itertuples():
        end = year.period_end.date()
        months = _months(year.period_start.date())
        season = np.array([1 + 0.18 * math.cos(2 * math.pi * (m.month - 7) / 12) for m in months])
        share_rows = published.shares[published.shares["period_end"].dt.date == end]
        shares = dict(zip(share_rows["category"], share_rows["share_pct"], strict=True))
        per_category = category_counts(
            int(year.incidents), shares, float(share_rows["precision"].iloc[0])
        )
        covid_total = int(year.incidents) - published.covid_excluded.get(end, int(year.incidents))
        groups = []
        for category in CATEGORIES:
            n = per_category[category] - (covid_total if category == "nuisance" else 0)
            if n < 0:
                raise ValueError(f"Covid breaches exceed nuisance incidents in {end}")
            groups.append((category, False, n, season))
        if covid_total:
            groups.append(("nuisance", True, covid_total, np.array(COVID_MONTH_SHARE)))
        cells = []
        for category, covid, n, monthly in groups:
            mix = np.ones(len(districts)) if covid else category_mix[category]
            noise = rng.lognormal(0, 0.06, (12, len(districts)))
            w = (monthly[:, None] * (w_district * mix)[None, :] * noise).ravel()
            counts = apportion(n, w)
            propensity = ATTENDANCE_PROPENSITY["covid" if covid else category]
            for k, count in enumerate(counts):
                i, j = divmod(k, len(districts))
                cells.append(
                    (
                        months[i],
                        districts[j],
                        category,
                        covid,
                        int(count),
                        propensity * attendance_mix[j],
                    )
                )
        incidents = np.array([c[4] for c in cells])
        expected = incidents * np.array([c[5] for c in cells])
        attended = apportion(int(year.attended), expected, caps=incidents)
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

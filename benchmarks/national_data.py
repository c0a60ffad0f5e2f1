"""A seeded national-scale dataset in police.uk's own street-level format, for benchmarks.

43 forces x 10 years (2015-01 to 2024-12) of street-level ASB records, about 15 million ASB
rows at scale 1, plus a tenth as many other crimes (so loaders must filter, as on real files):
`<out>/YYYY-MM/YYYY-MM-<force>-street.csv`, one file per force per month, as police.uk's bulk
download lays them out. Essex uses its real LSOAs and 2011 populations; the other 42 forces get
synthetic LSOAs (codes X01..., so they can never clash with real ones) listed in
`<out>/national_lsoas.csv` for `asb-dashboard load force-lsoas`.

Volumes follow population with seasonality (a summer peak), a slow trend, the 2020-21 Covid
breach surge, and hot spots (a gamma-distributed LSOA effect). Run:
    python benchmarks/national_data.py OUT [--scale 1.0] [--seed 2026]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "dashboard" / "data"
FORCES = 43
FIRST, MONTHS = dt.date(2015, 1, 1), 120
HOME = "Essex Police"
COLUMNS = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
ASB_PER_PERSON_MONTH = 0.0022  # about 26 per 1,000 a year, as Essex's published rates
SEASON = 1 + 0.22 * np.cos(2 * np.pi * (np.arange(12) - 6) / 12)  # July peak


def _month(i: int) -> dt.date:
    return dt.date(FIRST.year + (FIRST.month - 1 + i) // 12, (FIRST.month - 1 + i) % 12 + 1, 1)


def force_lsoas(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Each force's LSOAs: code, name, population, lat, lon."""
    essex = pd.read_csv(DATA / "geography" / "essex_lsoa.csv", dtype=str)
    pop = pd.read_csv(DATA / "population" / "census_2011_lsoa.csv", dtype={"area_code": str})
    essex = essex.merge(pop[["area_code", "persons"]], left_on="lsoa_code", right_on="area_code")
    forces = {
        HOME: pd.DataFrame(
            {
                "code": essex["lsoa_code"],
                "name": essex["lsoa_name"],
                "population": essex["persons"].astype(int),
                "lat": essex["latitude"].astype(float),
                "lon": essex["longitude"].astype(float),
            }
        )
    }
    for f in range(1, FORCES):
        n = int(rng.integers(300, 1500))
        districts = rng.integers(0, 6, n)
        forces[f"Synthetic Force {f:02d}"] = pd.DataFrame(
            {
                "code": [f"X01{f:02d}{i:04d}" for i in range(n)],
                "name": [
                    f"SF{f:02d} District {d} {i // 26:03d}{chr(65 + i % 26)}"
                    for i, d in enumerate(districts)
                ],
                "population": rng.lognormal(np.log(1600), 0.25, n).astype(int),
                "lat": 50.5 + f * 0.08 + rng.normal(0, 0.05, n),
                "lon": -3.5 + f * 0.1 + rng.normal(0, 0.05, n),
            }
        )
    return forces


def write(
    out: Path, scale: float, seed: int, forces_wanted: int = FORCES, months: int = MONTHS
) -> dict:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    forces = dict(list(force_lsoas(rng).items())[:forces_wanted])
    with open(out / "national_lsoas.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["force", "lsoa_code", "lsoa_name", "latitude", "longitude", "population"])
        for force, lsoas in forces.items():
            if force == HOME:
                continue  # already in the default geography
            for r in lsoas.itertuples():
                w.writerow([force, r.code, r.name, f"{r.lat:.6f}", f"{r.lon:.6f}", r.population])
    started = time.monotonic()
    asb_rows = other_rows = files = 0
    trend = np.linspace(1.05, 0.9, MONTHS)[:months]
    for force, lsoas in forces.items():
        slug = force.lower().replace(" ", "-")
        hot = rng.gamma(2.0, 0.5, len(lsoas))
        weights = lsoas["population"].to_numpy() * hot
        weights = weights / weights.sum()
        base = lsoas["population"].sum() * ASB_PER_PERSON_MONTH * scale
        for i in range(months):
            month = _month(i)
            covid = 1.45 if dt.date(2020, 4, 1) <= month <= dt.date(2021, 3, 1) else 1.0
            n_asb = int(rng.poisson(base * SEASON[month.month - 1] * trend[i] * covid))
            n_other = n_asb // 10
            picks = rng.choice(len(lsoas), size=n_asb + n_other, p=weights)
            chosen = lsoas.iloc[picks]
            frame = pd.DataFrame(
                {
                    "Crime ID": [""] * n_asb
                    + [f"{seed:04x}{files:06x}{k:05x}" for k in range(n_other)],
                    "Month": f"{month:%Y-%m}",
                    "Reported by": force,
                    "Falls within": force,
                    "Longitude": np.round(
                        chosen["lon"].to_numpy() + rng.normal(0, 0.002, len(picks)), 6
                    ),
                    "Latitude": np.round(
                        chosen["lat"].to_numpy() + rng.normal(0, 0.002, len(picks)), 6
                    ),
                    "Location": "On or near High Street",
                    "LSOA code": chosen["code"].to_numpy(),
                    "LSOA name": chosen["name"].to_numpy(),
                    "Crime type": ["Anti-social behaviour"] * n_asb
                    + ["Violence and sexual offences"] * n_other,
                    "Last outcome category": [""] * n_asb
                    + ["Investigation complete; no suspect identified"] * n_other,
                    "Context": "",
                }
            )
            folder = out / f"{month:%Y-%m}"
            folder.mkdir(exist_ok=True)
            frame.to_csv(folder / f"{month:%Y-%m}-{slug}-street.csv", index=False)
            asb_rows += n_asb
            other_rows += n_other
            files += 1
    return {
        "forces": len(forces),
        "months": months,
        "files": files,
        "asb_rows": asb_rows,
        "other_rows": other_rows,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--forces", type=int, default=FORCES)
    parser.add_argument("--months", type=int, default=MONTHS)
    args = parser.parse_args(argv)
    print(write(args.out, args.scale, args.seed, args.forces, args.months), file=sys.stderr)


if __name__ == "__main__":
    main()

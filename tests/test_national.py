"""National-scale data: other forces' LSOAs and street files load beside the home force's."""

from __future__ import annotations

import sys

import pandas as pd
from sqlalchemy import func, select

from dashboard.core.models import Area, AreaClosure, AsbIncidentMonth
from dashboard.loaders.geography import load_force_lsoas
from dashboard.loaders.police_uk import load_street_files
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import national_data


def _police_uk_by_force(engine) -> dict[str, int]:
    force = Area.__table__.alias("force")
    query = (
        select(force.c.name, func.sum(AsbIncidentMonth.incidents))
        .join(AreaClosure, AreaClosure.descendant_id == AsbIncidentMonth.area_id)
        .join(force, force.c.id == AreaClosure.ancestor_id)
        .where(force.c.kind == "force", AsbIncidentMonth.dataset == "police_uk")
        .group_by(force.c.name)
    )
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def test_nat001_generated_forces_load_count_for_count_and_replace_per_force(geo_engine, tmp_path):
    out = tmp_path / "national"
    summary = national_data.write(out, scale=0.05, seed=7, forces_wanted=3, months=2)
    assert summary["files"] == 6 and summary["forces"] == 3
    load_force_lsoas(geo_engine, out / "national_lsoas.csv")
    files = sorted(out.glob("*/*-street.csv"))
    reports = load_street_files(geo_engine, files)
    # Every generated ASB row is loaded, under the force that recorded it.
    expected = {}
    for path in files:
        frame = pd.read_csv(path, usecols=["Falls within", "Crime type"])
        asb = frame[frame["Crime type"] == "Anti-social behaviour"]
        for force, n in asb["Falls within"].value_counts().items():
            expected[force] = expected.get(force, 0) + int(n)
    assert _police_uk_by_force(geo_engine) == expected
    assert sum(r.rows_loaded for r in reports) == summary["asb_rows"]
    # One force's month loaded again replaces that force's month only: no doubling, no loss.
    load_street_files(geo_engine, [files[0]])
    assert _police_uk_by_force(geo_engine) == expected
    # And the geography reloads in place.
    load_force_lsoas(geo_engine, out / "national_lsoas.csv")
    with geo_engine.connect() as conn:
        forces = conn.execute(select(func.count()).where(Area.kind == "force")).scalar_one()
    assert forces == 3

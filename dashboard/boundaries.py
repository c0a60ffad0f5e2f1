"""LSOA boundaries for maps (simplified 2011 polygons shipped in dashboard/data/boundaries)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path

BOUNDARIES = Path(__file__).parent / "data" / "boundaries" / "essex_lsoa_2011.geojson"
OS_NOTICE = "Contains Ordnance Survey data © Crown copyright and database right 2014"


@functools.lru_cache(maxsize=1)
def _all_features() -> dict[str, dict]:
    """Read once per process; the file never changes while the app runs."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return {f["id"]: f for f in data["features"]}


def lsoa_geojson(codes: Iterable[str]) -> dict:
    features = _all_features()
    return {"type": "FeatureCollection", "features": [features[c] for c in codes if c in features]}

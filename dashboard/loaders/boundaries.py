"""LSOA boundaries for maps (simplified 2011 polygons shipped in dashboard/data/boundaries)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable

import numpy as np

from dashboard.core.paths import DATA

BOUNDARIES = DATA / "boundaries" / "essex_lsoa_2011.geojson"
OS_NOTICE = "Contains Ordnance Survey data © Crown copyright and database right 2014"


TOLERANCE = 0.0005  # degrees, about 35-55 m: below what a district map shows


def _simplify(ring: list) -> list:
    """Ramer-Douglas-Peucker on one ring (numpy, iterative), keeping its closing point."""
    points = np.asarray(ring, dtype=float)
    if len(points) <= 4:
        return ring
    keep: np.ndarray = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        start, end = points[first], points[last]
        segment = end - start
        inner = points[first + 1 : last] - start
        length = np.hypot(*segment)
        if length == 0:
            distances = np.hypot(inner[:, 0], inner[:, 1])
        else:
            distances = np.abs(segment[0] * inner[:, 1] - segment[1] * inner[:, 0]) / length
        i = int(np.argmax(distances))
        if distances[i] > TOLERANCE:
            keep[first + 1 + i] = True
            stack += [(first, first + 1 + i), (first + 1 + i, last)]
    kept = points[keep]
    if len(kept) < 4:  # a ring needs at least four points
        return ring
    return np.round(kept, 5).tolist()


def _simplified(geometry: dict) -> dict:
    if geometry["type"] == "Polygon":
        coordinates = [_simplify(r) for r in geometry["coordinates"]]
    else:  # MultiPolygon
        coordinates = [[_simplify(r) for r in poly] for poly in geometry["coordinates"]]
    return {"type": geometry["type"], "coordinates": coordinates}


@functools.lru_cache(maxsize=1)
def _all_features() -> dict[str, dict]:
    """Read once per process; the file never changes while the app runs."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return {
        f["id"]: {
            "type": "Feature",
            "id": f["id"],
            "properties": {},
            "geometry": _simplified(f["geometry"]),
        }
        for f in data["features"]
    }


def lsoa_geojson(codes: Iterable[str]) -> dict:
    """A FeatureCollection of these LSOAs' simplified polygons for a map; unknown codes left out."""
    features = _all_features()
    return {"type": "FeatureCollection", "features": [features[c] for c in codes if c in features]}

"""Derive the data files the package ships from the read-only originals in ../shared/data.

Run from the repository root:  python scripts/derive_shipped_data.py [--shared ../shared/data]

The originals are never modified. Everything written here goes under dashboard/data/ and is
described in dashboard/data/PROVENANCE.md. Re-running gives byte-identical output.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import itertools
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dashboard" / "data"

PUBLISHED_FILES = [
    "essex_asb_annual.csv",
    "essex_asb_category_share.csv",
    "essex_asb_forecast.csv",
    "essex_confidence_survey.csv",
    "essex_csew_perception.csv",
    "essex_geography.csv",
    "essex_msg_rank_asb_rate.csv",
]


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid of one polygon ring (shoelace, planar lon/lat)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2.0
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a, cx / (6 * a), cy / (6 * a)


def _feature_centroid(geometry: dict) -> tuple[float, float]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    total = sx = sy = 0.0
    for polygon in polygons:
        a, x, y = _ring_area_centroid(polygon[0])  # outer ring; holes are negligible here
        total += abs(a)
        sx += abs(a) * x
        sy += abs(a) * y
    return sx / total, sy / total


def lsoa_centroids(boundaries: Path) -> dict[str, tuple[float, float]]:
    centroids: dict[str, tuple[float, float]] = {}
    for path in sorted(boundaries.glob("*.json")):
        for feature in json.loads(path.read_text())["features"]:
            lon, lat = _feature_centroid(feature["geometry"])
            centroids[feature["properties"]["LSOA11CD"]] = (round(lat, 6), round(lon, 6))
    return centroids


def derive_geography(shared: Path) -> set[str]:
    """LSOA -> local authority for the force's local authorities, with polygon centroids."""
    with (shared / "published" / "essex_geography.csv").open(encoding="utf-8") as f:
        districts = list(csv.DictReader(f))
    force_las = {row["local_authority"] for row in districts}
    centroids = lsoa_centroids(shared / "boundaries" / "essex_lsoa_2011")
    rows = []
    with gzip.open(shared / "lookups" / "PoliceforceLSOA.csv.gz", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            la = row["Local authority name"].removesuffix(" UA")
            if la not in force_las:
                continue
            lat, lon = centroids[row["LSOA Code"]]
            rows.append(
                {
                    "lsoa_code": row["LSOA Code"],
                    "lsoa_name": row["LSOA Name"],
                    "local_authority_code": row["Local authority code"],
                    "local_authority": la,
                    "latitude": f"{lat:.6f}",
                    "longitude": f"{lon:.6f}",
                }
            )
    rows.sort(key=lambda r: r["lsoa_code"])
    _write_csv(OUT / "geography" / "essex_lsoa.csv", rows)
    shutil.copyfile(
        shared / "published" / "essex_geography.csv", OUT / "geography" / "essex_geography.csv"
    )
    return {r["lsoa_code"] for r in rows}


def derive_population(shared: Path, lsoas: set[str]) -> None:
    rows = []
    with gzip.open(
        shared / "lookups" / "census_2011_population_hh.csv.gz", "rt", encoding="utf-8"
    ) as f:
        reader = csv.reader(f)
        header = next(reader)
        code_col = header.index("LSOA Code")
        persons_col = header.index("Persons")  # the first Persons column: all usual residents
        for row in reader:
            if row[code_col] in lsoas:
                rows.append(
                    {
                        "area_code": row[code_col],
                        "year": "2011",
                        "persons": row[persons_col].replace(",", ""),
                        "source": "ONS 2011 Census usual resident population (OGL v3.0)",
                    }
                )
    rows.sort(key=lambda r: r["area_code"])
    _write_csv(OUT / "population" / "census_2011_lsoa.csv", rows)


def derive_police_uk(shared: Path) -> None:
    """Keep only the ASB rows of each monthly street file, every byte of those rows as found."""
    target = OUT / "police_uk"
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted((shared / "police_uk_street" / "essex").glob("*-street.csv")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        header, body = lines[0], lines[1:]
        crime_type = header.rstrip("\r\n").split(",").index("crime_type")
        kept = [
            line for line in body if next(csv.reader([line]))[crime_type] == "Anti-social behaviour"
        ]
        out = target / path.name.replace("-street.csv", "-street-asb.csv.gz")
        # mtime=0 keeps the gzip bytes reproducible.
        with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write((header + "".join(kept)).encode("utf-8"))


def _perpendicular(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker line simplification (iterative), keeping first and last points."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def derive_boundaries(shared: Path, tolerance: float = 0.0002) -> None:
    """One GeoJSON of the force's LSOAs, simplified (~20 m) and rounded to 5 decimal places."""
    features = []
    for path in sorted((shared / "boundaries" / "essex_lsoa_2011").glob("*.json")):
        for feature in json.loads(path.read_text())["features"]:
            geometry = feature["geometry"]
            polygons = (
                [geometry["coordinates"]]
                if geometry["type"] == "Polygon"
                else geometry["coordinates"]
            )
            simplified = []
            for polygon in polygons:
                rings = []
                for ring in polygon:
                    kept = simplify(ring, tolerance)
                    if len(kept) >= 4:
                        rings.append([[round(x, 5), round(y, 5)] for x, y in kept])
                if rings:
                    simplified.append(rings)
            features.append(
                {
                    "type": "Feature",
                    "id": feature["properties"]["LSOA11CD"],
                    "properties": {
                        "LSOA11CD": feature["properties"]["LSOA11CD"],
                        "LSOA11NM": feature["properties"]["LSOA11NM"],
                    },
                    "geometry": {"type": "MultiPolygon", "coordinates": simplified},
                }
            )
    features.sort(key=lambda f: f["id"])
    out = OUT / "boundaries" / "essex_lsoa_2011.geojson"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    )


def copy_published(shared: Path) -> None:
    (OUT / "published").mkdir(parents=True, exist_ok=True)
    for name in PUBLISHED_FILES:
        if name == "essex_geography.csv":
            continue  # shipped under geography/
        shutil.copyfile(shared / "published" / name, OUT / "published" / name)


def _write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    lsoas = derive_geography(args.shared)
    derive_population(args.shared, lsoas)
    derive_police_uk(args.shared)
    copy_published(args.shared)
    derive_boundaries(args.shared)
    print(f"wrote {len(lsoas)} LSOAs, population, police.uk ASB extracts and published tables")


if __name__ == "__main__":
    main()

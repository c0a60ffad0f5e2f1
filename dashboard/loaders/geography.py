"""Geography (force -> LPA -> district -> local authority -> LSOA) and population loaders."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, delete, insert, select, text, update

from dashboard.core.models import Area, AreaClosure, Population
from dashboard.loaders.base import AreaIndex, LoadReport, record_load, slug
from dashboard.loaders.errors import LoadRejected, Problem
from dashboard.loaders.reading import CsvFile, ProblemList, parse_count, parse_number

# Rebuild the closure from parent links in SQL; works on SQLite and PostgreSQL alike.
_CLOSURE_SQL = text(
    """
    INSERT INTO area_closure (ancestor_id, descendant_id, depth)
    WITH RECURSIVE tree(ancestor_id, descendant_id, depth) AS (
        SELECT id, id, 0 FROM area
        UNION ALL
        SELECT tree.ancestor_id, area.id, tree.depth + 1
        FROM tree JOIN area ON area.parent_id = tree.descendant_id
    )
    SELECT ancestor_id, descendant_id, depth FROM tree
    """
)


def rebuild_closure(conn) -> None:
    """Recompute area_closure from the parent links, after any change to the area tree."""
    conn.execute(delete(AreaClosure))
    conn.execute(_CLOSURE_SQL)


def load_geography(
    engine: Engine,
    districts_csv: Path,
    lsoa_csv: Path,
    force_name: str,
    command: str = "python",
) -> list[LoadReport]:
    """Load the district table (local authority -> district -> LPA) and the LSOA lookup."""
    problems = ProblemList()
    districts = CsvFile(
        districts_csv, ["local_authority", "policing_district", "local_policing_area"]
    )
    la_parent: dict[str, tuple[str, str]] = {}
    for line, row in districts.rows():
        la = row["local_authority"].strip()
        if not la or not row["policing_district"].strip() or not row["local_policing_area"].strip():
            problems.append(Problem(districts.name, line, None, "blank name"))
            continue
        if la in la_parent:
            problems.append(
                Problem(districts.name, line, "local_authority", f"'{la}' appears twice")
            )
        la_parent[la] = (row["policing_district"].strip(), row["local_policing_area"].strip())

    lsoas = CsvFile(
        lsoa_csv,
        ["lsoa_code", "lsoa_name", "local_authority_code", "local_authority"],
        ["latitude", "longitude"],
    )
    lsoa_rows: dict[str, dict] = {}
    la_codes: dict[str, str] = {}
    for line, row in lsoas.rows():
        code = row["lsoa_code"].strip()
        la = row["local_authority"].strip()
        if la not in la_parent:
            problems.append(
                Problem(
                    lsoas.name,
                    line,
                    "local_authority",
                    f"unknown local authority '{la}': it is not in {districts.name}",
                )
            )
            continue
        if code in lsoa_rows:
            problems.append(Problem(lsoas.name, line, "lsoa_code", f"'{code}' appears twice"))
        lat = lon = None
        if row.get("latitude", "").strip():
            lat = problems.check(lsoas.name, line, "latitude", parse_number, row["latitude"])
            lon = problems.check(lsoas.name, line, "longitude", parse_number, row["longitude"])
        lsoa_rows[code] = {"name": row["lsoa_name"].strip(), "la": la, "lat": lat, "lon": lon}
        la_codes[la] = row["local_authority_code"].strip()
    problems.raise_if_any()

    nodes: list[tuple[str, str, str, str | None]] = [
        (f"force:{slug(force_name)}", "force", force_name, None)
    ]
    for lpa in sorted({p[1] for p in la_parent.values()}):
        nodes.append((f"lpa:{slug(lpa)}", "lpa", lpa, f"force:{slug(force_name)}"))
    for district, lpa in sorted({p for p in la_parent.values()}):
        nodes.append((f"district:{slug(district)}", "district", district, f"lpa:{slug(lpa)}"))
    for la, (district, _) in sorted(la_parent.items()):
        nodes.append(
            (
                la_codes.get(la, f"la:{slug(la)}"),
                "local_authority",
                la,
                f"district:{slug(district)}",
            )
        )
    coords = {}
    for code, info in sorted(lsoa_rows.items()):
        nodes.append((code, "lsoa", info["name"], la_codes[info["la"]]))
        coords[code] = (info["lat"], info["lon"])

    with engine.begin() as conn:
        ids = dict(conn.execute(select(Area.code, Area.id)).all())
        for code, kind, name, parent_code in nodes:
            lat, lon = coords.get(code, (None, None))
            values = {
                "kind": kind,
                "name": name,
                "parent_id": ids[parent_code] if parent_code else None,
                "latitude": lat,
                "longitude": lon,
            }
            if code in ids:
                conn.execute(update(Area).where(Area.id == ids[code]).values(**values))
            else:
                ids[code] = conn.execute(
                    insert(Area).returning(Area.id), {"code": code, **values}
                ).scalar_one()
        rebuild_closure(conn)
        reports = [
            LoadReport("geography-districts", districts.name, len(la_parent), len(la_parent)),
            LoadReport(
                "geography-lsoa",
                lsoas.name,
                len(lsoa_rows),
                len(lsoa_rows),
                notes=[
                    f"{len(nodes)} areas: 1 force, "
                    f"{len({p[1] for p in la_parent.values()})} LPAs, "
                    f"{len(set(la_parent.values()))} districts, {len(la_parent)} local "
                    f"authorities, {len(lsoa_rows)} LSOAs"
                ],
            ),
        ]
        record_load(conn, reports[0], districts_csv, command)
        record_load(conn, reports[1], lsoa_csv, command)
    return reports


def load_population(engine: Engine, path: Path, command: str = "python") -> LoadReport:
    """Population template: area_code, year, persons, source. Replaces the same area and year."""
    csv_file = CsvFile(path, ["area_code", "year", "persons", "source"])
    problems = ProblemList()
    rows = []
    with engine.connect() as conn:
        index = AreaIndex(conn)
    seen = set()
    for line, row in csv_file.rows():
        code = row["area_code"].strip()
        if code not in index.by_code:
            problems.append(Problem(csv_file.name, line, "area_code", f"unknown area '{code}'"))
            continue
        year = problems.check(csv_file.name, line, "year", parse_count, row["year"])
        persons = problems.check(csv_file.name, line, "persons", parse_count, row["persons"])
        key = (code, year)
        if key in seen:
            problems.append(Problem(csv_file.name, line, None, f"{code} {year} appears twice"))
        seen.add(key)
        rows.append(
            {
                "area_id": index.by_code[code][0],
                "year": year,
                "persons": persons,
                "source": row["source"].strip() or "unknown",
            }
        )
    problems.raise_if_any()
    report = LoadReport("population", csv_file.name, len(rows), len(rows))
    with engine.begin() as conn:
        for year in {r["year"] for r in rows}:
            area_ids = [r["area_id"] for r in rows if r["year"] == year]
            for chunk in _chunks(area_ids, 500):
                conn.execute(
                    delete(Population).where(Population.year == year, Population.area_id.in_(chunk))
                )
        conn.execute(insert(Population), rows)
        record_load(conn, report, path, command)
    return report


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def load_force_lsoas(engine: Engine, path: Path, command: str = "python") -> LoadReport:
    """Other forces' LSOAs, so their police.uk files load too (a national body's data).

    Columns: force, lsoa_code, lsoa_name, latitude, longitude, population. Each force is found
    by name (created if new) and its LSOAs hang directly beneath it; the home force's own tree
    is untouched. Reloading updates LSOAs in place.
    """
    csv_file = CsvFile(
        path, ["force", "lsoa_code", "lsoa_name"], ["latitude", "longitude", "population"]
    )
    problems = ProblemList()
    rows: dict[str, dict] = {}
    for line, row in csv_file.rows():
        code, force = row["lsoa_code"].strip(), row["force"].strip()
        if not code or not force:
            problems.append(Problem(csv_file.name, line, None, "blank force or LSOA code"))
            continue
        if code in rows:
            problems.append(Problem(csv_file.name, line, "lsoa_code", f"'{code}' appears twice"))
        lat = lon = population = None
        if row.get("latitude", "").strip():
            lat = problems.check(csv_file.name, line, "latitude", parse_number, row["latitude"])
            lon = problems.check(csv_file.name, line, "longitude", parse_number, row["longitude"])
        if row.get("population", "").strip():
            population = problems.check(
                csv_file.name, line, "population", parse_count, row["population"]
            )
        rows[code] = {
            "force": force,
            "name": row["lsoa_name"].strip(),
            "lat": lat,
            "lon": lon,
            "population": population,
        }
    problems.raise_if_any()
    report = LoadReport(
        "geography-force-lsoas",
        csv_file.name,
        len(rows),
        len(rows),
        notes=[f"{len(rows):,} LSOAs in {len({r['force'] for r in rows.values()})} forces"],
    )
    with engine.begin() as conn:
        home = AreaIndex(conn).home_force()
        forces = dict(conn.execute(select(Area.name, Area.id).where(Area.kind == "force")).all())
        for name in sorted({r["force"] for r in rows.values()}):
            if name not in forces:
                forces[name] = conn.execute(
                    insert(Area).returning(Area.id),
                    {"code": f"force:{slug(name)}", "kind": "force", "name": name},
                ).scalar_one()
            elif forces[name] == home:
                raise LoadRejected(
                    [Problem(csv_file.name, None, "force", f"'{name}' is the home force")]
                )
        existing = dict(conn.execute(select(Area.code, Area.id).where(Area.kind == "lsoa")).all())
        new = []
        for code, r in rows.items():
            values = {
                "kind": "lsoa",
                "name": r["name"],
                "parent_id": forces[r["force"]],
                "latitude": r["lat"],
                "longitude": r["lon"],
            }
            if code in existing:
                conn.execute(update(Area).where(Area.id == existing[code]).values(**values))
            else:
                new.append({"code": code, **values})
        for chunk in _chunks(new, 5000):
            conn.execute(insert(Area), chunk)
        ids = dict(conn.execute(select(Area.code, Area.id).where(Area.kind == "lsoa")).all())
        people = [
            {"area_id": ids[c], "year": 2011, "persons": r["population"], "source": csv_file.name}
            for c, r in rows.items()
            if r["population"] is not None
        ]
        for chunk in _chunks([p["area_id"] for p in people], 500):
            conn.execute(
                delete(Population).where(Population.year == 2011, Population.area_id.in_(chunk))
            )
        for chunk in _chunks(people, 5000):
            conn.execute(insert(Population), chunk)
        rebuild_closure(conn)
        record_load(conn, report, path, command)
    return report

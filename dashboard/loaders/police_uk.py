"""police.uk loaders: the bulk street-level CSV files and the API's format.

Only ASB rows are kept, counted by LSOA and month into the 'police_uk' dataset. police.uk
publishes ASB as one category with no attendance flag, so category is 'unknown' and attended
is NULL. Rows whose LSOA lies outside the force area (police.uk snaps locations to a nearby
point, sometimes over the border) are counted and reported, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import aliased
from tqdm import tqdm

from dashboard.core.failpoints import failpoint
from dashboard.core.models import Area, AreaClosure, AsbIncidentMonth
from dashboard.loaders.base import (
    AreaIndex,
    LoadReport,
    bulk_insert,
    bulk_load_cache,
    record_load,
)
from dashboard.loaders.errors import LoadRejected, Problem
from dashboard.loaders.reading import (
    READ_ERRORS,
    CsvFile,
    ProblemList,
    file_sha256,
    parse_month,
    unreadable,
)
from dashboard.loaders.street_fast import MAX_COUNT_KEYS, street_counts
from dashboard.loaders.write_behind import WriteBehind

ASB_STREET = "Anti-social behaviour"
ASB_API = "anti-social-behaviour"
STREET_COLUMNS = ["month", "falls_within", "lsoa_code", "lsoa_name", "crime_type"]
API_COLUMNS = ["category", "date", "lat", "long"]
# A point further than this from every LSOA centroid in the force is treated as outside it.
MAX_NEAREST_KM = 3.0
# The API returns at most 10,000 crimes (a few MB) a call; a JSON file is read whole.
MAX_JSON_BYTES = 32 << 20
# Local authorities named one by one among the rows outside the force; the rest are summed.
MAX_OUTSIDE_NAMES = 1_000
OTHER_AREAS = "other areas"
MONTH_TEXTS_CACHED = 10_000


def _force_lsoas(conn) -> dict[str, int]:
    """The home force's LSOAs (the API loader maps points to these)."""
    index = AreaIndex(conn)
    force_id = index.home_force()
    rows = conn.execute(
        select(Area.code, Area.id)
        .join(AreaClosure, AreaClosure.descendant_id == Area.id)
        .where(AreaClosure.ancestor_id == force_id, Area.kind == "lsoa")
    ).all()
    return dict(rows)


def _lsoa_index(conn) -> pd.DataFrame:
    """Every LSOA held, with its force: the home force's and any loaded for other forces."""
    force = aliased(Area)
    rows = conn.execute(
        select(Area.code, Area.id, force.id)
        .join(AreaClosure, AreaClosure.descendant_id == Area.id)
        .join(force, force.id == AreaClosure.ancestor_id)
        .where(Area.kind == "lsoa", force.kind == "force")
    ).all()
    return pd.DataFrame(rows, columns=["lsoa_code", "area_id", "force_id"]).set_index("lsoa_code")


def _local_authority_of(lsoa_name: str) -> str:
    """'Waltham Forest 001A' -> 'Waltham Forest' (the LSOA name carries its district)."""
    return re.sub(r"\s+\d{3}[A-Z]$", "", lsoa_name.strip()) or "unknown"


def _month_parser(problems: ProblemList, file: str):
    cache: dict[str, dt.date | None] = {}

    def parse(line: int, column: str, value: str) -> dt.date | None:
        if value not in cache:
            try:
                month = parse_month(value)
            except ValueError as exc:
                problems.append(Problem(file, line, column, str(exc)))
                return None
            if len(cache) >= MONTH_TEXTS_CACHED:  # " 2018-03", "2018-03 "...: no end of them
                return month
            cache[value] = month
        return cache[value]

    return parse


def _held_force_months(conn) -> set[tuple]:
    """(month, force id) pairs of police.uk data already held: only those need a DELETE
    before they are written again (on a first load, none do)."""
    force = aliased(Area)
    rows = conn.execute(
        select(AsbIncidentMonth.month, force.id)
        .join(AreaClosure, AreaClosure.descendant_id == AsbIncidentMonth.area_id)
        .join(force, force.id == AreaClosure.ancestor_id)
        .where(AsbIncidentMonth.dataset == "police_uk", force.kind == "force")
        .distinct()
    ).all()
    return {(r[0], r[1]) for r in rows}


MONTH_COLUMNS: tuple[str, ...] = (
    *("dataset", "month", "area_id", "category", "covid_breach", "incidents"),
    *("attended", "source", "load_id"),
)
BATCH_FILES = 16  # files a street load writes at once: fewer round trips, memory still small
# ... or fewer, once their counts reach this: a few batches wait to be written (WriteBehind), so
# this and MAX_COUNT_KEYS (per file) bound the memory they take, whatever the files hold.
BATCH_KEYS = 50_000


def _clear_months(conn, counts: dict, forces: set[int], held: set[tuple] | None = None) -> None:
    """Delete the police.uk months about to be written, for these forces only (other forces'
    months stay); skipped when `held` shows there is nothing to delete."""
    months = sorted({month for month, _ in counts})
    if months and (held is None or any((m, f) in held for m in months for f in forces)):
        in_forces = select(AreaClosure.descendant_id).where(AreaClosure.ancestor_id.in_(forces))
        conn.execute(
            delete(AsbIncidentMonth).where(
                AsbIncidentMonth.dataset == "police_uk",
                AsbIncidentMonth.month.in_(months),
                AsbIncidentMonth.area_id.in_(in_forces),
            )
        )


def _month_rows(counts: dict, source: str, load_id: int) -> list[tuple]:
    """`counts` ((month, area_id) -> count) as asb_incident_month rows, in MONTH_COLUMNS order."""
    return [
        ("police_uk", month, area_id, "unknown", False, n, None, source, load_id)
        for (month, area_id), n in sorted(counts.items())
    ]


def _replace_months(conn, counts: dict, forces: set[int], source: str, load_id: int) -> None:
    _clear_months(conn, counts, forces)
    bulk_insert(
        conn, AsbIncidentMonth.__table__, MONTH_COLUMNS, _month_rows(counts, source, load_id)
    )


def _outside_note(outside: Counter) -> str:
    named = outside.most_common(20)
    listed = ", ".join(f"{la} {n:,}" for la, n in named)
    if len(outside) > len(named):
        listed += f" and {len(outside) - len(named):,} more"
    return f"{sum(outside.values()):,} ASB rows outside the force area, not loaded ({listed})"


def _count_outside(outside: Counter, name: str, n: int = 1) -> None:
    """Count rows outside the force by local authority, naming at most MAX_OUTSIDE_NAMES."""
    if name not in outside and len(outside) >= MAX_OUTSIDE_NAMES:
        name = OTHER_AREAS
    outside[name] += n


def _too_many_counts(name: str, line: int | None) -> LoadRejected:
    return LoadRejected(
        [
            Problem(
                name,
                line,
                None,
                f"over {MAX_COUNT_KEYS:,} distinct months and LSOAs in one file; police.uk "
                "publishes a file per force and month: load those",
            )
        ]
    )


def _careful_counts(path: Path, lsoas: dict[str, int], problems: ProblemList):
    """Row by row, naming the line of every problem (for files the fast path cannot read)."""
    csv_file = CsvFile(path, STREET_COLUMNS, held=False, need_rows=False)
    month_of = _month_parser(problems, csv_file.name)
    counts: Counter = Counter()
    outside: Counter = Counter()
    rows_read = asb_rows = no_location = 0
    for line, row in csv_file.rows():
        rows_read += 1
        month = month_of(line, "Month", row["month"])
        if row["crime_type"] != ASB_STREET:
            continue
        asb_rows += 1
        code = row["lsoa_code"].strip()
        if not code:
            no_location += 1
        elif code in lsoas:
            if month is not None:
                counts[(month, lsoas[code])] += 1
                if len(counts) > MAX_COUNT_KEYS:
                    raise _too_many_counts(csv_file.name, line)
        else:
            _count_outside(outside, _local_authority_of(row["lsoa_name"]))
    return rows_read, asb_rows, counts, outside, no_location


def _fast_counts(path: Path, lsoas: dict[str, int]):
    """The same from Arrow's counts (grouped by month and area in Arrow), or None if the file
    needs the careful path."""
    found = street_counts(path)
    if found is None:
        return None
    table = found.counts
    months: dict[str, dt.date] = {}
    for text in pc.unique(table["month"]).to_pylist():
        try:
            months[text] = parse_month(text)
        except ValueError:
            return None  # the careful path reports the lines
    code = pc.utf8_trim_whitespace(table["lsoa_code"])
    n = table["n"]
    empty = pc.equal(code, "")
    area = pa.array([lsoas.get(c) for c in code.to_pylist()], pa.int64())  # null: unknown
    known = pc.is_valid(area)
    beyond = pc.and_(pc.invert(known), pc.invert(empty))
    outside: Counter = Counter()
    names = pc.filter(table["lsoa_name"], beyond).to_pylist()
    for name, k in zip(names, pc.filter(n, beyond).to_pylist(), strict=True):
        _count_outside(outside, _local_authority_of(name), k)
    inside = pa.table(
        {
            "month": pc.filter(table["month"], known),
            "area": pc.filter(area, known),
            "n": pc.filter(n, known),
        }
    )
    inside = inside.group_by(["month", "area"]).aggregate([("n", "sum")])
    keys = zip(
        [months[t] for t in inside["month"].to_pylist()], inside["area"].to_pylist(), strict=True
    )
    counts: Counter = Counter()
    for key, k in zip(keys, inside["n_sum"].to_pylist(), strict=True):
        counts[key] += k  # " 2018-03" and "2018-03" are one month: add, never overwrite
    no_location = pc.sum(pc.filter(n, empty)).as_py() or 0
    return found.rows_read, found.asb_rows, counts, outside, no_location


def load_street_files(
    engine: Engine, paths: list[Path], command: str = "python"
) -> list[LoadReport]:
    """Load police.uk street-level files (published or snake_case header; .csv or .csv.gz).

    Everything is written in one transaction: a bad file anywhere (every file is still checked,
    so all problems are reported) rolls it all back and leaves the database as it was. Files are
    read by Arrow in blocks and written as soon as they are counted, so memory stays flat
    however many or large they are. Loading a force's month again replaces that force's month
    (files are per force and month, as police.uk publishes them).
    """
    paths = list(paths)
    with engine.connect() as conn:
        index = _lsoa_index(conn)
        held = _held_force_months(conn)
    lsoas = dict(zip(index.index, index["area_id"].astype(int), strict=True))
    force_of = dict(zip(index["area_id"].astype(int), index["force_id"].astype(int), strict=True))
    problems = ProblemList()
    seen: dict[tuple, str] = {}
    reports: list[LoadReport] = []
    source = "police.uk street-level (OGL v3.0)"

    def write(conn, batch: list[tuple]) -> None:
        rows: list[tuple] = []
        for report, path, sha256, counts, forces in batch:
            load_id = record_load(conn, report, path, command, sha256)
            _clear_months(conn, counts, forces, held)
            rows += _month_rows(counts, source, load_id)
        bulk_insert(conn, AsbIncidentMonth.__table__, MONTH_COLUMNS, rows)
        failpoint("street-load-written")  # rows and load record written, not committed

    pending: list[tuple] = []
    with engine.begin() as conn, bulk_load_cache(conn):
        failpoint("street-load-begun")  # the transaction open, nothing read or written yet
        with WriteBehind() as writer:  # this thread reads the next file while it writes
            for path in tqdm(paths, desc="police.uk files", unit="file", disable=None):
                path = Path(path)
                try:
                    result = _fast_counts(path, lsoas) or _careful_counts(path, lsoas, problems)
                except LoadRejected as exc:  # a file that cannot be read at all
                    problems.absorb(exc)
                    continue
                rows_read, asb_rows, counts, outside, no_location = result
                report = _street_report(path, rows_read, asb_rows, counts, outside, no_location)
                forces = {force_of[a] for _, a in counts}
                for month in sorted({m for m, _ in counts}):
                    for force in sorted(forces):
                        if (month, force) in seen:
                            problems.append(
                                Problem(
                                    report.file,
                                    None,
                                    "Month",
                                    f"{month:%Y-%m} is also in {seen[(month, force)]}; load one "
                                    "file per force and month",
                                )
                            )
                        seen[(month, force)] = report.file
                reports.append(report)
                if not problems:  # once anything is wrong, only check: it will all roll back
                    pending.append((report, path, file_sha256(path), counts, forces))
                    if len(pending) == BATCH_FILES or _keys(pending) >= BATCH_KEYS:
                        writer.submit(write, conn, pending)
                        pending = []
            if pending and not problems:
                writer.submit(write, conn, pending)
        problems.raise_if_any()  # inside the transaction: raising rolls every write back
    return reports


def _keys(pending: list[tuple]) -> int:
    """Counts waiting in a batch of files (each entry's fourth item)."""
    return sum(len(entry[3]) for entry in pending)


def _street_report(path, rows_read, asb_rows, counts, outside, no_location) -> LoadReport:
    loaded = sum(counts.values())
    report = LoadReport(
        "police-uk-street",
        path.name,
        rows_read=asb_rows,
        rows_loaded=loaded,
        rows_skipped=sum(outside.values()) + no_location,
        notes=[
            f"{rows_read:,} rows in the file, {asb_rows:,} of them ASB; "
            f"{rows_read - asb_rows:,} other crime types ignored",
            f"{loaded:,} ASB rows loaded into "
            f"{len({a for _, a in counts}):,} LSOAs, months "
            + ", ".join(f"{m:%Y-%m}" for m in sorted({m for m, _ in counts})),
        ],
    )
    if outside:
        report.notes.append(_outside_note(outside))
    if no_location:
        report.notes.append(f"{no_location:,} ASB rows with no LSOA, not loaded")
    return report


def _json_crimes(path: Path) -> list:
    """The list of crimes in an API JSON file (at most MAX_JSON_BYTES), or LoadRejected."""
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise LoadRejected(
                [
                    Problem(
                        path.name,
                        None,
                        None,
                        f"over {MAX_JSON_BYTES >> 20} MiB, larger than the API returns; save "
                        "it as CSV, or in several files",
                    )
                ]
            )
        data = json.loads(path.read_bytes())
    except READ_ERRORS as exc:
        raise unreadable(path.name, None, exc) from None
    except (ValueError, RecursionError) as exc:  # bad JSON, bad UTF-8, nested too deep
        raise LoadRejected([Problem(path.name, None, None, f"not valid JSON: {exc}")]) from None
    if not isinstance(data, list):
        raise LoadRejected([Problem(path.name, None, None, "expected a JSON list of crimes")])
    return data


def _api_records(path: Path, problems: ProblemList):
    """Yield (line or index, category, month text, lat text, lon text) from CSV or JSON."""
    if path.suffix.lower() == ".json":
        for i, item in enumerate(_json_crimes(path), start=1):
            if not isinstance(item, dict):
                problems.append(Problem(path.name, i, None, "not a crime (a JSON object)"))
                continue
            location = item.get("location")
            location = location if isinstance(location, dict) else {}
            yield (
                i,
                str(item.get("category", "")),
                str(item.get("month", "")),
                str(location.get("latitude", "")),
                str(location.get("longitude", "")),
            )
        return
    csv_file = CsvFile(path, API_COLUMNS, held=False, need_rows=False)
    for line, row in csv_file.rows():
        yield line, row["category"], row["date"], row["lat"], row["long"]


def _point(line: int, lat_text: str, lon_text: str, problems: ProblemList, name: str):
    """(lat, lon) in degrees, or None with a problem noted."""
    try:
        lat, lon = float(lat_text), float(lon_text)
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    except ValueError:
        pass
    problems.append(Problem(name, line, "lat/long", f"'{lat_text}, {lon_text}' is not a point"))
    return None


def _nearest_lsoa(centroids):
    """A function placing a point (degrees) in the id of the nearest LSOA centroid within
    MAX_NEAREST_KM, or None."""
    ids = np.array([c[0] for c in centroids])
    lat0 = np.radians([c[1] for c in centroids])
    lon0 = np.radians([c[2] for c in centroids])

    def nearest(lat: float, lon: float) -> int | None:
        # Equirectangular distance is ample at LSOA scale.
        x = (np.radians(lon) - lon0) * np.cos((np.radians(lat) + lat0) / 2)
        y = np.radians(lat) - lat0
        d2 = x * x + y * y
        i = int(np.argmin(d2))
        return int(ids[i]) if np.sqrt(d2[i]) * 6371.0 <= MAX_NEAREST_KM else None

    return nearest


def load_api_file(engine: Engine, path: Path, command: str = "python") -> LoadReport:
    """Load a police.uk API-format file (slug categories, points, no LSOA).

    Each ASB point is placed in the nearest LSOA centroid of the force, if one lies within
    MAX_NEAREST_KM; otherwise it is counted as outside the force area. The file's months replace
    any police.uk data already held for those months. Points are counted as they are read, so
    only the counts are held.
    """
    path = Path(path)
    with engine.connect() as conn:
        lsoas = _force_lsoas(conn)
        centroids = conn.execute(
            select(Area.id, Area.latitude, Area.longitude).where(
                Area.id.in_(list(lsoas.values())), Area.latitude.is_not(None)
            )
        ).all()
    if not centroids:
        raise LoadRejected(
            [Problem(path.name, None, None, "the geography has no LSOA centroids to match to")]
        )
    nearest = _nearest_lsoa(centroids)
    problems = ProblemList()
    month_of = _month_parser(problems, path.name)
    counts: Counter = Counter()
    rows_read = asb_points = outside = 0
    for line, category, month_text, lat_text, lon_text in _api_records(path, problems):
        rows_read += 1
        month = month_of(line, "date", month_text)
        if category != ASB_API:
            continue
        point = _point(line, lat_text, lon_text, problems, path.name)
        if point is None:
            continue
        asb_points += 1
        area_id = nearest(*point)
        if area_id is None:
            outside += 1
        elif month is not None:
            counts[(month, area_id)] += 1
            if len(counts) > MAX_COUNT_KEYS:
                raise _too_many_counts(path.name, line)
    problems.raise_if_any()
    report = _api_report(path, rows_read, asb_points, counts, outside)
    with engine.begin() as conn:
        load_id = record_load(conn, report, path, command)
        home = AreaIndex(conn).home_force()
        _replace_months(conn, counts, {home}, "police.uk API (OGL v3.0)", load_id)
    return report


def _api_report(path: Path, rows_read: int, points: int, counts: Counter, outside: int):
    report = LoadReport(
        "police-uk-api",
        path.name,
        rows_read=points,
        rows_loaded=sum(counts.values()),
        rows_skipped=outside,
        notes=[
            f"{rows_read:,} records in the file, {points:,} of them ASB",
            "no LSOA in this format: each point placed in the nearest LSOA centroid "
            f"(within {MAX_NEAREST_KM:g} km)",
            f"{sum(counts.values()):,} ASB points placed in {len({a for _, a in counts}):,} LSOAs",
        ],
    )
    if outside:
        report.notes.append(
            f"{outside:,} ASB points more than {MAX_NEAREST_KM:g} km from the force"
        )
    return report

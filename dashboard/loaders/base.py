"""What every loader shares: the area index, the load report, and the data_load record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select

from dashboard.core.models import Area, DataLoad
from dashboard.core.vocab import slug  # noqa: F401  (loaders name areas with it)
from dashboard.loaders.reading import file_sha256

INSERT_CHUNK = 10_000  # rows per INSERT: the driver's copy of the parameters stays small


@dataclass
class LoadReport:
    """What one file's load did, for the command line, the audit log and the data_load row."""

    kind: str
    file: str
    rows_read: int
    rows_loaded: int
    rows_skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report as the command line prints it: rows loaded of rows read, then each note."""
        text = f"{self.file}: {self.rows_loaded:,} of {self.rows_read:,} rows loaded ({self.kind})"
        return "\n".join([text, *(f"  {n}" for n in self.notes)])


def record_load(
    conn: Connection, report: LoadReport, path: Path, command: str, sha256: str | None = None
) -> int:
    """Write the data_load row in the same transaction as the data it describes (`sha256`:
    the file's, if the caller has already hashed it)."""
    return conn.execute(
        insert(DataLoad).returning(DataLoad.id),
        {
            "kind": report.kind,
            "file_name": str(report.file),
            "sha256": sha256 or file_sha256(path),
            "rows_read": report.rows_read,
            "rows_loaded": report.rows_loaded,
            "rows_skipped": report.rows_skipped,
            "notes": "\n".join(report.notes),
            "loaded_at": dt.datetime.now(dt.UTC),
            "command": command[:500],
        },
    ).scalar_one()


class AreaIndex:
    """Resolves an area named in a file (by name or code, within a kind) to its id."""

    def __init__(self, conn: Connection) -> None:
        rows = conn.execute(select(Area.id, Area.kind, Area.name, Area.code, Area.parent_id)).all()
        self.by_name = {(r.kind, r.name.lower()): r.id for r in rows}
        self.by_code = {r.code: (r.id, r.kind) for r in rows}
        self.kind_of = {r.id: r.kind for r in rows}
        self.forces_with_children = {
            r.parent_id for r in rows if r.kind == "lpa" and r.parent_id is not None
        }

    def resolve(self, kind: str, value: str) -> int:
        """The id of the area of this kind named (or coded) `value`; ValueError if there is none."""
        value = value.strip()
        area_id = self.by_name.get((kind, value.lower()))
        if area_id is None and value in self.by_code and self.by_code[value][1] == kind:
            area_id = self.by_code[value][0]
        if area_id is None:
            raise ValueError(
                f"unknown {kind.replace('_', ' ')} '{value}' (load the geography first, "
                "or check the spelling)"
            )
        return area_id

    def home_force(self) -> int:
        """The home force's id: the one force with LPAs under it (peer forces have none)."""
        if len(self.forces_with_children) != 1:
            raise ValueError(
                "no single home force: load the geography (force, LPAs, districts) first"
            )
        return next(iter(self.forces_with_children))


def replace_rows(conn: Connection, model, keys: tuple[str, ...], rows: list[dict]) -> None:
    """Delete the rows that share these key columns with the new rows, then insert the new ones.

    This is what makes a reload idempotent: loading the same file twice leaves one copy.
    """
    if not rows:
        return
    columns = [getattr(model, k) for k in keys]
    for start in range(0, len(rows), 200):
        chunk = rows[start : start + 200]
        conn.execute(
            delete(model).where(
                or_(
                    *(and_(*(c == r[k] for c, k in zip(columns, keys, strict=True))) for r in chunk)
                )
            )
        )
    for start in range(0, len(rows), INSERT_CHUNK):
        conn.execute(insert(model), rows[start : start + INSERT_CHUNK])


@contextmanager
def bulk_load_cache(conn: Connection, megabytes: int = 256) -> Iterator[None]:
    """A larger SQLite page cache for the length of a bulk load, then the default again.

    A national load writes millions of rows into indexes bigger than SQLite's default 2 MB
    cache; with 256 MB the full police.uk load ran ~20% faster (benchmarks/load_national.py).
    The cache is bounded, so memory stays flat whatever the input. PostgreSQL: no change.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    default = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{int(megabytes) * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(default)}")


def bulk_insert(conn: Connection, table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert many rows, given as tuples in `columns` order, the fastest way each back end has.

    PostgreSQL: COPY, several times faster than INSERTs. SQLite: the driver's own executemany,
    since SQLAlchemy's per-row parameter handling costs as much as SQLite's insert itself at
    this volume; types are sent as SQLAlchemy would (dates as ISO text, booleans as 0/1).
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        driver: Any = conn.connection.driver_connection
        cursor = driver.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)  # psycopg's C formatter: over a million rows/s
        return
    if conn.dialect.name == "sqlite":
        placeholders = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"
        dates = [i for i, v in enumerate(rows[0]) if isinstance(v, dt.date)]
        if dates:  # column by column: few distinct dates, each formatted once
            values: list[Any] = list(zip(*rows, strict=True))
            for i in dates:
                iso = {d: d.isoformat() for d in set(values[i])}
                values[i] = [iso[d] for d in values[i]]
            rows = list(zip(*values, strict=True))
        sqlite: Any = conn.connection.driver_connection
        sqlite.executemany(sql, rows)
        return
    for start in range(0, len(rows), 50_000):
        conn.execute(
            table.insert(),
            [dict(zip(columns, r, strict=True)) for r in rows[start : start + 50_000]],
        )

"""The same aggregates three ways: this app's SQL on its monthly table, a naive pandas
baseline over the raw rows, and DuckDB scanning the raw files (the physical floor for
answering from raw data). Every answer is checked equal across the three.

Query: the 12-month police.uk ASB total for a force to a given month (what the District view
and hot-spot callbacks aggregate), for several forces and period ends.
    python benchmarks/side_by_side.py DATA_DIR SQLITE_URL
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENDS = ("2019-03", "2023-12")
FORCES = ("Essex Police", "Synthetic Force 07", "Synthetic Force 21", "Synthetic Force 35")
ASB = "Anti-social behaviour"


def _window(end: str) -> tuple[str, str]:
    year, month = int(end[:4]), int(end[5:7])
    first = dt.date(year - 1, month, 1) + pd.DateOffset(months=1)
    return f"{first:%Y-%m}", end


def ours(url: str, queries: list[tuple[str, str]]) -> tuple[list[int], list[float]]:
    from sqlalchemy import select

    from dashboard.core.database import db
    from dashboard.core.models import Area
    from queries.incidents import twelve_month_total

    db.configure(url)
    with db.engine.connect() as conn:
        ids = dict(conn.execute(select(Area.name, Area.id).where(Area.kind == "force")).all())
    answers, times = [], []
    for force, end in queries:
        started = time.perf_counter()
        total = twelve_month_total(
            ids[force], dt.date(int(end[:4]), int(end[5:7]), 1), True, "police_uk"
        )
        times.append(1000 * (time.perf_counter() - started))
        answers.append(total.incidents)
    return answers, times


def naive(data: Path, queries: list[tuple[str, str]]) -> tuple[list[int], list[float], float]:
    """Every raw row in one DataFrame (categoricals, to be fair on memory), filtered per query."""
    started = time.perf_counter()
    frames = [
        pd.read_csv(
            f,
            usecols=["Month", "Falls within", "Crime type"],
            dtype={"Month": "category", "Falls within": "category", "Crime type": "category"},
        )
        for f in sorted(data.glob("*/*-street.csv"))
    ]
    raw = pd.concat(frames, ignore_index=True)
    raw = raw.astype({c: "category" for c in raw.columns})
    load_s = time.perf_counter() - started
    answers, times = [], []
    for force, end in queries:
        first, last = _window(end)
        started = time.perf_counter()
        month = raw["Month"].astype(str)
        mask = (
            (raw["Falls within"] == force)
            & (raw["Crime type"] == ASB)
            & (month >= first)
            & (month <= last)
        )
        answers.append(int(mask.sum()))
        times.append(1000 * (time.perf_counter() - started))
    return answers, times, load_s


def duckdb_floor(data: Path, queries: list[tuple[str, str]]) -> tuple[list[int], list[float]]:
    import duckdb

    con = duckdb.connect()
    source = f"read_csv('{data}/*/*-street.csv', header=true, all_varchar=true)"
    answers, times = [], []
    for force, end in queries:
        first, last = _window(end)
        started = time.perf_counter()
        (count,) = con.execute(
            f'SELECT count(*) FROM {source} WHERE "Falls within" = ? AND "Crime type" = ? '
            'AND "Month" BETWEEN ? AND ?',
            [force, ASB, first, last],
        ).fetchone()
        times.append(1000 * (time.perf_counter() - started))
        answers.append(int(count))
    return answers, times


def run(data: Path, url: str) -> dict:
    queries = [(f, e) for f in FORCES for e in ENDS]
    ours_answers, ours_times = ours(url, queries)
    naive_answers, naive_times, naive_load = naive(data, queries)
    duck_answers, duck_times = duckdb_floor(data, queries)
    assert ours_answers == naive_answers == duck_answers, (
        ours_answers,
        naive_answers,
        duck_answers,
    )
    med = statistics.median
    return {
        "queries": len(queries),
        "answers_agree": True,
        "ours_p50_ms": round(med(ours_times), 2),
        "naive_pandas_p50_ms": round(med(naive_times), 1),
        "naive_pandas_load_s": round(naive_load, 1),
        "duckdb_raw_scan_p50_ms": round(med(duck_times), 1),
        "naive_over_ours": round(med(naive_times) / med(ours_times)),
        "duckdb_over_ours": round(med(duck_times) / med(ours_times)),
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), sys.argv[2]), indent=2))

"""Loader throughput and peak memory on the national dataset, for SQLite and PostgreSQL.

Each back end gets a fresh database holding the default data and the national LSOAs; then
every street file (43 forces x 120 months) is loaded in one `load_street_files` call in a
child process, which reports its own wall time and peak RSS (ru_maxrss), so the figure is the
loader's alone. Run after benchmarks/national_data.py:
    python benchmarks/load_national.py DATA_DIR [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(url: str, data: str) -> None:
    from dashboard.core.database import make_engine
    from dashboard.loaders.bootstrap import build_default_data
    from dashboard.loaders.geography import load_force_lsoas
    from dashboard.loaders.police_uk import load_street_files

    engine = make_engine(url)
    build_default_data(engine, "benchmark")
    started = time.monotonic()
    load_force_lsoas(engine, Path(data) / "national_lsoas.csv", "benchmark")
    geography_s = time.monotonic() - started
    files = sorted(Path(data).glob("*/*-street.csv"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    reports = load_street_files(engine, files, "benchmark")
    seconds = time.monotonic() - started
    rows_in_files = sum(
        int(r.notes[0].split(" rows in the file")[0].replace(",", "")) for r in reports
    )
    print(
        json.dumps(
            {
                "files": len(files),
                "rows_in_files": rows_in_files,
                "asb_rows": sum(r.rows_read for r in reports),
                "rows_loaded": sum(r.rows_loaded for r in reports),
                "seconds": round(seconds, 1),
                "rows_per_second": round(rows_in_files / seconds),
                "asb_rows_per_second": round(sum(r.rows_read for r in reports) / seconds),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "rss_before_load_mb": round(before / 1024),
                "national_lsoas_seconds": round(geography_s, 1),
            }
        )
    )


def measure(url: str, data: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", url, str(data)],
        capture_output=True,
        text=True,
        check=True,
        env={"TQDM_DISABLE": "1", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_scratch(admin_url: str):
    import uuid

    from sqlalchemy import create_engine, text

    name = f"asb_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = admin_url.rsplit("/", 1)[0]

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{base}/{name}", drop


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(argv[1], argv[2])
        return {}
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--keep-sqlite", type=Path, help="keep the loaded SQLite database here")
    args = parser.parse_args(argv)
    results = {}
    keep = args.keep_sqlite
    with tempfile.TemporaryDirectory() as tmp:
        path = keep or Path(tmp) / "national.sqlite3"
        results["sqlite"] = measure(f"sqlite:///{path}", args.data)
        print(json.dumps({"sqlite": results["sqlite"]}), file=sys.stderr, flush=True)
    if args.postgres:
        url, drop = postgres_scratch(args.postgres)
        try:
            results["postgresql"] = measure(url, args.data)
        finally:
            drop()
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()

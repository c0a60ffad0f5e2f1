"""Faults: the database going away and coming back, Redis down, a worker killed, a load killed."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.core import ids
from dashboard.core.database import db, make_engine
from dashboard.loaders.bootstrap import build_default_data
from queries import _cache
from tests.conftest import ROOT, csrf_client
from tests.pages_payload import page_payload
from tests.servers import READ_TIMEOUT, START_DEADLINE, free_port, serve
from tests.tcp_proxy import CuttableProxy

DOWN = "The database is not answering just now"


@pytest.mark.postgres
def test_flt001_postgres_outage_shows_a_banner_and_recovers(scratch_postgres, tmp_path):
    from dashboard.app import create_app

    engine = make_engine(scratch_postgres)
    build_default_data(engine, "pytest")
    engine.dispose()
    proxy = CuttableProxy("127.0.0.1", 5432)
    try:
        url = scratch_postgres.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        app = create_app(
            {"database_url": url, "instance_dir": tmp_path, "demo": True, "log_level": "ERROR"}
        )
        client = csrf_client(app)
        ok = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
        assert ok.status_code == 200 and "60,391" in ok.get_data(as_text=True)

        proxy.cut()  # the database goes away mid-session
        failed = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
        body = failed.get_data(as_text=True)
        assert DOWN in body and "Traceback" not in body  # the banner, not a stack trace
        assert client.get("/healthz").status_code == 503

        proxy.restore()  # back: no restart of the app
        assert client.get("/healthz").status_code == 200
        again = client.post(
            "/_dash-update-component", json=page_payload(ids.OVERVIEW, to="2020-03")
        )
        assert again.status_code == 200 and DOWN not in again.get_data(as_text=True)
    finally:
        proxy.close()
        db.configure(scratch_postgres)
        db.engine.dispose()


def test_flt002_redis_down_serves_uncached_and_logs_once(default_db_url, tmp_path, caplog):
    from dashboard.app import create_app

    closed = free_port()  # nothing listens here
    app = create_app(
        {
            "database_url": default_db_url,
            "instance_dir": tmp_path,
            "cache_redis_url": f"redis://127.0.0.1:{closed}/0",
            "demo": True,
            "log_level": "WARNING",
        }
    )
    _cache._warned["cache"] = False
    caplog.clear()  # create_app's own first request (its set-up) may have warned already
    client = csrf_client(app)
    with caplog.at_level(logging.WARNING, logger="queries._cache"):
        for to in ("2021-03", "2020-03", "2021-03"):
            response = client.post(
                "/_dash-update-component", json=page_payload(ids.OVERVIEW, to=to)
            )
            assert response.status_code == 200
    assert "60,391" in response.get_data(as_text=True)
    warnings = [r for r in caplog.records if "Cache unavailable" in r.getMessage()]
    assert len(warnings) == 1


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.mark.slow
def test_flt003_a_killed_worker_is_replaced_and_costs_at_most_one_request(default_db_url, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": default_db_url,
        "ASB_INSTANCE_DIR": str(tmp_path),
        "ASB_DEMO": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    command = [
        "gunicorn",
        "dashboard.wsgi:server",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "2",
        "--log-level",
        "warning",
    ]
    with serve(command, env, port) as server:
        proc = server.process
        deadline = time.monotonic() + START_DEADLINE
        while len(_children(proc.pid)) < 2:  # both workers booted
            assert time.monotonic() < deadline, "gunicorn did not start two workers"
            time.sleep(0.2)
        victim = _children(proc.pid)[0]
        os.kill(victim, signal.SIGKILL)
        failures = 0
        for _ in range(30):
            try:
                with urllib.request.urlopen(f"{server.base}/healthz", timeout=READ_TIMEOUT) as r:
                    assert r.status == 200
            except OSError:
                failures += 1
            time.sleep(0.1)
        assert failures <= 1
        deadline = time.monotonic() + START_DEADLINE
        while True:
            workers = _children(proc.pid)
            if len(workers) == 2 and victim not in workers:
                break
            assert time.monotonic() < deadline, f"worker not replaced: {workers}"
            time.sleep(0.2)


def _big_street_file(path: Path, copies: int) -> int:
    """A police.uk street file of `copies` times the shipped Essex rows (same months)."""
    import gzip

    source = sorted((ROOT / "dashboard" / "data" / "police_uk").glob("*.csv.gz"))[0]
    with gzip.open(source, "rt", encoding="utf-8") as f:
        header, *rows = f.read().splitlines()
    with open(path, "w", encoding="utf-8") as out:
        out.write(header + "\n")
        for _ in range(copies):
            out.write("\n".join(rows) + "\n")
    return len(rows) * copies


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("asb_incident_month", "data_load", "area")
        }
        counts["incidents"] = conn.execute(
            "SELECT COALESCE(SUM(incidents), 0) FROM asb_incident_month"
        ).fetchone()[0]
        return counts


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database in WAL mode (the backup API, not a file copy)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@pytest.mark.slow
def test_flt004_a_load_killed_midway_leaves_the_database_as_it_was(default_db_url, tmp_path):
    original = Path(default_db_url.removeprefix("sqlite:///"))
    database = tmp_path / "asb.sqlite3"
    _copy_database(original, database)
    big = tmp_path / "2021-01-essex-street.csv"
    assert _big_street_file(big, copies=60) > 200_000
    before = _counts(database)
    command = [str(Path(sys.executable).parent / "asb-dashboard"), "load", "police-uk", str(big)]

    def run(path: Path, **kwargs):
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
        return subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs
        )

    # A full load on a scratch copy: what it leaves.
    scratch = tmp_path / "scratch.sqlite3"
    _copy_database(database, scratch)
    assert run(scratch).wait() == 0
    completed = _counts(scratch)
    assert completed["data_load"] == before["data_load"] + 1
    # Killed at known points inside the load's transaction (failpoints: the process says it has
    # reached one and waits there), never after a guessed delay: a busy machine changes nothing.
    interrupted = 0
    for point in ("street-load-begun", "street-load-written"):
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "ASB_FAILPOINT": point}
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            reached = any(f"failpoint {point} reached" in line for line in proc.stderr)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stderr.close()
        assert reached, f"the load never reached {point}"
        state = _counts(database)
        # All or nothing: killed before its commit, the load left nothing behind.
        assert state == before, f"partial state after a kill at {point}"
        interrupted += 1
    assert interrupted >= 2  # the kills did land mid-load
    # Loading the same file twice leaves the same data as loading it once.
    for _ in range(2):
        assert run(database).wait() == 0
    twice = _counts(database)
    assert twice["asb_incident_month"] == completed["asb_incident_month"]
    assert twice["data_load"] == completed["data_load"] + 1  # each load is recorded

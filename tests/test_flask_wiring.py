"""The Flask wiring: the database bound per app with init_app, and background jobs in the app
context of the app that started them."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from flask import current_app

from dashboard.core.database import db
from queries._cache import data_version
from queries.meta import data_loads


def _copy(default_db_url: str, target: Path) -> str:
    """A consistent copy of the session's database (the backup API: it is in WAL mode)."""
    with (
        sqlite3.connect(default_db_url.removeprefix("sqlite:///")) as src,
        sqlite3.connect(target) as dst,
    ):
        src.backup(dst)
    return f"sqlite:///{target}"


def _app(url: str, folder: Path, **settings):
    from dashboard.app import create_app

    return create_app(
        {
            "database_url": url,
            "instance_dir": folder,
            "log_level": "WARNING",
            "demo": True,
            **settings,
        }
    )


def _record_load(url: str) -> None:
    """A data load as another process would record it (outside this app)."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        conn.execute(
            "INSERT INTO data_load (kind, file_name, sha256, rows_read, rows_loaded, rows_skipped,"
            " notes, loaded_at, command) VALUES ('test', 'x.csv', '', 0, 0, 0, '',"
            " '2024-01-01 00:00:00', 'pytest')"
        )


@pytest.fixture(scope="module")
def two_apps(default_db_url, tmp_path_factory):
    """Two apps in this process over two databases: B lacks A's newest data load."""
    folder = tmp_path_factory.mktemp("two-apps")
    url_a = _copy(default_db_url, folder / "a.sqlite3")
    url_b = _copy(default_db_url, folder / "b.sqlite3")
    with sqlite3.connect(folder / "b.sqlite3") as conn:
        conn.execute("DELETE FROM data_load WHERE id = (SELECT max(id) FROM data_load)")
    app_a = _app(url_a, folder / "instance-a")
    app_b = _app(url_b, folder / "instance-b")
    yield app_a, url_a, app_b, url_b
    db.configure(default_db_url)  # code outside any app goes on with the session's database


def test_fx001_two_apps_answer_from_their_own_databases(two_apps, default_db_url):
    app_a, url_a, app_b, url_b = two_apps
    db.configure(default_db_url)  # the process-wide fallback points elsewhere again
    answers = {}
    for name, app in (("a", app_a), ("b", app_b), ("a again", app_a)):
        with app.server.app_context():
            answers[name] = (str(db.engine.url), data_version(), len(data_loads()))
    assert answers["a"][0] == url_a and answers["b"][0] == url_b
    assert answers["a"] == answers["a again"]  # B's context did not re-point A
    assert answers["b"][1] == answers["a"][1] - 1
    assert answers["b"][2] == answers["a"][2] - 1
    # Over HTTP, each app's health check reports its own database's data version.
    versions = [
        app.server.test_client().get("/healthz").get_json()["data_version"]
        for app in (app_a, app_b)
    ]
    assert versions == [answers["a"][1], answers["b"][1]]
    # Outside any app context, the most recently configured URL is used.
    assert str(db.engine.url) == default_db_url


def test_fx002_a_forked_process_builds_its_own_engine(two_apps, monkeypatch):
    """Each app's engine is per process: one inherited across a fork (another pid) is left to
    the parent and a new one made (gunicorn's real forks: tests/test_gunicorn.py)."""
    from dashboard.core import database

    app_a, url_a, *_ = two_apps
    with app_a.server.app_context():
        parent = db.engine
        assert db.engine is parent  # one engine per process, made once
        real = os.getpid()
        monkeypatch.setattr(database.os, "getpid", lambda: real + 1)  # as in a forked child
        child = db.engine
        assert child is not parent and str(child.url) == url_a
        assert data_version() > 0
        assert db.engine is child


def test_fx003_background_jobs_run_in_the_app_that_started_them(two_apps):
    from dashboard.web.jobs import run_in_background

    app_a, url_a, app_b, url_b = two_apps
    seen: dict[str, str] = {}
    done = {name: threading.Event() for name in ("a", "b")}

    def work(name: str):
        def run() -> None:
            seen[name] = str(db.engine.url)
            seen[f"{name}-app"] = current_app.import_name
            done[name].set()

        return run

    for name, app in (("a", app_a), ("b", app_b)):
        run_in_background(app.server, f"job-{name}", work(name), str)
    assert all(event.wait(30) for event in done.values())
    assert (seen["a"], seen["b"]) == (url_a, url_b)

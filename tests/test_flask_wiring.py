"""The Flask wiring: extensions bound per app with init_app, two caches, the data version read
once per request, and background jobs in the app context of the app that started them."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from flask import current_app

from dashboard.core import ids
from dashboard.core.database import db
from dashboard.core.extensions import page_cache, query_cache
from dashboard.core.settings import Settings
from queries._cache import data_version, read_data_version
from queries.areas import filter_areas
from queries.meta import data_loads
from tests.conftest import csrf_client, port_open, skip_or_fail
from tests.pages_payload import page_payload


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
        assert read_data_version() > 0
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


def test_fx004_the_data_version_is_read_once_per_request(default_db_url, tmp_path):
    url = _copy(default_db_url, tmp_path / "asb.sqlite3")
    app = _app(url, tmp_path)
    with app.server.test_request_context("/"):
        before = data_version()
        _record_load(url)  # a load lands mid-request...
        assert data_version() == before  # ...and this request's keys stay on its version
        assert read_data_version() == before + 1
        filter_areas()
        keys = list(query_cache.cache._cache)
        assert keys and all(f":{before}:" in key for key in keys)
    with app.server.app_context():  # no request: read afresh each time
        assert data_version() == before + 1
        _record_load(url)
        assert data_version() == before + 2
        # An app context held open around requests does not carry one request's version on.
        client = app.server.test_client()
        assert client.get("/healthz").get_json()["data_version"] == before + 2
        _record_load(url)
        assert client.get("/healthz").get_json()["data_version"] == before + 3


def test_fx005_queries_and_pages_are_cached_apart(dash_app):
    client = csrf_client(dash_app)
    response = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
    assert response.status_code == 200
    with dash_app.server.app_context():
        queries = list(query_cache.cache._cache)
        pages = list(page_cache.cache._cache)
    assert queries and all(key.startswith("q:") for key in queries)
    assert pages and all(key.startswith(("page:", "model:")) for key in pages)


def test_fx006_each_cache_has_its_own_settings():
    settings = Settings.from_env(
        environ={
            "ASB_QUERY_CACHE_TIMEOUT": "60",
            "ASB_PAGE_CACHE_THRESHOLD": "50",
        }
    )
    query, page = settings.cache_config_for("query"), settings.cache_config_for("page")
    assert (query["CACHE_DEFAULT_TIMEOUT"], page["CACHE_DEFAULT_TIMEOUT"]) == (60, 600)
    assert (query["CACHE_THRESHOLD"], page["CACHE_THRESHOLD"]) == (20_000, 50)
    redis = Settings.from_env(environ={"CACHE_REDIS_URL": "redis://r:6379/0"})
    prefixes = {redis.cache_config_for(kind)["CACHE_KEY_PREFIX"] for kind in ("query", "page")}
    assert prefixes == {"asb:query:", "asb:page:"}
    files = Settings.from_env(environ={"CACHE_TYPE": "FileSystemCache"})
    assert (
        files.cache_config_for("query")["CACHE_DIR"] != files.cache_config_for("page")["CACHE_DIR"]
    )


@pytest.mark.redis
def test_fx007_on_redis_the_two_caches_have_their_own_key_prefixes(default_db_url, tmp_path):
    if not port_open("127.0.0.1", 6379):
        skip_or_fail("services", "no Redis server on 127.0.0.1:6379")
    import redis

    url = "redis://127.0.0.1:6379/13"
    server = redis.Redis.from_url(url)
    server.flushdb()
    app = _app(default_db_url, tmp_path, cache_redis_url=url)
    try:
        client = csrf_client(app)
        response = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
        assert response.status_code == 200
        keys = [k.decode() for k in server.keys("asb:*")]
        assert any(k.startswith("asb:query:q:") for k in keys)
        assert any(k.startswith("asb:page:page:") for k in keys)
        assert all(k.startswith(("asb:query:", "asb:page:")) for k in keys)
        with app.server.app_context():
            page_cache.clear()  # clearing one cache leaves the other's entries
        assert [k for k in server.keys("asb:*") if k.startswith(b"asb:page:")] == []
        assert any(k.startswith(b"asb:query:") for k in server.keys("asb:*"))
    finally:
        server.flushdb()

"""Shared fixtures. The default dataset is built once per session into a temporary SQLite file;
tests that change data use their own database (see `geo_engine`)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, create_engine, func, inspect, select, text

from dashboard.core.database import db, make_engine, upgrade
from dashboard.loaders.bootstrap import DATA, FORCE_NAME, build_default_data
from dashboard.loaders.geography import load_geography, load_population

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
ARTIFACTS = ROOT / "test-artifacts"

# No test may depend on timing: Hypothesis's deadline and "too slow" check measure wall time,
# which a busy CI machine stretches, so they are off for every property test.
settings.register_profile("untimed", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("untimed")


def require(name: str) -> bool:
    """In CI (ASB_REQUIRE_<NAME>=1) a missing service fails the test instead of skipping it."""
    return os.environ.get(f"ASB_REQUIRE_{name.upper()}") == "1"


def skip_or_fail(name: str, reason: str) -> None:
    if require(name):
        pytest.fail(f"{reason} (and ASB_REQUIRE_{name.upper()}=1 says it must be there)")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


@pytest.fixture(scope="session")
def default_db_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("default-db") / "asb.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    build_default_data(engine, "pytest")
    engine.dispose()
    return url


@pytest.fixture
def default_db(default_db_url) -> Engine:
    """The shared default database, bound to the app's `db` handle for queries/."""
    db.configure(default_db_url)
    return db.engine


def geography_database(url: str) -> Engine:
    """Migrate a new database and load only the force's geography and population."""
    engine = make_engine(url)
    upgrade(engine)
    load_geography(
        engine,
        DATA / "geography" / "essex_geography.csv",
        DATA / "geography" / "essex_lsoa.csv",
        FORCE_NAME,
    )
    load_population(engine, DATA / "population" / "census_2011_lsoa.csv")
    return engine


@pytest.fixture
def geo_engine(tmp_path) -> Engine:
    """A fresh database holding only the force's geography and population."""
    engine = geography_database(f"sqlite:///{tmp_path / 'geo.sqlite3'}")
    yield engine
    engine.dispose()


def table_counts(engine: Engine) -> dict[str, int]:
    """Row count of every table: a fingerprint to prove a rejected load changed nothing."""
    from dashboard.core.models import Base

    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in Base.metadata.tables.items()
            if inspect(engine).has_table(name)
        }


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        skip_or_fail("shared", f"{SHARED_DATA} is not beside the checkout")
    return SHARED_DATA


@pytest.fixture(scope="session")
def live_server(default_db_url, tmp_path_factory):
    """The app served by werkzeug in a thread on a free loopback port."""
    from werkzeug.serving import make_server

    from dashboard.app import create_app

    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "database_url": default_db_url,
            "instance_dir": instance,
            "log_level": "WARNING",
            "demo": True,
        }
    )
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def dash_app(default_db_url, tmp_path_factory):
    from dashboard.app import create_app

    instance = tmp_path_factory.mktemp("instance-client")
    return create_app(
        {
            "database_url": default_db_url,
            "instance_dir": instance,
            "log_level": "WARNING",
            "demo": True,
        }
    )


def csrf_client(app, path: str = "/"):
    """A test client that sends the CSRF token back as Dash's renderer does (X-CSRFToken)."""
    client = app.server.test_client()
    client.get(path)
    cookie = client.get_cookie("_csrf_token")
    if cookie is not None:
        client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return client


@pytest.fixture
def client(dash_app, default_db_url):
    """The demo-mode app (sign-in off, every role's features on), as a browser would call it."""
    db.configure(default_db_url)
    return csrf_client(dash_app)


PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def scratch_postgres():
    if not port_open("127.0.0.1", 5432):
        skip_or_fail("services", "no PostgreSQL server on 127.0.0.1:5432")
    name = f"asb_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# Tests that draw charts through kaleido (its Chromium) take turns across pytest-xdist workers:
# two kaleido browsers at once on a busy 2-core machine once hung both workers. A file lock, not
# a wait: whichever test holds it runs, the other waits for it to finish.
KALEIDO_MODULES = {"test_board_pack", "test_exports", "test_security", "test_restricted"}
KALEIDO_TESTS = {"test_brw011_board_pack_button_downloads_the_current_view"}


@pytest.fixture(autouse=True)
def _one_kaleido_at_a_time(request, tmp_path_factory):
    module = request.node.module.__name__.rsplit(".", 1)[-1]
    name = getattr(request.node, "originalname", None) or request.node.name
    if module not in KALEIDO_MODULES and name not in KALEIDO_TESTS:
        yield
        return
    import fcntl

    # The parent of this worker's base temp is shared by every worker of the run.
    lock_path = tmp_path_factory.getbasetemp().parent / "kaleido.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# Browser tests (pytest -m browser): Debian's Chromium through Playwright, one per module.
@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        skip_or_fail("browser", "Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.console_problems = []
    page.on(
        "console",
        lambda m: (
            m.type in ("error", "warning")
            and "GL Driver Message" not in m.text  # software WebGL chatter from the map
            and page.console_problems.append(m.text)
        ),
    )
    page.on("pageerror", lambda e: page.console_problems.append(str(e)))
    yield page
    context.close()

"""A database outage (issue 11, findings 1 and 2): the server stays up, every request gets the
outage answer (503, never a 500), the outage is logged once, and everything recovers by itself.

PostgreSQL is reached through a proxy the test cuts and restores (tests/tcp_proxy.py).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dashboard.core import ids
from dashboard.core.database import db, make_engine
from dashboard.core.outage import MESSAGE
from dashboard.loaders.bootstrap import build_default_data
from tests.pages_payload import page_payload
from tests.servers import free_port, procfile_command, serve
from tests.tcp_proxy import CuttableProxy

DOWN = "The database is not answering just now"
DEADLINE = 180  # generous: a busy machine is slow, and nothing here asserts on time


@pytest.fixture
def proxied_postgres(scratch_postgres) -> Iterator[tuple[str, CuttableProxy]]:
    """A built PostgreSQL database, reached through a proxy the test can cut."""
    engine = make_engine(scratch_postgres)
    build_default_data(engine, "pytest")
    engine.dispose()
    proxy = CuttableProxy("127.0.0.1", 5432)
    shared_url = db.url
    try:
        yield scratch_postgres.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}"), proxy
    finally:
        proxy.close()
        if shared_url:
            db.configure(shared_url)  # tests after this one go on with their own database


def _status(url: str, session: requests.Session | None = None, **post) -> tuple[int, str]:
    """(status, body) of a GET, or of a POST when `post` has its json; 0 when nothing answered."""
    client = session or requests
    try:
        response = client.post(url, timeout=30, **post) if post else client.get(url, timeout=30)
    except requests.RequestException as error:  # refused or timed out: no HTTP answer at all
        return 0, str(error)
    return response.status_code, response.text


def _wait_for(check, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.5)


@pytest.mark.postgres
def test_out001_signed_in_requests_get_the_banner_not_500_and_one_log_line(
    proxied_postgres, tmp_path, caplog
):
    """Finding 2: the guard's account lookup raised, so signed-in users got 500s."""
    from dashboard.app import create_app
    from dashboard.web.auth.passwords import hash_password
    from queries.accounts import save_account
    from tests.test_security import PASSWORD, SECRET, sign_in

    url, proxy = proxied_postgres
    app = create_app(
        {
            "database_url": url,
            "instance_dir": tmp_path,
            "secret_key": SECRET,
            "cookie_secure": "0",
            "log_level": "WARNING",
        }
    )
    with app.server.app_context():
        save_account("olive.outage", role="analyst", password_hash=hash_password(PASSWORD))
    client = sign_in(app, "olive.outage")
    assert (
        client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW)).status_code == 200
    )

    proxy.cut()
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            callback = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
            assert callback.status_code == 503
            assert callback.get_json() == {"message": MESSAGE, "outage": True}
            assert callback.headers["Retry-After"]
            page = client.get("/incidents?area=force")
            assert page.status_code == 503
            assert DOWN in page.get_data(as_text=True)
            assert "http-equiv='refresh'" in page.get_data(as_text=True)  # it retries by itself
            # The load balancer's check: 503 with a session cookie and without one.
            assert client.get("/healthz").status_code == 503
            assert app.server.test_client().get("/healthz").status_code == 503
        down_lines = [r for r in caplog.records if "Database unreachable" in r.getMessage()]
        assert len(down_lines) == 1, [r.getMessage() for r in caplog.records]
        assert not [r for r in caplog.records if r.exc_info], "no tracebacks in the log"

        proxy.restore()
        assert client.get("/healthz").status_code == 200
        again = client.post("/_dash-update-component", json=page_payload(ids.OVERVIEW))
        assert again.status_code == 200 and "60,391" in again.get_data(as_text=True)
        back_lines = [r for r in caplog.records if "reachable again" in r.getMessage()]
        assert len(back_lines) == 1


def _procfile_server(url: str, port: int, ready_status: int | None = 200):
    """The Procfile's web command (2 workers x 4 threads) on a database behind the proxy,
    stopped with everything it started whether the test passes or fails."""
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": url,
        "ASB_DEMO": "1",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    command = f"exec {procfile_command('web')} --log-level info"
    return serve(["bash", "-c", command], env, port, ready_status=ready_status)


def _workers(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.mark.slow
@pytest.mark.postgres
def test_out002_outage_and_a_killed_worker_leave_the_server_up(proxied_postgres, tmp_path):
    """Finding 1: a worker that booted while the database was down exited, and gunicorn then
    stopped for good. Now the replacement boots, answers 503 with the banner, and all recovers."""
    url, proxy = proxied_postgres
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with _procfile_server(url, port) as running:
        server = running.process
        browser = requests.Session()  # as the page would: its CSRF cookie echoed in a header
        assert _status(f"{base}/", browser)[0] == 200
        browser.headers["X-CSRFToken"] = browser.cookies["_csrf_token"]
        proxy.cut()
        victim = _workers(server.pid)[0]
        os.kill(victim, signal.SIGKILL)  # as --max-requests recycling or a crash would
        _wait_for(
            lambda: len(_workers(server.pid)) == 2 and victim not in _workers(server.pid),
            "a replacement worker",
        )
        statuses, pages = set(), set()
        for _ in range(20):  # both workers, the new one included, answer the outage
            statuses.add(_status(f"{base}/healthz")[0])
            # Demo mode: the page's shell needs no database; it carries the (hidden) banner
            # that its script shows when the page's own requests get the 503 below.
            page, page_body = _status(f"{base}/district?area=district:Harlow")
            pages.add(page)
            assert DOWN in page_body
            callback, callback_body = _status(
                f"{base}/_dash-update-component", browser, json=page_payload(ids.OVERVIEW)
            )
            statuses.add(callback)
            assert DOWN in callback_body
        assert server.poll() is None, "gunicorn's master stopped"
        assert statuses == {503}, statuses
        assert pages == {200}, pages

        proxy.restore()
        _wait_for(lambda: _status(f"{base}/healthz")[0] == 200, "recovery")
        assert _status(f"{base}/?area=force")[0] == 200
    text = running.output()
    assert "Worker failed to boot" not in text
    assert "Traceback" not in text
    # One line when the outage starts and one when it ends, per worker process (two workers
    # and the replacement), not one per request.
    assert 1 <= text.count("Database unreachable") <= 3, text[-3000:]
    assert text.count("reachable again") <= 3


@pytest.mark.slow
@pytest.mark.postgres
def test_out003_workers_boot_while_the_database_is_down(proxied_postgres, tmp_path):
    url, proxy = proxied_postgres
    proxy.cut()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with _procfile_server(url, port, ready_status=503) as running:
        server = running.process
        status, body = _status(f"{base}/incidents")
        assert status == 503 and DOWN in body
        assert server.poll() is None
        proxy.restore()
        _wait_for(lambda: _status(f"{base}/healthz")[0] == 200, "recovery")
        assert _status(f"{base}/incidents?area=force")[0] == 200
    assert "Worker failed to boot" not in running.output()

"""Two app instances (as two hosts would run them) sharing one PostgreSQL and one Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
import requests

from dashboard.core import ids
from dashboard.core.database import make_engine
from dashboard.loaders.bootstrap import DATA, build_default_data
from tests.conftest import port_open
from tests.pages_payload import page_payload
from tests.servers import READ_TIMEOUT, Server, free_port, serve

REDIS = "redis://127.0.0.1:6379/14"

pytestmark = pytest.mark.slow  # starts servers: left out of make test-fast


def _instance(url: str, tmp: Path, stack: ExitStack) -> Server:
    """One host: gunicorn with two workers, started and (when `stack` closes) stopped."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_REDIS_URL": REDIS,
        "ASB_INSTANCE_DIR": str(tmp / str(port)),
        "ASB_DEMO": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    command = ["gunicorn", "dashboard.wsgi:server", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    return stack.enter_context(serve(command, env, port))


def _session(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/", timeout=READ_TIMEOUT)
    session.headers["X-CSRFToken"] = session.cookies["_csrf_token"]
    return session


def _overview(session: requests.Session, base: str, **filters) -> str:
    response = session.post(
        f"{base}/_dash-update-component",
        json=page_payload(ids.OVERVIEW, **filters),
        timeout=READ_TIMEOUT,
    )
    assert response.status_code == 200
    return response.text


@pytest.mark.postgres
def test_sco001_a_load_through_one_host_shows_at_once_on_the_other(scratch_postgres, tmp_path):
    if not port_open("127.0.0.1", 6379):
        pytest.skip("no Redis")
    engine = make_engine(scratch_postgres)
    build_default_data(engine, "pytest")
    engine.dispose()
    redis.Redis.from_url(REDIS).flushdb()
    with ExitStack() as stack:
        bases = [_instance(scratch_postgres, tmp_path, stack).base for _ in range(2)]
        a, b = (_session(base) for base in bases)
        # Both hosts answer the same, and share one cache: B is served what A computed.
        first = _overview(a, bases[0], area="district:Colchester", to="2021-04")
        assert "'2021-04' is not a valid period end" in first
        cached = len(redis.Redis.from_url(REDIS).keys("asb:*"))
        assert cached > 0
        assert _overview(b, bases[1], area="district:Colchester", to="2021-04") == first
        assert len(redis.Redis.from_url(REDIS).keys("asb:*")) == cached  # nothing new
        # A data load made on host A's machine (the CLI, against the shared database)...
        load = subprocess.run(
            [
                str(Path(sys.executable).parent / "asb-dashboard"),
                "load",
                "incidents",
                str(DATA / "examples" / "incidents.csv"),
            ],
            env={**os.environ, "DATABASE_URL": scratch_postgres},
            capture_output=True,
            text=True,
        )
        assert load.returncode == 0, load.stderr
        # ...is what host B serves at once: the data-version stamp moved every cache key on.
        after = _overview(b, bases[1], area="district:Colchester", to="2021-04")
        assert "not a valid period end" not in after
        assert "12 months to April 2021" in after
        assert _overview(a, bases[0], area="district:Colchester", to="2021-04") == after

"""The Procfile's command serves the same app under gunicorn."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import requests

from tests.servers import READ_TIMEOUT, free_port, procfile_command, serve

pytestmark = pytest.mark.slow  # starts servers: left out of make test-fast


def test_gun001_procfile_serves_the_app(default_db_url, tmp_path):
    command = procfile_command("web")
    assert command.startswith("gunicorn dashboard.wsgi:server")
    port = free_port()
    # Run it as a Procfile runner does: through a shell, with the virtualenv's bin on PATH.
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": default_db_url,
        "ASB_INSTANCE_DIR": str(tmp_path),
        "WEB_CONCURRENCY": "2",
        "ASB_DEMO": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    with serve(["bash", "-c", f"exec {command}"], env, port) as server:
        health = requests.get(f"{server.base}/healthz", timeout=READ_TIMEOUT)
        assert health.json()["status"] == "ok"
        page = requests.get(f"{server.base}/?area=force", timeout=READ_TIMEOUT)
        assert page.status_code == 200 and "ASB Oversight Dashboard" in page.text
    assert "Booting worker" in server.output()


def test_gun002_procfile_release_step_migrates_and_loads_a_new_database(tmp_path):
    """The deploy step the Procfile names (`release`), which workers no longer do at boot."""
    import subprocess

    from sqlalchemy import create_engine, text

    command = procfile_command("release")
    assert command == "asb-dashboard upgrade-db"
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    done = subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Schema is at the latest migration." in done.stdout
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM data_load")).scalar_one() > 0
    engine.dispose()

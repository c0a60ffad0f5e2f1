"""The Procfile's command serves the same app under gunicorn."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import requests

from tests.conftest import ROOT
from tests.servers import READ_TIMEOUT, free_port, serve

_free_port = free_port  # the old name, still imported by tests/test_faults.py


def test_gun001_procfile_serves_the_app(default_db_url, tmp_path):
    line = (ROOT / "Procfile").read_text().strip()
    assert line.startswith("web: gunicorn dashboard.wsgi:server")
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
    command = line.removeprefix("web: ").replace("0.0.0.0", "127.0.0.1")
    with serve(["bash", "-c", f"exec {command}"], env, port) as server:
        health = requests.get(f"{server.base}/healthz", timeout=READ_TIMEOUT)
        assert health.json()["status"] == "ok"
        page = requests.get(f"{server.base}/?area=force", timeout=READ_TIMEOUT)
        assert page.status_code == 200 and "ASB Oversight Dashboard" in page.text
    assert "Booting worker" in server.output()

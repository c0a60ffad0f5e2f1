"""The Procfile's command serves the same app under gunicorn."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import ROOT


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gun001_procfile_serves_the_app(default_db_url, tmp_path):
    line = (ROOT / "Procfile").read_text().strip()
    assert line.startswith("web: gunicorn dashboard.wsgi:server")
    port = _free_port()
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
    proc = subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = b""
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.5)
        assert b'"status":"ok"' in body.replace(b" ", b"")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?area=force", timeout=5) as r:
            assert r.status == 200 and b"ASB Oversight Dashboard" in r.read()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0].decode()
    assert "Booting worker" in output

"""The wheel built from this repository, installed alone into a fresh virtualenv, is the whole app.

One wheel and one virtualenv for the module: the locked packages that running needs
(requirements/base.lock, every hash checked) and the wheel with --no-deps. The servers run with
their working directory outside the checkout and the virtualenv's own interpreter, so nothing is
imported or served from the repository. Slow (a wheel build, an install and a first database
build): `pytest -m 'not slow'` leaves it out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.servers import READ_TIMEOUT, free_port, procfile_command, serve

pytestmark = pytest.mark.slow

PAGES = (
    "/",
    "/incidents",
    "/attendance",
    "/perception",
    "/msg",
    "/targets",
    "/district",
    "/methods",
)
# Assets every page must link, by the end of their path (Dash adds a ?m= cache buster).
REQUIRED_ASSETS = ("style.css", "deferred_charts.js", "outage.js", "plotly-basic-4.1.1.min.js")
DATA_PREFIX = "asb_oversight_dashboard-0.1.0.data/data/share/asb-oversight-dashboard/assets/"
ASSET_URL = re.compile(r'<(?:link|script)\b[^>]*?\b(?:href|src)="(/assets/[^"]+)"')


def _clean_env() -> dict[str, str]:
    """This process's environment without PYTHONPATH and the like (pytest here runs with the
    checkout on PYTHONPATH, which would make pip think the project is installed already)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("env", _clean_env())
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kwargs)
    assert done.returncode == 0, f"{cmd}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(out)],
        cwd=ROOT,
    )  # fmt: skip
    (built,) = out.glob("asb_oversight_dashboard-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with base.lock and the wheel; its bin folder."""
    root = tmp_path_factory.mktemp("venv")
    env_dir = root / "env"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    lock = ROOT / "requirements" / "base.lock"
    pip = [python, "-m", "pip", "install", "--quiet"]
    _run([*pip, "--require-hashes", "-r", str(lock)], cwd=root)
    _run([*pip, "--no-deps", str(wheel)], cwd=root)
    _run([python, "-m", "pip", "check"], cwd=root)
    return env_dir / "bin"


def _env(bin_dir: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = _clean_env()
    return {
        **env,
        "PATH": f"{bin_dir}:{env['PATH']}",
        "ASB_DEMO": "1",
        "ASB_INSTANCE_DIR": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        **extra,
    }


def test_pkg001_wheel_carries_assets_data_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in sorted(p for p in (ROOT / "assets").rglob("*") if p.is_file()):
        relative = path.relative_to(ROOT / "assets").as_posix()
        assert DATA_PREFIX + relative in names, f"assets/{relative} is not in the wheel"
    for folder in ("dashboard/data", "dashboard/migrations"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                relative = path.relative_to(ROOT).as_posix()
                assert relative in names, f"{relative} is not in the wheel"
    assert not any(name.startswith(("tests/", "assets/")) for name in names)


def test_pkg002_installed_wheel_serves_every_page_with_its_assets(installed, tmp_path):
    outside = tmp_path / "cwd"  # not the checkout: nothing can come from it
    outside.mkdir()
    port = free_port()
    env = _env(installed, tmp_path, PORT=str(port), WEB_CONCURRENCY="1", GUNICORN_THREADS="4")
    # The Procfile's release step builds the database, then its web process serves it.
    release = _run(["bash", "-c", procfile_command("release")], cwd=outside, env=env)
    assert "Schema is at the latest migration." in release.stdout
    web = procfile_command("web")
    with serve(["bash", "-c", f"exec {web}"], env, port, cwd=outside, deadline=240) as server:
        session = requests.Session()
        checked: set[str] = set()
        for page in PAGES:
            response = session.get(server.base + page, timeout=READ_TIMEOUT)
            assert response.status_code == 200, page
            urls = ASSET_URL.findall(response.text)
            for name in REQUIRED_ASSETS:
                assert any(url.split("?")[0].endswith("/" + name) for url in urls), (page, name)
            for url in urls:
                if url in checked:
                    continue
                asset = session.get(server.base + url, timeout=READ_TIMEOUT)
                assert asset.status_code == 200 and asset.content, url
                checked.add(url)
    # The modules came from the virtualenv, not from the checkout.
    where = _run(
        [str(installed / "python"), "-c", "import dashboard.core.paths as p; print(p.__file__)"],
        cwd=outside,
        env=_env(installed, tmp_path),
    )
    assert "site-packages" in where.stdout and str(ROOT) not in where.stdout


def test_pkg003_postgres_url_without_the_extra_says_what_to_install(installed, tmp_path):
    """base.lock has no PostgreSQL driver: one line naming the extra, no traceback."""
    env = _env(installed, tmp_path, DATABASE_URL="postgresql://asb@127.0.0.1:1/asb")
    done = subprocess.run(
        [str(installed / "asb-dashboard"), "upgrade-db"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "asb-oversight-dashboard[postgres]" in lines[0], done.stderr

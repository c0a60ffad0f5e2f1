"""scripts/audit.py: a finding fails, a package not checked is said so, never a false green."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "audit.py"
_spec = importlib.util.spec_from_file_location("audit", SCRIPT)
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

SKIP = "Dependency not found on PyPI and could not be audited: flask (3.1.0)"
VULN = {
    "id": "GHSA-test-0001",
    "aliases": ["CVE-2099-0001"],
    "fix_versions": ["2.32.0"],
    "description": "A test advisory.",
}


def test_aud001_every_package_skipped_is_not_a_pass():
    status, lines = audit.interpret(
        {"dependencies": [{"name": "flask", "skip_reason": SKIP}], "fixes": []}
    )
    assert status == audit.UNCHECKED
    text = "\n".join(lines)
    assert "Could not check 1 of 1 packages" in text and "no claim is made" in text
    assert "No known vulnerabilities" not in text


def test_aud002_a_finding_fails_even_beside_skipped_packages():
    status, lines = audit.interpret(
        {
            "dependencies": [
                {"name": "requests", "version": "2.31.0", "vulns": [VULN]},
                {"name": "click", "version": "8.1.0", "vulns": []},
                {"name": "flask", "skip_reason": SKIP},
            ]
        }
    )
    assert status == audit.FOUND
    text = "\n".join(lines)
    assert "requests 2.31.0: GHSA-test-0001, CVE-2099-0001 (fixed in: 2.32.0)" in text
    assert "Could not check 1 of 3 packages" in text


def test_aud003_only_a_full_check_is_clean():
    deps = [{"name": "click", "version": "8.1.0", "vulns": []}]
    assert audit.interpret({"dependencies": deps}) == (
        audit.OK,
        ["No known vulnerabilities in the 1 packages checked."],
    )
    assert audit.interpret({"dependencies": []})[0] == audit.UNCHECKED


class _Advisories(BaseHTTPRequestHandler):
    """An OSV query endpoint that knows one advisory: requests 2.31.0."""

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        answer = {}
        if query["package"]["name"] == "requests" and query["version"] == "2.31.0":
            answer = {
                "vulns": [
                    {
                        "id": "GHSA-test-0001",
                        "summary": "A test advisory.",
                        "affected": [
                            {
                                "package": {"name": "requests", "ecosystem": "PyPI"},
                                "ranges": [
                                    {
                                        "type": "ECOSYSTEM",
                                        "events": [{"introduced": "0"}, {"fixed": "2.32.0"}],
                                    }
                                ],
                            }
                        ],
                    }
                ]
            }
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def advisories():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Advisories)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1/query"
    server.shutdown()
    server.server_close()


def _audit(lock, url, cache):
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "-r",
            str(lock),
            "-s",
            "osv",
            "--osv-url",
            url,
            "--cache-dir",
            str(cache),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("pins", "status", "says"),
    [
        (["click==8.1.7"], 0, "No known vulnerabilities in the 1 packages checked."),
        (["click==8.1.7", "requests==2.31.0"], 1, "requests 2.31.0: GHSA-test-0001"),
    ],
)
def test_aud004_pip_audit_against_an_advisory_source(advisories, tmp_path, pins, status, says):
    lock = tmp_path / "test.lock"
    lock.write_text("".join(f"{pin} --hash=sha256:{'0' * 64}\n" for pin in pins))
    run = _audit(lock, advisories, tmp_path / "cache")
    assert run.returncode == status, run.stdout + run.stderr
    assert says in run.stdout


def test_aud005_no_advisory_source_at_all_is_unchecked(tmp_path):
    from tests.servers import free_port

    lock = tmp_path / "test.lock"
    lock.write_text(f"click==8.1.7 --hash=sha256:{'0' * 64}\n")
    run = _audit(lock, f"http://127.0.0.1:{free_port()}/v1/query", tmp_path / "cache")
    assert run.returncode == audit.UNCHECKED, run.stdout + run.stderr
    assert "Could not check 1 of 1 packages" in run.stdout

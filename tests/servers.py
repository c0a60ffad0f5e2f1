"""Run a server process for a test: start it, wait until it is healthy, and always stop it.

    from tests.servers import free_port, serve

    port = free_port()
    command = ["gunicorn", "dashboard.wsgi:server", "--bind", f"127.0.0.1:{port}"]
    with serve(command, env, port) as server:  # env: DATABASE_URL, PATH with the venv's bin...
        requests.get(f"{server.base}/", timeout=READ_TIMEOUT)
    assert "Booting worker" in server.output()  # the output is kept once it has stopped

The process gets its own session (so its own process group): gunicorn's master, its workers and
a shell in front of them are all killed together when the block ends, passed or failed, so a
failing test leaves nothing running. Readiness is `GET /healthz` answering 200; until the
deadline every connection error, time-out or other status is waited through, since on a busy
machine a worker can take tens of seconds to import, migrate and settle. No test should assert
on how long that took.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.conftest import ROOT

# Generous on purpose: on two busy cores a worker takes far longer than the ~9 s it takes idle.
START_DEADLINE = 120.0
# For a test's own requests once the server is up: a bound so a hung server cannot hang the run,
# not a performance check.
READ_TIMEOUT = 120.0


def procfile_command(process_type: str) -> str:
    """The Procfile's command for a process type ("web", "release"), bound to loopback."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process_type:
            return command.strip().replace("0.0.0.0", "127.0.0.1")
    raise AssertionError(f"the Procfile has no {process_type!r} process")


def free_port() -> int:
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running server: its base URL, its process (the group leader) and its log file."""

    base: str
    process: subprocess.Popen
    log: Path
    _final: str | None = None

    def output(self) -> str:
        """Everything the process wrote to stdout and stderr (so far, or in all once stopped)."""
        if self._final is not None:
            return self._final
        return self.log.read_text(errors="replace")


@contextmanager
def serve(
    cmd: Sequence[str],
    env: Mapping[str, str],
    port: int,
    *,
    cwd: Path = ROOT,
    deadline: float = START_DEADLINE,
    ready_status: int | None = 200,
) -> Iterator[Server]:
    """Start `cmd` in a new process group, wait for http://127.0.0.1:port/healthz to answer 200,
    yield a `Server`, and kill the whole group when the block ends, however it ends.

    stdout and stderr go to a temporary file (`Server.output()`), never to a pipe that nobody
    reads (a full pipe would stall the server). If the process exits or the deadline passes
    before it is healthy, the test fails with the last lines of that output. `ready_status`
    None waits for any HTTP answer instead (a server started while its database is down
    answers 503 and is still up).
    """
    with tempfile.TemporaryDirectory(prefix="serve-") as tmp:
        log = Path(tmp) / "output.log"
        with open(log, "wb") as sink:
            process = subprocess.Popen(
                list(cmd),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            _wait_healthy(server, deadline, ready_status)
            yield server
        finally:
            stop(process)
            server._final = server.output()  # the log file goes with the temporary folder


def _wait_healthy(server: Server, deadline: float, ready_status: int | None = 200) -> None:
    end = time.monotonic() + deadline
    last = "no answer yet"
    while True:
        code = server.process.poll()
        if code is not None:
            raise AssertionError(
                f"{server.base}: the server exited ({code}) before /healthz answered 200:\n"
                + _tail(server)
            )
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(
                f"{server.base}/healthz did not answer 200 within {deadline:.0f} s"
                f" (last: {last}):\n" + _tail(server)
            )
        try:
            response = requests.get(f"{server.base}/healthz", timeout=min(10.0, left))
            if ready_status is None or response.status_code == ready_status:
                return
            last = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(0.5)


def _tail(server: Server, lines: int = 30) -> str:
    return "\n".join(server.output().splitlines()[-lines:])


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM the process's whole group, SIGKILL it if anything in it is still there after
    `grace` seconds, and reap the leader. Safe to call on a process that has already exited."""
    pgid = process.pid  # start_new_session=True: the leader's pid is the group id
    _signal_group(pgid, signal.SIGTERM)
    end = time.monotonic() + grace
    while time.monotonic() < end:
        # Workers can outlive their master: done only when the whole group has gone.
        if process.poll() is not None and not _group_alive(pgid):
            return
        time.sleep(0.1)
    _signal_group(pgid, signal.SIGKILL)
    process.wait()


def _signal_group(pgid: int, sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True

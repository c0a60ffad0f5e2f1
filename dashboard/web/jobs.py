"""Run long exports in the background so the request that asked returns at once.

Each process has a small thread pool, created on first use (so a gunicorn worker forked from
the master gets its own). Jobs report progress through `queries.export_jobs`, i.e. the shared
database, so the browser's polls may land on any worker or host. A job that stops reporting
for `timeout` seconds (its worker was killed, or Chromium hung) is reported as failed rather
than left spinning.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from queries.export_jobs import JobStatus, fail_job

log = logging.getLogger(__name__)
_lock = threading.Lock()
_pool: dict[int, ThreadPoolExecutor] = {}


def _executor(workers: int) -> ThreadPoolExecutor:
    with _lock:
        pid = os.getpid()
        if pid not in _pool:
            _pool.clear()  # a forked child must not reuse its parent's threads
            _pool[pid] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="export")
        return _pool[pid]


def run_in_background(
    app: Flask, job_id: str, work: Callable[[], None], failure: Callable[[Exception], str]
) -> None:
    """Run `work` in the app's context on the pool; an exception marks the job failed."""

    def run() -> None:
        with app.app_context():
            try:
                work()
            except Exception as exc:  # every failure must reach the user as a message
                log.exception("Export job %s failed", job_id)
                fail_job(job_id, failure(exc))

    _executor(int(app.config.get("ASB_EXPORT_WORKERS", 1))).submit(run)


def overdue(job: JobStatus, timeout: int, now: dt.datetime | None = None) -> bool:
    """A job still queued or running that has reported nothing for `timeout` seconds."""
    now = now or dt.datetime.now(dt.UTC)
    return job.status in ("queued", "running") and (
        (now - job.updated_at).total_seconds() > timeout
    )

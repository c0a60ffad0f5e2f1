"""Background export jobs: their progress and finished files, shared through the database."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update

from dashboard.core.extensions import db
from dashboard.core.models import ExportJob

KEEP_FOR = dt.timedelta(hours=24)


@dataclass(frozen=True)
class JobStatus:
    """A job's progress as the polling browser is told it, with its file's size but not the file."""

    id: str
    kind: str
    owner: str
    status: str  # queued | running | done | failed
    step: int
    steps: int
    message: str
    file_name: str
    size: int
    created_at: dt.datetime
    updated_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_job(kind: str, query: str, owner: str = "") -> str:
    """Record a queued job and return its id; old jobs (and their files) are pruned here."""
    job_id = str(uuid.uuid4())
    now = _now()
    with db.engine.begin() as conn:
        conn.execute(delete(ExportJob).where(ExportJob.created_at < now - KEEP_FOR))
        conn.execute(
            insert(ExportJob).values(
                id=job_id,
                kind=kind,
                query=query[:500],
                owner=owner,
                status="queued",
                step=0,
                steps=1,
                message="Waiting to start",
                file_name="",
                created_at=now,
                updated_at=now,
            )
        )
    return job_id


def _set(job_id: str, **values) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status.in_(("queued", "running")))
            .values(**values, updated_at=_now())
        )


def report_progress(job_id: str, step: int, steps: int, message: str) -> None:
    """Record that a job is at `step` of `steps`, with a message for the status line."""
    _set(job_id, status="running", step=step, steps=max(steps, 1), message=message)


def finish_job(job_id: str, file_name: str, content: bytes) -> None:
    """Store the finished file and mark the job done; a job that has already failed stays failed."""
    _set(job_id, status="done", file_name=file_name, content=content, message="Ready")


def fail_job(job_id: str, message: str) -> None:
    """Mark a job failed; a job already finished or failed is left as it is."""
    _set(job_id, status="failed", message=message)


def job_status(job_id: str) -> JobStatus | None:
    """A job's progress for the next poll; None for an unknown (or pruned) id."""
    query = select(
        ExportJob.id,
        ExportJob.kind,
        ExportJob.owner,
        ExportJob.status,
        ExportJob.step,
        ExportJob.steps,
        ExportJob.message,
        ExportJob.file_name,
        ExportJob.created_at,
        ExportJob.updated_at,
        # the file's size without fetching the file
        func.coalesce(func.length(ExportJob.content), 0).label("size"),
    ).where(ExportJob.id == job_id)
    with db.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        return None
    values = dict(row)
    for key in ("created_at", "updated_at"):
        if values[key].tzinfo is None:  # SQLite hands back naive UTC
            values[key] = values[key].replace(tzinfo=dt.UTC)
    return JobStatus(**values)


def job_file(job_id: str) -> tuple[str, bytes] | None:
    """The finished file of a job, or None if it is not (or no longer) there."""
    query = select(ExportJob.file_name, ExportJob.content).where(
        ExportJob.id == job_id, ExportJob.status == "done"
    )
    with db.engine.connect() as conn:
        row = conn.execute(query).first()
    return (row.file_name, row.content) if row and row.content is not None else None

"""The audit log: who signed in, exported or loaded what, and when."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import insert, select

from dashboard.core.extensions import db
from dashboard.core.models import AuditEvent


def record_event(actor: str, action: str, detail: str = "", address: str = "") -> None:
    """Add one line to the audit log; over-long values are cut to fit their columns."""
    with db.engine.begin() as conn:
        conn.execute(
            insert(AuditEvent).values(
                at=dt.datetime.now(dt.UTC),
                actor=actor[:200],
                action=action[:40],
                detail=detail,
                address=address[:64],
            )
        )


def recent_events(limit: int = 500, action: str | None = None) -> pd.DataFrame:
    """The newest events first."""
    query = select(
        AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.detail, AuditEvent.address
    ).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    with db.engine.connect() as conn:
        return pd.read_sql(query.limit(limit), conn)

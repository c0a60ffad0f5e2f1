"""Dated events for chart annotations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from dashboard.core.extensions import db
from dashboard.core.models import Event
from queries._cache import memoized


@dataclass(frozen=True)
class EventRecord:
    """A dated event as the charts annotate it."""

    date: dt.date
    title: str
    description: str


@memoized
def events() -> tuple[EventRecord, ...]:
    """Every event, oldest first, for annotating the charts."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(Event.date, Event.title, Event.description).order_by(Event.date)
        ).all()
    return tuple(EventRecord(*r) for r in rows)

"""Figures exactly as the report published them, for reconciliation badges and tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import PublishedFigure as P
from dashboard.periods import month_end
from queries._cache import memoized


@memoized
def published_count(
    measure: str, area_id: int, end_month: dt.date, kind: str = "actual"
) -> int | None:
    """The published count for the 12 months to end_month, if the report printed one."""
    with db.engine.connect() as conn:
        return conn.execute(
            select(P.count).where(
                P.measure == measure,
                P.area_id == area_id,
                P.period_end == month_end(end_month),
                P.kind == kind,
            )
        ).scalar_one_or_none()

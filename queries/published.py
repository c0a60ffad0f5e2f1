"""Figures exactly as the report published them, for reconciliation badges and tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dashboard.core.extensions import db
from dashboard.core.models import PublishedFigure as P
from dashboard.core.periods import month_end
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


@memoized
def printed_differences(prefix: str, area_id: int, first: dt.date, last: dt.date) -> dict:
    """{measure: the change the report printed from `first` to `last`} for measures whose
    published-figure name starts with `prefix` (e.g. the CSEW "% pt. diff. from 2016")."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(P.measure, P.pct).where(
                P.measure.startswith(prefix, autoescape=True),
                P.area_id == area_id,
                P.period_start == first,
                P.period_end == last,
            )
        ).all()
    return {measure.removeprefix(prefix): pct for measure, pct in rows}

"""Most Similar Group: rates per 1,000 and ranks, computed in SQL with a window function."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Float, case, cast, func, select

from dashboard.core.extensions import db
from dashboard.core.models import Area
from dashboard.core.models import MsgMeasure as M
from queries._cache import memoized


@memoized
def msg_periods(measure: str) -> tuple[dt.date, ...]:
    """The period ends held for an MSG measure, oldest first: the points of the rank history."""
    with db.engine.connect() as conn:
        return tuple(
            conn.execute(
                select(M.period_end).where(M.measure == measure).distinct().order_by(M.period_end)
            ).scalars()
        )


def msg_table(measure: str, period_end: dt.date) -> pd.DataFrame:
    """One period of msg_history: each force's rate per 1,000 and rank, best first."""
    history = msg_history(measure)
    return history[history["period_end"] == period_end].reset_index(drop=True)


@memoized
def msg_history(measure: str) -> pd.DataFrame:
    """Every force and period: count, population, rate per 1,000 and rank within the period."""
    rate = cast(M.value, Float) * 1000.0 / M.population
    ordering = case((M.polarity == "lower_is_better", rate), else_=-rate)
    query = (
        select(
            Area.id.label("force_id"),
            Area.name.label("force"),
            M.period_start,
            M.period_end,
            M.value,
            M.population,
            M.population_year,
            rate.label("rate"),
            func.rank().over(partition_by=M.period_end, order_by=ordering).label("rank"),
            func.count().over(partition_by=M.period_end).label("of"),
            M.polarity,
            M.source,
        )
        .join(Area, Area.id == M.force_id)
        .where(M.measure == measure)
        .order_by(M.period_end, ordering)
    )
    with db.engine.connect() as conn:
        return pd.read_sql(query, conn)

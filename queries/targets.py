"""Plan targets as loaded from the targets template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import case, select

from dashboard.core.extensions import db
from dashboard.core.models import Area
from dashboard.core.models import Target as T
from dashboard.core.viewer import AreaScope
from queries._cache import memoized
from queries.areas import visible_areas


@dataclass(frozen=True)
class TargetRecord:
    """A plan target as the Targets page shows it, with its area's name."""

    measure: str
    area: str
    direction: Literal["increase", "decrease"]
    baseline_period_start: dt.date
    baseline_period_end: dt.date
    baseline_value: float
    target_period_end: dt.date
    target_value: float
    description: str
    source: str


AREA_ORDER = {"force": 0, "lpa": 1, "district": 2}


@memoized
def targets(scope: AreaScope, measure: str | None = None) -> tuple[TargetRecord, ...]:
    """The loaded targets for the areas `scope` permits (a restricted viewer gets no others)."""
    query = (
        select(
            T.measure,
            Area.name,
            T.direction,
            T.baseline_period_start,
            T.baseline_period_end,
            T.baseline_value,
            T.target_period_end,
            T.target_value,
            T.description,
            T.source,
        )
        .join(Area, Area.id == T.area_id)
        # The force's targets first, then LPAs', then districts': the plan before local ones.
        .order_by(T.measure, case(AREA_ORDER, value=Area.kind, else_=9), Area.name)
    )
    if scope.restricted:
        query = query.where(T.area_id.in_([a.id for a in visible_areas(scope)]))
    if measure is not None:
        query = query.where(T.measure == measure)
    with db.engine.connect() as conn:
        return tuple(TargetRecord(*tuple(row)) for row in conn.execute(query))

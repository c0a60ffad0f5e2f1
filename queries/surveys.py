"""Survey results (CSEW perception, the force's confidence survey)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import SurveyResult as S
from queries._cache import memoized


@dataclass(frozen=True)
class SurveyPoint:
    survey: str
    question: str
    period_start: dt.date
    period_end: dt.date
    pct: float
    base_n: int | None
    source: str


@memoized
def results(survey: str, question_prefix: str, area_id: int) -> tuple[SurveyPoint, ...]:
    """Every result for a question, oldest first."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(S.survey, S.question, S.period_start, S.period_end, S.pct, S.base_n, S.source)
            .where(
                S.survey == survey,
                S.question.startswith(question_prefix, autoescape=True),
                S.area_id == area_id,
            )
            .order_by(S.period_end)
        ).all()
    return tuple(SurveyPoint(*r) for r in rows)

"""Survey results (CSEW perception, the force's confidence survey)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from dashboard.core.extensions import db
from dashboard.core.models import SurveyResult as S
from queries._cache import memoized


@dataclass(frozen=True)
class SurveyPoint:
    """One survey result for a question and period, with its base and source."""

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


@memoized
def survey_table(survey: str, area_id: int):
    """Every result of a survey for an area, as a DataFrame (one row per question and period)."""
    query = (
        select(
            S.question,
            S.period_start,
            S.period_end,
            S.pct,
            S.base_n,
            S.msg_rank,
            S.msg_of,
            S.national_rank,
            S.national_of,
            S.polarity,
            S.source,
        )
        .where(S.survey == survey, S.area_id == area_id)
        .order_by(S.id)  # load order: the report's order of measures, oldest period first
    )
    with db.engine.connect() as conn:
        return pd.read_sql(query, conn)

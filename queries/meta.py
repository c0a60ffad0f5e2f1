"""Facts about the data itself: health, data-to dates, what has been loaded."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select, text

from dashboard.core.extensions import db
from dashboard.core.models import DataLoad, MsgMeasure, SurveyResult
from queries._cache import memoized


def database_ok() -> bool:
    """True when the database answers a trivial query."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@memoized
def survey_data_to(survey: str) -> dt.date | None:
    """The last period end held for a survey, for the 'data to' line."""
    with db.engine.connect() as conn:
        return conn.execute(
            select(func.max(SurveyResult.period_end)).where(SurveyResult.survey == survey)
        ).scalar_one()


@memoized
def msg_data_to() -> dt.date | None:
    """The last period end held for the Most Similar Group, for the 'data to' line."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.max(MsgMeasure.period_end))).scalar_one()


@memoized
def data_loads():
    """Every load recorded, newest first (for the Methods page)."""
    query = select(
        DataLoad.id,
        DataLoad.kind,
        DataLoad.file_name,
        DataLoad.sha256,
        DataLoad.rows_loaded,
        DataLoad.rows_skipped,
        DataLoad.loaded_at,
        DataLoad.command,
    ).order_by(DataLoad.id.desc())
    with db.engine.connect() as conn:
        return pd.read_sql(query, conn)

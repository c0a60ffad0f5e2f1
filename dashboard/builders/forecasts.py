"""Forecasts of an area's monthly incidents, memoised like a query (a fit takes milliseconds):
no SQL here, the model is fitted to what queries/ return."""

from __future__ import annotations

import datetime as dt

from dashboard.analysis.forecast import Forecast, forecast_monthly
from queries._cache import memoized
from queries.incidents import monthly_by_category, monthly_counts


@memoized
def incident_forecast(
    area_id: int,
    end_month: dt.date,
    include_covid: bool,
    category: str = "all",
    horizon: int = 24,
) -> Forecast | None:
    """Forecast from the monthly series up to end_month (None with too few months)."""
    if category == "all":
        frame = monthly_counts(area_id, include_covid)
    else:
        frame = monthly_by_category(area_id, include_covid)
        frame = frame[frame["category"] == category]
    frame = frame[frame["month"] <= end_month]
    return forecast_monthly(
        list(frame["month"]), [float(v) for v in frame["incidents"]], horizon, seed=7
    )

"""ASB incident counts from the force's incident series (and police.uk for maps), summed in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Integer, case, func, select

from dashboard.core.extensions import db
from dashboard.core.models import Area, AreaClosure, AsbIncidentMonth, Population
from dashboard.core.periods import add_months, twelve_months_to
from dashboard.core.viewer import AreaScope
from queries._cache import memoized
from queries.areas import visible_areas

Inc = AsbIncidentMonth  # short alias keeps the SQL readable


@dataclass(frozen=True)
class PeriodTotal:
    """A 12-month total of incidents and attended, and whether any month is illustrative."""

    start: dt.date
    end: dt.date
    incidents: int | None  # None when a month is missing: no partial totals
    attended: int | None
    months_present: int
    illustrative: bool

    @property
    def complete(self) -> bool:
        """Whether all 12 months are held, so the total may be shown and compared."""
        return self.months_present == 12 and self.incidents is not None

    @property
    def pct_attended(self) -> float | None:
        """% of incidents attended; None for an incomplete period or one without the counts."""
        if not self.complete or not self.incidents or self.attended is None:
            return None
        return 100.0 * self.attended / self.incidents


def _filters(area_id: int, include_covid: bool, dataset: str):
    conditions = [AreaClosure.ancestor_id == area_id, Inc.dataset == dataset]
    if not include_covid:
        conditions.append(Inc.covid_breach.is_(False))
    return conditions


@memoized
def month_range(dataset: str = "force") -> tuple[dt.date, dt.date] | None:
    """First and last month held in a dataset.

    As two index seeks (ORDER BY ... LIMIT 1 on uq_incident_cell's (dataset, month) prefix):
    min() and max() together under a WHERE scan every row of the dataset in SQLite (0.4 s on
    the national data).
    """
    held = select(Inc.month).where(Inc.dataset == dataset).limit(1)
    with db.engine.connect() as conn:
        first, last = conn.execute(
            select(
                held.order_by(Inc.month).scalar_subquery(),
                held.order_by(Inc.month.desc()).scalar_subquery(),
            )
        ).one()
    return (first, last) if first else None


@memoized
def twelve_month_total(
    area_id: int, end_month: dt.date, include_covid: bool = True, dataset: str = "force"
) -> PeriodTotal:
    """The rolling 12-month total to end_month; refuses a total if any month is missing."""
    start, end = twelve_months_to(end_month)
    with db.engine.connect() as conn:
        row = conn.execute(
            select(
                func.sum(Inc.incidents),
                func.sum(Inc.attended),
                func.count(func.distinct(Inc.month)),
                func.max(case((Inc.source == "illustrative", 1), else_=0)),
            )
            .join(AreaClosure, AreaClosure.descendant_id == Inc.area_id)
            .where(*_filters(area_id, include_covid, dataset), Inc.month.between(start, end))
        ).one()
    incidents, attended, months, illustrative = row
    complete = months == 12
    return PeriodTotal(
        start,
        end,
        int(incidents) if complete and incidents is not None else None,
        int(attended) if complete and attended is not None else None,
        int(months),
        bool(illustrative),
    )


@memoized
def monthly_counts(
    area_id: int, include_covid: bool = True, dataset: str = "force"
) -> pd.DataFrame:
    """Incidents and attended per month for an area (all months held)."""
    query = (
        select(
            Inc.month.label("month"),
            func.sum(Inc.incidents).label("incidents"),
            func.sum(Inc.attended).label("attended"),
            func.sum(case((Inc.covid_breach.is_(True), Inc.incidents), else_=0)).label(
                "covid_breaches"
            ),
        )
        .join(AreaClosure, AreaClosure.descendant_id == Inc.area_id)
        .where(*_filters(area_id, include_covid, dataset))
        .group_by(Inc.month)
        .order_by(Inc.month)
    )
    with db.engine.connect() as conn:
        return pd.read_sql(query, conn)


@memoized
def district_comparison(
    force_id: int, end_month: dt.date, include_covid: bool, scope: AreaScope
) -> pd.DataFrame:
    """Each district's 12-month count, the previous 12 months' and attended, in one pass:
    only the districts `scope` permits, so a restricted viewer never receives the others."""
    start, end = twelve_months_to(end_month)
    prev_start = add_months(start, -12)
    district = Area
    current = Inc.month >= start
    query = (
        select(
            district.name.label("district"),
            district.id.label("area_id"),
            func.sum(case((current, Inc.incidents), else_=0)).label("incidents"),
            func.sum(case((current, Inc.attended), else_=0)).label("attended"),
            func.sum(case((~current, Inc.incidents), else_=0)).label("previous"),
            func.count(func.distinct(case((current, Inc.month)))).label("months"),
            func.count(func.distinct(case((~current, Inc.month)))).label("previous_months"),
            func.max(case((Inc.source == "illustrative", 1), else_=0))
            .cast(Integer)
            .label("illustrative"),
        )
        .join(AreaClosure, AreaClosure.descendant_id == Inc.area_id)
        .join(district, district.id == AreaClosure.ancestor_id)
        .where(
            district.kind == "district",
            Inc.dataset == "force",
            Inc.month.between(prev_start, end),
            *([] if include_covid else [Inc.covid_breach.is_(False)]),
        )
        .group_by(district.id, district.name)
        .order_by(district.name)
    )
    permitted = [a.id for a in visible_areas(scope) if a.kind == "district"]
    if scope.restricted:
        query = query.where(district.id.in_(permitted))
    with db.engine.connect() as conn:
        return pd.read_sql(query, conn)


@memoized
def monthly_by_category(area_id: int, include_covid: bool = True) -> pd.DataFrame:
    """Incidents per month and NSIR category for an area."""
    query = (
        select(
            Inc.month.label("month"),
            Inc.category.label("category"),
            func.sum(Inc.incidents).label("incidents"),
        )
        .join(AreaClosure, AreaClosure.descendant_id == Inc.area_id)
        .where(*_filters(area_id, include_covid, "force"))
        .group_by(Inc.month, Inc.category)
        .order_by(Inc.month, Inc.category)
    )
    with db.engine.connect() as conn:
        return pd.read_sql(query, conn)


@memoized
def annual_totals(area_id: int, last_month: int = 3, include_covid: bool = True) -> pd.DataFrame:
    """12-month totals ending in `last_month` of each year (the report's "12m to March").

    Only complete periods (12 months held) are returned, with incidents and attended.
    """
    year = func.extract("year", Inc.month)
    period_year = year + case((func.extract("month", Inc.month) > last_month, 1), else_=0)
    query = (
        select(
            period_year.label("year"),
            func.sum(Inc.incidents).label("incidents"),
            func.sum(Inc.attended).label("attended"),
            func.count(func.distinct(Inc.month)).label("months"),
            func.max(case((Inc.source == "illustrative", 1), else_=0)).label("illustrative"),
        )
        .join(AreaClosure, AreaClosure.descendant_id == Inc.area_id)
        .where(*_filters(area_id, include_covid, "force"))
        .group_by(period_year)
        .order_by(period_year)
    )
    with db.engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame["year"] = frame["year"].astype(int)
    return frame[frame["months"] == 12].reset_index(drop=True)


@memoized
def lsoa_counts(
    area_id: int, start: dt.date, end: dt.date, prev_start: dt.date, prev_end: dt.date
) -> pd.DataFrame:
    """police.uk ASB records per LSOA of an area: this period and the one before it."""
    lsoa = Area
    current = Inc.month.between(start, end)
    previous = Inc.month.between(prev_start, prev_end)
    query = (
        select(
            lsoa.code.label("lsoa_code"),
            lsoa.name.label("lsoa_name"),
            func.sum(case((current, Inc.incidents), else_=0)).label("incidents"),
            func.sum(case((previous, Inc.incidents), else_=0)).label("previous"),
        )
        .join(AreaClosure, AreaClosure.descendant_id == Inc.area_id)
        .join(lsoa, lsoa.id == Inc.area_id)
        .where(
            AreaClosure.ancestor_id == area_id,
            Inc.dataset == "police_uk",
            lsoa.kind == "lsoa",
            Inc.month.between(min(start, prev_start), max(end, prev_end)),
        )
        .group_by(lsoa.code, lsoa.name)
    )
    with db.engine.connect() as conn:
        return pd.read_sql(query, conn)


@memoized
def lsoas_of(area_id: int) -> pd.DataFrame:
    """Every LSOA in an area with its population (so LSOAs with no records still show)."""
    lsoa = Area
    query = (
        select(
            lsoa.code.label("lsoa_code"),
            lsoa.name.label("lsoa_name"),
            func.max(Population.persons).label("population"),
        )
        .join(AreaClosure, AreaClosure.descendant_id == lsoa.id)
        .outerjoin(Population, Population.area_id == lsoa.id)
        .where(AreaClosure.ancestor_id == area_id, lsoa.kind == "lsoa")
        .group_by(lsoa.code, lsoa.name)
        .order_by(lsoa.code)
    )
    with db.engine.connect() as conn:
        return pd.read_sql(query, conn)

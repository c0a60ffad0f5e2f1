"""What every page's callback does: re-check the filters, build the content, sync the URL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dashboard.analysis.spc import SpcResult, laney_p_prime, seasonal_xmr
from dashboard.builders.filters import DEFAULT_BREAK, FilterChoices
from dashboard.core.periods import month_label, parse_month, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.core.vocab import POLARITY, slug
from dashboard.loaders.published import CONFIDENCE, CSEW
from dashboard.model import Page
from queries.areas import AreaRecord, area_by_selector, filter_areas
from queries.incidents import month_range, monthly_counts
from queries.meta import msg_data_to, survey_data_to

INCIDENT_SOURCE = (
    "Essex Police incident records; 12-month totals to March as published in the force's ASB "
    "deep-dive report (2021)"
)
MODELLED_SOURCE = (
    "Illustrative split modelled from the force's published 12-month totals (Essex Police ASB "
    "deep-dive report, 2021); not force records"
)
POLICE_UK_SOURCE = "police.uk street-level records (Home Office, OGL v3.0)"


month_of = parse_month  # a checked filter's "YYYY-MM" as the month it names


# Where SPC limits are rebased by default: the month the data change (Covid breaches recorded
# as ASB from the first lockdown, 23 March 2020). The Incidents page lets a reader move it.
SPC_BREAK = month_of(DEFAULT_BREAK)


def last_march_year(end: dt.date) -> int:
    """The year of the last 12-months-to-March period that has ended by `end`."""
    return end.year if end.month >= 3 else end.year - 1


def incidents_spc(area: AreaRecord, end: dt.date, include_covid: bool) -> SpcResult:
    """The seasonal XmR of an area's monthly incidents to `end`, rebased at the default break:
    what every incidents KPI's variation and assurance icons are read from."""
    frame = monthly_counts(area.id, include_covid)
    frame = frame[frame["month"] <= end]
    months = list(frame["month"])
    rebase = months.index(SPC_BREAK) if SPC_BREAK in months[1:] else None
    return seasonal_xmr(
        list(frame["incidents"]), months, POLARITY["asb_incidents"], rebase_at=rebase
    )


def attendance_spc(area: AreaRecord, end: dt.date, include_covid: bool) -> SpcResult:
    """The Laney p′ chart of an area's monthly % attended to `end`, rebased at the default break
    (attendance has no better direction: it follows need)."""
    frame = monthly_counts(area.id, include_covid)
    frame = frame[frame["month"] <= end]
    months = list(frame["month"])
    rebase = months.index(SPC_BREAK) if SPC_BREAK in months[1:] else None
    return laney_p_prime(
        list(frame["attended"]),
        list(frame["incidents"]),
        POLARITY["pct_attended"],
        rebase_at=rebase,
    )


def covid_text(filters: Filters) -> str:
    """The Covid filter in words, as every caption, subtitle and summary states it."""
    return "including Covid breaches" if filters.include_covid else "excluding Covid breaches"


def export_name(measure: str, area: AreaRecord, period: str) -> str:
    """asb-incidents_district-colchester_12m-to-2021-03."""
    return f"{measure}_{area.kind}-{slug(area.name)}_{period}"


def areas_for(filters: Filters) -> tuple[AreaRecord, AreaRecord]:
    """(the force, the selected area)."""
    areas = filter_areas()
    force = areas[0]
    return force, area_by_selector(filters.area) or force


def data_to_items() -> tuple[tuple[str, str], ...]:
    """The month each source runs to: force and national data rarely end together."""
    items = []
    span = month_range("force")
    if span:
        items.append(("force incidents", month_label(span[1])))
    survey_end = survey_data_to(CONFIDENCE)
    if survey_end:
        items.append(("confidence survey", month_label(survey_end)))
    msg_end = msg_data_to()
    if msg_end:
        items.append(("Most Similar Group", month_label(msg_end)))
    police_uk = month_range("police_uk")
    if police_uk:
        items.append(
            (
                "police.uk records (maps and hot spots)",
                f"{month_label(police_uk[0])} to {month_label(police_uk[1])}",
            )
        )
    return tuple(items)


def page_for(page_id: str, title: str, filters: Filters, blocks: list) -> Page:
    """A page's model with what every page carries: its filters in words and the data-to
    months (the area is the one the filters select)."""
    area = area_by_selector(filters.area)
    return Page(
        id=page_id,
        title=title,
        area=area.label if area else filters.area,
        period=period_label(month_of(filters.to)),
        covid=covid_text(filters),
        blocks=tuple(blocks),
        data_to=data_to_items(),
    )


def source_data_to(source: str) -> str:
    """The month a chart's source runs to, so an exported chart says how current it is."""
    ends = {
        "force": lambda: (month_range("force") or (None, None))[1],
        "police_uk": lambda: (month_range("police_uk") or (None, None))[1],
        "confidence": lambda: survey_data_to(CONFIDENCE),
        "csew": lambda: survey_data_to(CSEW),
        "msg": msg_data_to,
    }
    end = ends[source]()
    return month_label(end) if end else "no data loaded"


Build = Callable[[Filters, FilterChoices, Viewer], Page]

"""What every page's callback does: re-check the filters, build the content, sync the URL."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html
from plotly.utils import PlotlyJSONEncoder

from dashboard import ids
from dashboard.analysis.spc import SpcResult, laney_p_prime, seasonal_xmr
from dashboard.auth.current import request_viewer
from dashboard.auth.viewer import Viewer
from dashboard.components import data_to_line
from dashboard.extensions import cache
from dashboard.filter_options import DEFAULT_BREAK, FilterChoices, filters_from_params
from dashboard.loaders.published import CONFIDENCE, CSEW
from dashboard.periods import month_label, period_label
from dashboard.urlstate import Filters
from queries._cache import data_version
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


def month_of(value: str) -> dt.date:
    return dt.date(int(value[:4]), int(value[5:7]), 1)


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
    return seasonal_xmr(list(frame["incidents"]), months, "lower_is_better", rebase_at=rebase)


def attendance_spc(area: AreaRecord, end: dt.date, include_covid: bool) -> SpcResult:
    """The Laney p′ chart of an area's monthly % attended to `end`, rebased at the default break
    (attendance has no better direction: it follows need)."""
    frame = monthly_counts(area.id, include_covid)
    frame = frame[frame["month"] <= end]
    months = list(frame["month"])
    rebase = months.index(SPC_BREAK) if SPC_BREAK in months[1:] else None
    return laney_p_prime(
        list(frame["attended"]), list(frame["incidents"]), "neutral", rebase_at=rebase
    )


def covid_text(filters: Filters) -> str:
    return "including Covid breaches" if filters.include_covid else "excluding Covid breaches"


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-").replace("--", "-")


def export_name(measure: str, area: AreaRecord, period: str) -> str:
    """asb-incidents_district-colchester_12m-to-2021-03."""
    return f"{measure}_{area.kind}-{slug(area.name)}_{period}"


def areas_for(filters: Filters) -> tuple[AreaRecord, AreaRecord]:
    """(the force, the selected area)."""
    areas = filter_areas()
    force = areas[0]
    return force, area_by_selector(filters.area) or force


def data_to() -> html.P:
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
    return data_to_line(items)


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


def printed_filters(filters: Filters) -> html.P:
    """The filters in words, shown only on paper (the filter bar is not printed)."""
    area = area_by_selector(filters.area)
    label = area.label if area else filters.area
    return html.P(
        [
            html.Strong("Showing: "),
            f"{label} · {period_label(month_of(filters.to))} · {covid_text(filters)}",
        ],
        className="print-only",
    )


def no_data_notice() -> dbc.Alert:
    return dbc.Alert(
        "No incident data is loaded yet. Load data with `asb-dashboard load ...` or "
        "`asb-dashboard init-db`.",
        color="info",
    )


def draw_first_chart(content: list) -> list:
    """Put the page's first chart straight into its graph (serialised content, in place).

    It is on screen as the page arrives, so deferring it (assets/deferred_charts.js) would
    only add a placeholder and a round trip through the browser before it is drawn.
    """
    frames: list[dict] = []
    figures: dict[str, object] = {}

    def walk(node) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            props = node.get("props", {})
            node_id = props.get("id")
            kind = node_id.get("type") if isinstance(node_id, dict) else None
            if kind == ids.CHART_FRAME and not frames:
                frames.append(node)
            elif kind == ids.CHART_FIGURE:
                figures.setdefault(node_id["chart"], props.get("data"))
            walk(props.get("children"))

    walk(content)
    for frame in frames:
        chart, graph = frame["props"]["id"]["chart"], frame["props"]["children"]
        if chart in figures and isinstance(graph, dict):
            graph["props"]["figure"] = figures[chart]
            frame["props"]["className"] = "chart-frame"
    return content


Build = Callable[[Filters, FilterChoices, Viewer], list]


def page_content(
    page: str, build: Build, filters: Filters, choices: FilterChoices, viewer: Viewer
) -> list:
    """A page's content for these filters, built once per data version and then served from
    the cache (shared by every worker through Redis). The key holds everything the content
    depends on: the page, the normalised filters, the data version, and what this viewer may
    see (export buttons, restricted areas)."""
    key = (
        f"page:{page}:{filters.query_string()}:{data_version()}:"
        f"{int(viewer.may('export'))}:{viewer.scope.key}"
    )
    try:
        hit = cache.get(key)
    except Exception:  # the cache being down never stops a page
        hit = None
    if hit is not None:
        return hit
    content = [printed_filters(filters), data_to(), *build(filters, choices, viewer)]
    # Stored as the JSON Dash sends, so a hit costs no rebuilding of figures or components.
    serialised = draw_first_chart(json.loads(json.dumps(content, cls=PlotlyJSONEncoder)))
    with contextlib.suppress(Exception):
        cache.set(key, serialised)
    return serialised


def register_page(app: Dash, page: str, build: Build, extra: tuple[str, ...] = ()) -> None:
    """Wire a page's filters to its content and to the address bar."""
    names = ("area", "to", "covid", *extra)

    def update(*values):
        viewer = request_viewer()  # captured here, at the edge, and passed down
        params = dict(zip(names, values, strict=True))
        filters, messages, choices = filters_from_params(params, viewer, page)
        if not choices.areas or month_range("force") is None:
            return [no_data_notice()], filters.query_string()
        warnings = [dbc.Alert(" ".join(messages), color="warning")] if messages else []
        content = page_content(page, build, filters, choices, viewer)
        return [*warnings, *content], filters.query_string()

    app.callback(
        Output(ids.content_id(page), "children"),
        Output({"type": ids.URL_SYNC, "page": page}, "data"),
        *[Input(ids.filter_id(page, name), "value") for name in names],
    )(update)
    # The choice goes into the address bar in the browser at once, whatever the server does;
    # the server's answer then writes the canonical form (URL_SYNC).
    app.clientside_callback(
        """
        function() {
            const names = NAMES;
            const values = Array.prototype.slice.call(arguments);
            const params = new URLSearchParams(window.location.search);
            names.forEach(function(name, i) {
                const value = values[i];
                if (value === null || value === undefined || value === "") {
                    params.delete(name);
                } else {
                    params.set(name, value);
                }
            });
            const search = "?" + params.toString();
            if (search !== window.location.search) {
                window.history.replaceState(window.history.state, "",
                    window.location.pathname + search);
            }
            return search;
        }
        """.replace("NAMES", json.dumps(list(names))),
        Output({"type": ids.URL_DRAFT, "page": page}, "data"),
        *[Input(ids.filter_id(page, name), "value") for name in names],
        prevent_initial_call=True,
    )

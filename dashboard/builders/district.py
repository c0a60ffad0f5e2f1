"""District view: a commander's KPIs, trend against LPA and force, rank, map and hot spots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.analysis.stats import pct_change, rolling_sum
from dashboard.builders import figures
from dashboard.builders.common import (
    INCIDENT_SOURCE,
    POLICE_UK_SOURCE,
    areas_for,
    covid_text,
    export_name,
    month_of,
    source_data_to,
)
from dashboard.builders.overview import attendance_card, incidents_card
from dashboard.core import formatting as fmt
from dashboard.core.periods import add_months, month_label, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import AreaScope, Viewer
from dashboard.loaders.boundaries import OS_NOTICE, lsoa_geojson
from dashboard.render.components import chart_block, data_table
from queries.areas import population, visible_areas
from queries.incidents import (
    district_comparison,
    lsoa_counts,
    lsoas_of,
    month_range,
    monthly_counts,
)

HOTSPOT_MONTHS = 3
MIN_BASE_FOR_PCT = 20


@dataclass(frozen=True)
class HotspotComparison:
    """What the hot spots' change is measured against, and what that comparison includes."""

    start: dt.date
    end: dt.date
    held: bool
    label: str
    description: str


def hotspot_comparison(start: dt.date, end: dt.date, first_held: dt.date) -> HotspotComparison:
    """The same months a year earlier when they are loaded (no seasonal effect), else the
    months just before, said to include the season's rise or fall."""
    year_ago = (add_months(start, -12), add_months(end, -12))
    if year_ago[0] >= first_held:
        return HotspotComparison(
            *year_ago, True, "Same months a year earlier", "the same months a year earlier"
        )
    prev_end = add_months(start, -1)
    prev_start = add_months(prev_end, -(HOTSPOT_MONTHS - 1))
    return HotspotComparison(
        prev_start,
        prev_end,
        prev_start >= first_held,
        f"Previous {HOTSPOT_MONTHS} months",
        f"the previous {HOTSPOT_MONTHS} months ({month_label(prev_start)} to "
        f"{month_label(prev_end)}; no year-earlier months are loaded, so the change includes "
        "the seasonal rise or fall)",
    )


def rank_block(force, area, end: dt.date, filters: Filters, scope: AreaScope):
    frame = district_comparison(force.id, end, filters.include_covid, scope)
    frame = frame[frame["months"] == 12].copy()
    frame["population"] = [population(int(a))[0] for a in frame["area_id"]]
    frame["rate"] = 1000 * frame["incidents"] / frame["population"]
    frame["rank"] = frame["rate"].rank(method="min").astype(int)
    mine = frame[frame["district"] == area.name].iloc[0]
    force_pop = population(force.id)[0]
    force_rate = 1000 * frame["incidents"].sum() / force_pop
    fig = figures.district_bars(
        frame,
        "rate",
        "incidents per 1,000",
        area.name,
        "ASB incidents per 1,000 population, by district",
        f"{period_label(end)} · {covid_text(filters)}",
        INCIDENT_SOURCE + "; population ONS 2011 Census",
        True,
        reference=force_rate,
        reference_label="force",
    )
    summary = (
        f"{area.name} had {mine['rate']:.1f} incidents per 1,000 people in the "
        f"{period_label(end)}, the {fmt.rank_words(int(mine['rank']), len(frame), 'rate')} "
        f"districts (force: {force_rate:.1f})."
    )
    table = data_table(
        pd.DataFrame(
            {
                "District": frame["district"],
                "Incidents": [fmt.count(int(v)) for v in frame["incidents"]],
                "Population (2011)": [fmt.count(int(v)) for v in frame["population"]],
                "Per 1,000": [f"{v:.1f}" for v in frame["rate"]],
                "Rank (1 = lowest)": frame["rank"].astype(str),
            }
        ),
        f"Districts by rate per 1,000, {period_label(end)}, {covid_text(filters)}.",
        numeric=["Incidents", "Population (2011)", "Per 1,000", "Rank (1 = lowest)"],
        row_header="District",
        illustrative=True,
    )
    return chart_block(
        "dst-rank",
        "Rank among the districts",
        fig,
        summary,
        table,
        f"Period: {period_label(end)} · Area: districts of {force.name} · "
        f"Source: {INCIDENT_SOURCE}; ONS 2011 Census",
        export_name("asb-rate-by-district", area, f"12m-to-{end:%Y-%m}"),
        True,
        data_to=source_data_to("force"),
    )


def trend_block(force, area, end: dt.date, filters: Filters, scope: AreaScope):
    # The LPA's own figures only for a viewer who may see the LPA: for a district-only viewer
    # they would give away the other districts' combined rate. The force is context for all.
    lpa = next(
        (a for a in visible_areas(scope) if a.kind == "lpa" and a.name == area.parent_name), None
    )
    series = {}
    for label, record in (
        (area.label, area),
        (lpa.label if lpa else None, lpa),
        (force.label, force),
    ):
        if record is None:
            continue
        monthly = monthly_counts(record.id, filters.include_covid)
        monthly = monthly[monthly["month"] <= end]
        totals = rolling_sum(list(monthly["month"]), list(monthly["incidents"]))
        pop = population(record.id)[0]
        series[label] = pd.DataFrame(
            {
                "month": monthly["month"],
                "rate": [1000 * t / pop if t is not None else None for t in totals],
            }
        )
    fig = figures.rate_trend(
        series,
        "Rolling 12-month ASB rate per 1,000",
        f"{' vs '.join(series)} · {covid_text(filters)}",
        INCIDENT_SOURCE + "; population ONS 2011 Census",
        True,
    )
    last = {name: frame["rate"].iloc[-1] for name, frame in series.items()}
    summary = (
        "In the "
        + period_label(end)
        + ": "
        + "; ".join(f"{name} {value:.1f} per 1,000" for name, value in last.items())
        + "."
    )
    months = series[area.label]["month"]
    table_frame = pd.DataFrame({"Month": [month_label(m) for m in months]})
    for name, frame in series.items():
        table_frame[name] = [f"{v:.1f}" if pd.notna(v) else "—" for v in frame["rate"]]
    table = data_table(
        table_frame,
        "Rolling 12-month incidents per 1,000 population.",
        numeric=list(series),
        row_header="Month",
        illustrative=True,
    )
    return chart_block(
        "dst-trend",
        "Trend against the LPA and the force",
        fig,
        summary,
        table,
        f"Period: rolling 12 months to {month_label(end)} · Area: {area.label} · "
        f"Source: {INCIDENT_SOURCE}; ONS 2011 Census",
        export_name("asb-rate-trend", area, f"to-{end:%Y-%m}"),
        True,
        data_to=source_data_to("force"),
    )


def map_block(area):
    span = month_range("police_uk")
    if span is None:
        return html.Section(
            [
                html.H2("Map and hot spots", className="h4 chart-title"),
                html.P("No police.uk records are loaded, so there is no map."),
            ],
            className="chart-block",
        )
    end = span[1]
    start = add_months(end, -(HOTSPOT_MONTHS - 1))
    comparison = hotspot_comparison(start, end, span[0])
    prev_start, prev_end = comparison.start, comparison.end
    counts = lsoa_counts(area.id, start, end, prev_start, prev_end)
    lsoas = lsoas_of(area.id).merge(counts, on=["lsoa_code", "lsoa_name"], how="left")
    lsoas[["incidents", "previous"]] = lsoas[["incidents", "previous"]].fillna(0).astype(int)
    period = f"{month_label(start)} to {month_label(end)}"
    fig = figures.lsoa_map(
        lsoa_geojson(lsoas["lsoa_code"]),
        lsoas,
        f"police.uk ASB records by LSOA, {area.label}",
        period,
        f"{POLICE_UK_SOURCE}. {OS_NOTICE}",
    )
    held = comparison.held
    top = lsoas.sort_values(["incidents", "lsoa_code"], ascending=[False, True]).head(10)
    pairs = list(zip(top["incidents"], top["previous"], strict=True))
    rows = pd.DataFrame(
        {
            "LSOA": [f"{n} ({c})" for n, c in zip(top["lsoa_name"], top["lsoa_code"], strict=True)],
            f"Records, {period}": [fmt.count(v) for v in top["incidents"]],
            comparison.label: [fmt.count(v) if held else "—" for v in top["previous"]],
            "Change (records)": [fmt.signed_count(int(a - b)) if held else "—" for a, b in pairs],
            # A percentage on a handful of records (13 to 34 is "+162%") says nothing.
            f"Change (%, where {MIN_BASE_FOR_PCT}+ records before)": [
                fmt.signed_pct(pct_change(a, b)) if held and b >= MIN_BASE_FOR_PCT else "—"
                for a, b in pairs
            ],
            f"Per 1,000 residents, {HOTSPOT_MONTHS} months": [
                f"{1000 * a / p:.1f}" if p else "—"
                for a, p in zip(top["incidents"], top["population"], strict=True)
            ],
        }
    )
    first = top.iloc[0]
    summary = (
        f"The busiest LSOA in {period} was {first['lsoa_name']} with "
        f"{fmt.count(int(first['incidents']))} police.uk ASB records; the ten busiest held "
        f"{top['incidents'].sum() / max(lsoas['incidents'].sum(), 1):.0%} of the district's "
        f"{fmt.count(int(lsoas['incidents'].sum()))} records."
    )
    table = data_table(
        rows,
        f"Top ten hot-spot LSOAs, {area.label}, {period}, with the change on "
        f"{comparison.description}. Source: {POLICE_UK_SOURCE}.",
        numeric=list(rows.columns[1:]),
        row_header="LSOA",
        illustrative=False,
    )
    return chart_block(
        "dst-map",
        "Map and hot spots",
        fig,
        summary,
        html.Div(),
        f"Period: {period} · Area: {area.label} · Source: {POLICE_UK_SOURCE}. {OS_NOTICE}.",
        export_name("asb-hotspots-map", area, f"{start:%Y-%m}-to-{end:%Y-%m}"),
        extra=[
            dbc.Alert(
                "police.uk records are a different count from the force's incident "
                "series (other extraction rules) and run only to "
                f"{month_label(span[1])}; locations are moved to an anonymous nearby "
                "point.",
                color="secondary",
                className="caveat",
            ),
            html.H3("Top hot spots", className="h5 mt-3"),
            table,
        ],
        data_to=source_data_to("police_uk"),
    )


def build(filters: Filters, _choices, viewer: Viewer) -> list:
    force, area = areas_for(filters)
    end = month_of(filters.to)
    cards = dbc.Row(
        [
            dbc.Col(incidents_card(area, end, filters, viewer.scope), md=6, className="mb-3"),
            dbc.Col(attendance_card(area, end, filters), md=6, className="mb-3"),
        ]
    )
    return [
        html.P(
            f"{area.label} ({area.parent_name} LPA), {period_label(end)}, {covid_text(filters)}.",
            className="page-context",
        ),
        cards,
        trend_block(force, area, end, filters, viewer.scope),
        rank_block(force, area, end, filters, viewer.scope),
        map_block(area),
    ]

"""Attendance page: incidents vs attended, the report's table, districts side by side, SPC."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import Dash, html

from callbacks.common import (
    INCIDENT_SOURCE,
    MODELLED_SOURCE,
    areas_for,
    covid_text,
    export_name,
    last_march_year,
    month_of,
    register_page,
    source_data_to,
)
from dashboard import figures, ids
from dashboard import formatting as fmt
from dashboard.auth.viewer import AreaScope, Viewer
from dashboard.components import chart_block, data_table
from dashboard.periods import month_label, period_label
from dashboard.stats import xmr
from dashboard.urlstate import Filters
from queries.incidents import annual_totals, district_comparison, monthly_counts, twelve_month_total
from queries.published import published_count

THRIVE = (
    "Attendance follows the nature of each call, assessed with THRIVE (threat, harm, risk, "
    "investigation, vulnerability, engagement), not the capacity to attend: a falling % is not "
    "by itself a failure."
)


def annual_block(area, filters: Filters, end: dt.date):
    annual = annual_totals(area.id, 3, filters.include_covid)
    annual = annual[annual["year"] <= last_march_year(end)].reset_index(drop=True)
    annual = annual.assign(
        pct=100 * annual["attended"] / annual["incidents"],
        period=[f"12m to Mar {y}" for y in annual["year"]],
    )
    # The report publishes the force's attended counts including Covid breaches only: any other
    # view of them is the modelled split, and says so.
    illustrative = area.kind != "force" or not filters.include_covid
    source = INCIDENT_SOURCE if not illustrative else MODELLED_SOURCE
    fig = figures.attendance_chart(
        annual,
        "ASB incidents and incidents attended",
        f"{area.label} · 12 months to March · {covid_text(filters)}",
        source,
        illustrative,
    )
    rows = []
    for r in annual.itertuples():
        published = (
            published_count("asb_attended", area.id, dt.date(r.year, 3, 1))
            if area.kind == "force" and filters.include_covid
            else None
        )
        rows.append(
            {
                "12 months to": f"March {r.year}",
                "Incidents": fmt.count(r.incidents),
                "Attended": fmt.count(r.attended),
                "% attended": fmt.pct(r.pct),
                "Published attended": "matches" if published == r.attended else "—",
            }
        )
    low, high = annual["pct"].min(), annual["pct"].max()
    summary = (
        f"Between {fmt.pct(low)} and {fmt.pct(high)} of incidents were attended in every "
        f"12 months to March from {annual['year'].min()} to {annual['year'].max()} "
        f"({area.label}, {covid_text(filters)})."
    )
    table = data_table(
        pd.DataFrame(rows),
        f"Incidents attended, {area.label}, {covid_text(filters)}. Source: {source}.",
        numeric=["Incidents", "Attended", "% attended"],
        row_header="12 months to",
        illustrative=illustrative,
    )
    return chart_block(
        "att-annual",
        "Incidents attended, 12 months to March",
        fig,
        summary,
        table,
        f"Period: 12 months to March · Area: {area.label} · Source: {source}",
        export_name("asb-attended", area, "12m-to-march"),
        illustrative,
        extra=[html.P(THRIVE, className="chart-notes")],
        data_to=source_data_to("force"),
    )


def district_block(force, area, end: dt.date, filters: Filters, scope: AreaScope):
    frame = district_comparison(force.id, end, filters.include_covid, scope)
    frame = frame[frame["months"] == 12].copy()
    frame["pct"] = 100 * frame["attended"] / frame["incidents"]
    force_total = twelve_month_total(force.id, end, filters.include_covid)
    highlight = area.name if area.kind == "district" else None
    fig = figures.district_bars(
        frame,
        "pct",
        "% attended",
        highlight,
        "% of ASB incidents attended, by district",
        f"{period_label(end)} · {covid_text(filters)}",
        INCIDENT_SOURCE,
        True,
        reference=force_total.pct_attended,
        reference_label="force",
    )
    top = frame.sort_values("pct").iloc[-1]
    bottom = frame.sort_values("pct").iloc[0]
    summary = (
        f"In the {period_label(end)}, attendance ranged from {fmt.pct(bottom['pct'])} in "
        f"{bottom['district']} to {fmt.pct(top['pct'])} in {top['district']}; the force "
        f"attended {fmt.pct(force_total.pct_attended)}."
    )
    table = data_table(
        pd.DataFrame(
            {
                "District": frame["district"],
                "Incidents": [fmt.count(int(v)) for v in frame["incidents"]],
                "Attended": [fmt.count(int(v)) for v in frame["attended"]],
                "% attended": [fmt.pct(v) for v in frame["pct"]],
            }
        ),
        f"Incidents attended by district, {period_label(end)}, {covid_text(filters)}.",
        numeric=["Incidents", "Attended", "% attended"],
        row_header="District",
        illustrative=True,
    )
    return chart_block(
        "att-districts",
        "% attended by district",
        fig,
        summary,
        table,
        f"Period: {period_label(end)} · Area: all districts of {force.name} · "
        f"Source: {INCIDENT_SOURCE}",
        export_name("asb-attended-by-district", force, f"12m-to-{end:%Y-%m}"),
        True,
        data_to=source_data_to("force"),
    )


def spc_block(area, end: dt.date, filters: Filters):
    frame = monthly_counts(area.id, filters.include_covid)
    frame = frame[frame["month"] <= end]
    months = list(frame["month"])
    values = list(100 * frame["attended"] / frame["incidents"])
    result = xmr(values, "neutral")
    fig = figures.spc_chart(
        months,
        result,
        "SPC (XmR) chart of monthly % attended",
        f"{area.label} · monthly to {month_label(end)} · {covid_text(filters)}",
        INCIDENT_SOURCE,
        True,
        "% attended",
        percent=True,
    )
    seg = result.segments[-1]
    n_signals = len({s.index for s in result.signals})
    summary = (
        f"Monthly % attended averages {seg.mean:.1f}% with process limits {seg.lower:.1f}% to "
        f"{seg.upper:.1f}%; {n_signals} month(s) show special-cause variation. Attendance has "
        "no better direction (it should follow need), so signals are marked but not judged."
    )
    table = data_table(
        pd.DataFrame(
            {
                "Month": [month_label(m) for m in months],
                "% attended": [f"{v:.1f}%" for v in values],
                "Signals": [
                    "; ".join(s.rule for s in result.signals_at(i)) or "—"
                    for i in range(len(values))
                ],
            }
        ),
        f"Monthly % attended, {area.label}.",
        numeric=["% attended"],
        row_header="Month",
        illustrative=True,
    )
    return chart_block(
        "att-spc",
        "Statistical process control of % attended",
        fig,
        summary,
        table,
        f"Period: monthly to {month_label(end)} · Area: {area.label} · Source: {INCIDENT_SOURCE}",
        export_name("asb-attended-spc", area, f"to-{end:%Y-%m}"),
        True,
        extra=[html.Ul([html.Li(w) for w in result.warnings], className="chart-notes")]
        if result.warnings
        else [],
        data_to=source_data_to("force"),
    )


def build(filters: Filters, _choices, viewer: Viewer) -> list:
    force, area = areas_for(filters)
    end = month_of(filters.to)
    return [
        html.P(
            f"{area.label}, {period_label(end)}, {covid_text(filters)}.", className="page-context"
        ),
        annual_block(area, filters, end),
        district_block(force, area, end, filters, viewer.scope),
        spc_block(area, end, filters),
    ]


def register(app: Dash) -> None:
    register_page(app, ids.ATTENDANCE, build)

"""Incidents page: trend, the report's annual table, category split, SPC and forecast."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.analysis.spc import seasonal_xmr, variation_icon
from dashboard.analysis.stats import pct_change, rolling_sum
from dashboard.builders import figures
from dashboard.builders.common import (
    INCIDENT_SOURCE,
    areas_for,
    covid_text,
    export_name,
    last_march_year,
    month_of,
    source_data_to,
)
from dashboard.core import formatting as fmt
from dashboard.core.periods import add_months, month_label, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.render.components import chart_block, data_table, illustrative_badge
from dashboard.render.verdict_badges import variation_badge
from queries.events import events
from dashboard.builders.forecasts import incident_forecast
from queries.incidents import annual_totals, monthly_by_category, monthly_counts
from queries.published import published_count

PERSONAL_CAVEAT = (
    "Personal ASB is known to be under-recorded: a force audit (Op Somerton) found incidents "
    "closed as nuisance that should have been personal, so read the split with care."
)


def _category_label(filters: Filters) -> str:
    category = filters.get("category")
    return "all categories" if category == "all" else f"{category} ASB only"


def monthly_series(area_id: int, filters: Filters, end: dt.date) -> pd.DataFrame:
    """Monthly incidents to `end`, for the chosen category, with the Covid-breach part."""
    frame = monthly_counts(area_id, True)
    category = filters.get("category")
    if category != "all":
        by_cat = monthly_by_category(area_id, True)
        by_cat_excl = monthly_by_category(area_id, False)
        incl = by_cat[by_cat["category"] == category].set_index("month")["incidents"]
        excl = by_cat_excl[by_cat_excl["category"] == category].set_index("month")["incidents"]
        frame = pd.DataFrame({"month": incl.index, "incidents": incl.to_numpy()})
        frame["covid_breaches"] = (
            frame["incidents"] - frame["month"].map(excl).fillna(0).to_numpy()
        ).astype(int)
    frame = frame[frame["month"] <= end].reset_index(drop=True)
    frame["excluding"] = frame["incidents"] - frame["covid_breaches"]
    frame["selected"] = frame["incidents"] if filters.include_covid else frame["excluding"]
    return frame


def trend_block(area, filters: Filters, end: dt.date, frame: pd.DataFrame, illustrative: bool):
    months = list(frame["month"])
    incl = rolling_sum(months, list(frame["incidents"]))
    excl = rolling_sum(months, list(frame["excluding"]))
    subtitle = f"{area.label} · monthly to {month_label(end)} · {_category_label(filters)}"
    fig = figures.incidents_trend(
        frame,
        incl,
        excl,
        events(),
        "ASB incidents: monthly and rolling 12 months",
        subtitle,
        INCIDENT_SOURCE,
        illustrative,
    )
    last_incl, last_excl = incl[-1], excl[-1]
    # The change is of the measure the reader chose: including or excluding Covid breaches.
    chosen = incl if filters.include_covid else excl
    prev = chosen[-13] if len(chosen) > 12 else None
    if last_incl is None:
        summary = "A month is missing in the last 12, so no rolling total is shown for it."
    else:
        change = pct_change(chosen[-1], prev) if prev else None
        summary = (
            f"In the 12 months to {month_label(end)}, {area.label} recorded "
            f"{fmt.count(int(last_incl))} incidents including Covid breaches and "
            f"{fmt.count(int(last_excl))} excluding them"
            + (
                f"; {covid_text(filters)}, {fmt.signed_pct(change)} on the previous 12 months."
                if change is not None
                else "."
            )
        )
    table = data_table(
        pd.DataFrame(
            {
                "Month": [month_label(m) for m in months],
                "Incidents": [fmt.count(int(v)) for v in frame["incidents"]],
                "Of which Covid breaches": [fmt.count(int(v)) for v in frame["covid_breaches"]],
                "Rolling 12 months incl. Covid": [
                    fmt.count(int(v)) if v is not None else "—" for v in incl
                ],
                "Rolling 12 months excl. Covid": [
                    fmt.count(int(v)) if v is not None else "—" for v in excl
                ],
            }
        ),
        f"Monthly ASB incidents, {area.label}, {_category_label(filters)}. A rolling total "
        "needs all 12 of its months; '—' marks one that does not have them.",
        numeric=[
            "Incidents",
            "Of which Covid breaches",
            "Rolling 12 months incl. Covid",
            "Rolling 12 months excl. Covid",
        ],
        row_header="Month",
        illustrative=illustrative,
    )
    event_list = html.Ul(
        [
            html.Li(f"{e.date:%d %B %Y}: {e.title}. {e.description}")
            for e in events()
            if e.date <= add_months(end, 1)
        ],
        className="event-list",
    )
    return chart_block(
        "inc-trend",
        "Monthly incidents and the rolling 12-month total",
        fig,
        summary,
        table,
        f"Period: monthly to {month_label(end)} · Area: {area.label} · Source: {INCIDENT_SOURCE}",
        export_name("asb-incidents-trend", area, f"to-{end:%Y-%m}"),
        illustrative,
        extra=[
            html.Details(
                [html.Summary("Events marked on the chart"), event_list], className="chart-table"
            )
        ],
        data_to=source_data_to("force"),
    )


def annual_block(area, filters: Filters, end: dt.date):
    """The report's table: 12 months to March, count, # difference, % difference."""
    annual = annual_totals(area.id, 3, filters.include_covid)
    annual = annual[annual["year"] <= last_march_year(end)].reset_index(drop=True)
    rows = []
    for i, r in annual.iterrows():
        prev = annual["incidents"].iloc[i - 1] if i else None
        end = dt.date(int(r["year"]), 3, 1)
        measure = "asb_incidents" if filters.include_covid else "asb_incidents_excl_covid"
        published = published_count(measure, area.id, end) if area.kind == "force" else None
        rows.append(
            {
                "12 months to": f"March {int(r['year'])}",
                "Incidents": fmt.count(int(r["incidents"])),
                "# difference": fmt.signed_count(int(r["incidents"] - prev)) if prev else "",
                "% difference": fmt.signed_pct(pct_change(r["incidents"], prev)) if prev else "",
                "Published figure": (
                    "matches"
                    if published == int(r["incidents"])
                    else fmt.count(published)
                    if published
                    else "—"
                ),
            }
        )
    illustrative = bool(annual["illustrative"].any()) and area.kind != "force"
    caption = (
        f"ASB incidents, 12 months to March, {area.label}, {covid_text(filters)}. "
        f"Source: {INCIDENT_SOURCE}."
    )
    return html.Section(
        [
            html.H2("Annual incidents (the report's table)", className="h4 chart-title"),
            html.Div([illustrative_badge()] if illustrative else [], className="kpi-badges"),
            data_table(
                pd.DataFrame(rows),
                caption,
                numeric=["Incidents", "# difference", "% difference"],
                row_header="12 months to",
                illustrative=illustrative,
            ),
        ],
        className="chart-block",
        id="inc-annual",
    )


def category_block(area, filters: Filters, end: dt.date):
    frame = monthly_by_category(area.id, filters.include_covid)
    frame = frame.assign(year=[m.year + (1 if m.month > 3 else 0) for m in frame["month"]])
    counts = frame.groupby(["year", "category"])["incidents"].sum().reset_index()
    months_per_year = frame.groupby("year")["month"].nunique()
    counts = counts[
        (counts["year"].map(months_per_year) == 12) & (counts["year"] <= last_march_year(end))
    ]
    counts = counts[counts["category"] != "unknown"]
    totals = counts.groupby("year")["incidents"].transform("sum")
    counts = counts.assign(
        share=100 * counts["incidents"] / totals, period=[f"12m to Mar {y}" for y in counts["year"]]
    )
    fig = figures.category_share(
        counts,
        "ASB by NSIR category",
        f"{area.label} · 12 months to March · {covid_text(filters)}",
        INCIDENT_SOURCE,
        True,
    )
    latest = counts[counts["year"] == counts["year"].max()].set_index("category")
    first = counts[counts["year"] == counts["year"].min()].set_index("category")
    summary = (
        f"Nuisance is the largest category: {latest.loc['nuisance', 'share']:.0f}% in the "
        f"12 months to March {int(counts['year'].max())} "
        f"(from {first.loc['nuisance', 'share']:.0f}% in {int(counts['year'].min())}); "
        "personal ASB went from "
        f"{first.loc['personal', 'share']:.1f}% to {latest.loc['personal', 'share']:.1f}%."
    )
    pivot = counts.pivot(index="period", columns="category", values=["incidents", "share"])
    table_frame = pd.DataFrame(
        {
            "12 months to": [p.replace("12m to Mar ", "March ") for p in pivot.index],
            **{
                f"{c.capitalize()} (%)": [f"{v:.1f}" for v in pivot[("share", c)]]
                for c in ("personal", "nuisance", "environmental")
            },
            **{
                f"{c.capitalize()} (count)": [fmt.count(int(v)) for v in pivot[("incidents", c)]]
                for c in ("personal", "nuisance", "environmental")
            },
        }
    )
    table = data_table(
        table_frame,
        f"ASB by category, {area.label}, {covid_text(filters)}.",
        numeric=list(table_frame.columns[1:]),
        row_header="12 months to",
        illustrative=True,
    )
    return chart_block(
        "inc-category",
        "Category split",
        fig,
        summary,
        table,
        f"Period: 12 months to March each year · Area: {area.label} · Source: {INCIDENT_SOURCE}. "
        + (
            "Force shares match the report to its rounding; counts are modelled."
            if area.kind == "force" and filters.include_covid
            else "Shares and counts are modelled: the report publishes the force's shares of "
            "all incidents (Covid breaches included) only."
        ),
        export_name("asb-category-split", area, "12m-to-march"),
        True,
        extra=[dbc.Alert(PERSONAL_CAVEAT, color="secondary", className="caveat")],
        data_to=source_data_to("force"),
    )


def spc_block(area, filters: Filters, frame: pd.DataFrame, illustrative: bool):
    months = list(frame["month"])
    values = list(frame["selected"])
    brk = filters.get("break")
    rebase = months.index(month_of(brk)) if brk != "none" and month_of(brk) in months else None
    base = filters.get("base")
    baseline = None
    if base != "auto" and month_of(base) in months:
        baseline = (0, months.index(month_of(base)) + 1)
    # Monthly ASB peaks every summer: XmR on the raw counts flagged most months (every summer
    # "concern", every winter "improvement"). The rules run on seasonally adjusted values.
    result = seasonal_xmr(values, months, "lower_is_better", baseline, rebase)
    subtitle = (
        f"{area.label} · monthly to {month_label(months[-1])} · {covid_text(filters)} · "
        f"{_category_label(filters)}"
    )
    fig = figures.spc_chart(
        months,
        result,
        "SPC (XmR on seasonally adjusted values) chart of monthly ASB incidents",
        subtitle,
        INCIDENT_SOURCE,
        illustrative,
        "Incidents per month",
    )
    icon = variation_icon(result)
    if result.note:
        summary = f"No SPC limits: {result.note}."
    else:
        summary = f"{result.summary().text}{_shift_note(result)} Latest month: {icon.text}"
    rows = []
    for i, m in enumerate(months):
        limits = result.limits[i]
        rows.append(
            {
                "Month": month_label(m),
                "Incidents": fmt.count(int(values[i])),
                "Centre": f"{limits.centre:,.0f}" if limits else "—",
                "Lower limit": f"{max(limits.lower, 0):,.0f}" if limits else "—",
                "Upper limit": f"{limits.upper:,.0f}" if limits else "—",
                "Verdict": result.verdicts[i].reason,
            }
        )
    table = data_table(
        pd.DataFrame(rows),
        "SPC values, limits (for each month's season) and the verdict by month.",
        numeric=["Incidents", "Centre", "Lower limit", "Upper limit"],
        row_header="Month",
        illustrative=illustrative,
    )
    notes = [
        f"Method: {result.method}. Each month's count is divided by its calendar month's "
        "seasonal factor; the Making Data Count rules (a point outside the limits; 2 of 3 beyond "
        "2 sigma; 7 in a row on one side of the centre; 7 rising or falling) run on those "
        "values, and the limits are multiplied back for the chart. Each month gets one verdict: "
        "where rules disagree, outside the limits outranks 2 of 3, which outranks a run, which "
        "outranks a trend. No limits from fewer than 12 months since a break.",
        "Baseline: "
        + (
            "all months before the break"
            if baseline is None
            else f"to {month_label(months[baseline[1] - 1])}"
        )
        + "; limits rebased at "
        + ("no break" if rebase is None else month_label(months[rebase]))
        + " (by default the first Covid lockdown, when breaches began to be recorded as ASB).",
        *result.warnings,
    ]
    return chart_block(
        "inc-spc",
        "Statistical process control",
        fig,
        summary,
        table,
        f"Period: monthly to {month_label(months[-1])} · Area: {area.label} · "
        f"Source: {INCIDENT_SOURCE}",
        export_name("asb-incidents-spc", area, f"to-{months[-1]:%Y-%m}"),
        illustrative,
        extra=[
            html.Div([variation_badge(icon)], className="verdicts"),
            html.Ul([html.Li(n) for n in notes], className="chart-notes"),
        ],
        data_to=source_data_to("force"),
    )


def _shift_note(result) -> str:
    """When most months are special cause, say what that means: the level itself moved over the
    years (the seasons are already taken out), not that most single months were odd."""
    judged = [v for v in result.verdicts if v.category != "no limits"]
    special = [v for v in judged if v.special]
    if not judged or len(special) * 2 <= len(judged):
        return ""
    return (
        f" Most months ({len(special)} of {len(judged)}) are special cause because the level "
        "itself moved over these years (the seasons are already taken out): the centre is an "
        "average of different levels, and runs of months sit above or below it. Move the "
        "baseline or the break to see the process since a change."
    )


def forecast_block(area, filters: Filters, frame: pd.DataFrame, illustrative: bool):
    months = list(frame["month"])
    end = months[-1]
    category = filters.get("category")
    fitted = {
        "including Covid breaches": (
            frame["incidents"],
            incident_forecast(area.id, end, True, category),
        ),
        "excluding Covid breaches": (
            frame["excluding"],
            incident_forecast(area.id, end, False, category),
        ),
    }
    # Only the years whose interval says something (a 2-year interval spans most of the range).
    forecasts = {
        name: (list(values), fc.informative() if fc is not None else None)
        for name, (values, fc) in fitted.items()
    }
    subtitle = f"{area.label} · actual to {month_label(months[-1])}, forecast 24 months"
    fig = figures.forecast_chart(
        frame,
        forecasts,
        "Forecast of monthly ASB incidents",
        subtitle,
        INCIDENT_SOURCE,
        illustrative,
    )
    rows, description = [], "too few months to fit a seasonal model (36 needed)"
    for name, (_values, fc) in forecasts.items():
        if fc is None:
            continue
        description = fc.description
        f = fc.frame
        for k in range(0, len(f) - 11, 12):
            block = f.iloc[k : k + 12]
            end = block["month"].iloc[-1]
            totals = fc.paths[k : k + 12, :].sum(axis=0)
            published = None
            if area.kind == "force" and end.month == 3:
                measure = (
                    "asb_incidents" if name.startswith("including") else "asb_incidents_excl_covid"
                )
                published = published_count(measure, area.id, end, kind="forecast")
            rows.append(
                {
                    "Series": name,
                    "12 months to": month_label(end),
                    "Forecast": fmt.count(round(block["mean"].sum())),
                    "80% interval": f"{fmt.count(int(pd.Series(totals).quantile(0.1)))} to "
                    f"{fmt.count(int(pd.Series(totals).quantile(0.9)))}",
                    "95% interval": f"{fmt.count(int(pd.Series(totals).quantile(0.025)))} to "
                    f"{fmt.count(int(pd.Series(totals).quantile(0.975)))}",
                    "Force's published forecast": fmt.count(published) if published else "—",
                }
            )
    table_frame = pd.DataFrame(rows)
    first = rows[0] if rows else None
    summary = (  # the model is described once, in the notes under the chart
        f"Next 12 months ({first['12 months to']}), {first['Series']}: about "
        f"{first['Forecast']} incidents (95% interval {first['95% interval']})."
        if first
        else f"No forecast: {description}."
    )
    notes = [
        f"{name[0].upper()}{name[1:]}: beyond {len(forecasts[name][1].frame)} months the 95% "
        "interval of a 12-month total is wider than the forecast itself, so no figure is given "
        "for later years."
        for name, (_, fc) in fitted.items()
        if fc is not None and len(forecasts[name][1].frame) < len(fc.frame)
    ]
    if any(r["Force's published forecast"] != "—" for r in rows):
        notes.append(
            "The force's own published forecast differs from this one: it is the force's "
            "planning figure, made with its own method (the report does not state it) on its "
            "own records, and its figure including Covid breaches assumes the 2020/21 level of "
            "breach calls goes on. This model extrapolates the monthly series (modelled here "
            "from the published totals) with a damped trend, so one exceptional year pulls it "
            "less. Neither is certain: in backtests this model's 95% interval held the next "
            "year's total only about half the time, so read it as the least uncertainty there "
            "is (see Methods)."
        )
    table = (
        data_table(
            table_frame,
            "Forecast 12-month totals with prediction intervals, and the "
            "force's own published forecast where it exists.",
            numeric=["Forecast", "Force's published forecast"],
            illustrative=illustrative,
        )
        if rows
        else html.P("No forecast: too few months.")
    )
    return chart_block(
        "inc-forecast",
        "Forecast, including and excluding Covid breaches",
        fig,
        summary,
        table,
        f"Period: forecast from {month_label(add_months(months[-1], 1))} · Area: {area.label} · "
        f"Source: {INCIDENT_SOURCE}; model as stated",
        export_name("asb-incidents-forecast", area, f"from-{months[-1]:%Y-%m}"),
        illustrative,
        extra=[
            html.P(f"Model: {description}.", className="chart-notes"),
            *[html.P(note, className="chart-notes") for note in notes],
        ],
        data_to=source_data_to("force"),
    )


def build(filters: Filters, _choices, _viewer: Viewer) -> list:
    _force, area = areas_for(filters)
    end = month_of(filters.to)
    frame = monthly_series(area.id, filters, end)
    illustrative = True  # monthly values are always the modelled split
    return [
        html.P(
            f"{area.label}, {period_label(end)}, {covid_text(filters)}, "
            f"{_category_label(filters)}.",
            className="page-context",
        ),
        trend_block(area, filters, end, frame, illustrative),
        annual_block(area, filters, end),
        category_block(area, filters, end),
        spc_block(area, filters, frame, illustrative),
        forecast_block(area, filters, frame, illustrative),
    ]

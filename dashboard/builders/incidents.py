"""Incidents page: trend, the report's annual table, category split, SPC and forecast."""

from __future__ import annotations

import datetime as dt

import pandas as pd

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
    page_for,
    source_data_to,
)
from dashboard.builders.forecasts import incident_forecast
from dashboard.builders.verdicts import variation_verdict
from dashboard.core import formatting as fmt
from dashboard.core import ids
from dashboard.core.periods import add_months, month_label, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.core.vocab import POLARITY
from dashboard.model import Badge, Chart, Column, Note, Page, Section, Table, VerdictRow
from queries.events import events
from queries.incidents import annual_totals, monthly_by_category, monthly_counts
from queries.published import published_count

PERSONAL_CAVEAT = (
    "Personal ASB is known to be under-recorded: a force audit (Op Somerton) found incidents "
    "closed as nuisance that should have been personal, so read the split with care."
)
CATEGORIES = ("personal", "nuisance", "environmental")


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
    """Monthly incidents with rolling 12-month totals including and excluding Covid breaches."""
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
    if last_incl is None or last_excl is None:
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
    table = Table(
        f"Monthly ASB incidents, {area.label}, {_category_label(filters)}. A rolling total "
        "needs all 12 of its months; '—' marks one that does not have them.",
        pd.DataFrame(
            {
                "Month": months,
                "Incidents": frame["incidents"],
                "Of which Covid breaches": frame["covid_breaches"],
                "Rolling 12 months incl. Covid": incl,
                "Rolling 12 months excl. Covid": excl,
            }
        ),
        (
            Column("Month", "month"),
            Column("Incidents", "count"),
            Column("Of which Covid breaches", "count"),
            Column("Rolling 12 months incl. Covid", "count"),
            Column("Rolling 12 months excl. Covid", "count"),
        ),
        row_header="Month",
        illustrative=illustrative,
    )
    # Numbered as the chart numbers its marks: the events from its first month to its last.
    shown = [e for e in events() if months and months[0] <= e.date < add_months(end, 1)]
    marked = tuple(
        f"{i}. {e.date:%d %B %Y}: {e.title}. {e.description}" for i, e in enumerate(shown, 1)
    )
    return Chart(
        id="inc-trend",
        title="Monthly incidents and the rolling 12-month total",
        figure=fig,
        summary=summary,
        table=table,
        period=f"monthly to {month_label(end)}",
        area=area.label,
        source=INCIDENT_SOURCE,
        filename=export_name("asb-incidents-trend", area, f"to-{end:%Y-%m}"),
        data_to=source_data_to("force"),
        illustrative=illustrative,
        notes=(Note("details", "Events marked on the chart", items=marked),),
    )


def annual_block(area, filters: Filters, end: dt.date) -> Section:
    """The report's table: 12 months to March, count, # difference, % difference, and whether
    the force's published figure matches."""
    annual = annual_totals(area.id, 3, filters.include_covid)
    annual = annual[annual["year"] <= last_march_year(end)].reset_index(drop=True)
    years = [int(y) for y in annual["year"]]
    counts = [int(n) for n in annual["incidents"]]
    with_previous = list(zip(counts, [None, *counts[:-1]], strict=True))
    measure = "asb_incidents" if filters.include_covid else "asb_incidents_excl_covid"
    published = [
        published_count(measure, area.id, dt.date(y, 3, 1)) if area.kind == "force" else None
        for y in years
    ]
    illustrative = bool(annual["illustrative"].any()) and area.kind != "force"
    table = Table(
        f"ASB incidents, 12 months to March, {area.label}, {covid_text(filters)}. "
        f"Source: {INCIDENT_SOURCE}.",
        pd.DataFrame(
            {
                "12 months to": [dt.date(y, 3, 1) for y in years],
                "Incidents": counts,
                "# difference": [n - p if p else None for n, p in with_previous],
                "% difference": [pct_change(n, p) if p else None for n, p in with_previous],
                # "matches" when the published figure is this one, else the published figure.
                "Published figure": [
                    "matches" if p == n else fmt.count(p) if p else None
                    for n, p in zip(counts, published, strict=True)
                ],
            }
        ),
        (
            Column("12 months to", "month"),
            Column("Incidents", "count"),
            Column("# difference", "signed_count", missing=""),
            Column("% difference", "signed_percent", missing=""),
            Column("Published figure"),
        ),
        row_header="12 months to",
        illustrative=illustrative,
    )
    badges = (VerdictRow((Badge("illustrative"),)),) if illustrative else ()
    return Section("Annual incidents (the report's table)", (*badges, table), id="inc-annual")


def category_block(area, filters: Filters, end: dt.date):
    """The NSIR category split of each complete 12 months to March: shares and modelled counts."""
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
    wide = counts.pivot(index="year", columns="category", values=["share", "incidents"])
    table = Table(
        f"ASB by category, {area.label}, {covid_text(filters)}.",
        pd.DataFrame(
            {
                "12 months to": [dt.date(int(y), 3, 1) for y in wide.index],
                **{f"{c.capitalize()} (%)": wide[("share", c)].to_list() for c in CATEGORIES},
                **{
                    f"{c.capitalize()} (count)": wide[("incidents", c)].to_list()
                    for c in CATEGORIES
                },
            }
        ),
        (
            Column("12 months to", "month"),
            *[Column(f"{c.capitalize()} (%)", "number", 1) for c in CATEGORIES],
            *[Column(f"{c.capitalize()} (count)", "count") for c in CATEGORIES],
        ),
        row_header="12 months to",
        illustrative=True,
    )
    basis = (
        "Force shares match the report to its rounding; counts are modelled."
        if area.kind == "force" and filters.include_covid
        else "Shares and counts are modelled: the report publishes the force's shares of "
        "all incidents (Covid breaches included) only."
    )
    return Chart(
        id="inc-category",
        title="Category split",
        figure=fig,
        summary=summary,
        table=table,
        period="12 months to March each year",
        area=area.label,
        source=f"{INCIDENT_SOURCE}. {basis}",
        filename=export_name("asb-category-split", area, "12m-to-march"),
        data_to=source_data_to("force"),
        illustrative=True,
        notes=(Note("caveat", PERSONAL_CAVEAT),),
    )


def spc_block(area, filters: Filters, frame: pd.DataFrame, illustrative: bool):
    """Monthly incidents on a seasonal XmR chart, with the break and baseline the reader chose."""
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
    result = seasonal_xmr(values, months, POLARITY["asb_incidents"], baseline, rebase)
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
    table = Table(
        "SPC values, limits (for each month's season) and the verdict by month.",
        pd.DataFrame(
            {
                "Month": months,
                "Incidents": values,
                "Centre": [lim.centre if lim else None for lim in result.limits],
                "Lower limit": [max(lim.lower, 0) if lim else None for lim in result.limits],
                "Upper limit": [lim.upper if lim else None for lim in result.limits],
                "Verdict": [v.reason for v in result.verdicts],
            }
        ),
        (
            Column("Month", "month"),
            Column("Incidents", "count"),
            Column("Centre", "number"),
            Column("Lower limit", "number"),
            Column("Upper limit", "number"),
            Column("Verdict"),
        ),
        row_header="Month",
        illustrative=illustrative,
    )
    notes = (
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
    )
    return Chart(
        id="inc-spc",
        title="Statistical process control",
        figure=fig,
        summary=summary,
        table=table,
        period=f"monthly to {month_label(months[-1])}",
        area=area.label,
        source=INCIDENT_SOURCE,
        filename=export_name("asb-incidents-spc", area, f"to-{months[-1]:%Y-%m}"),
        data_to=source_data_to("force"),
        illustrative=illustrative,
        notes=(VerdictRow((variation_verdict(icon),)), Note("notes", items=notes)),
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


FORECAST_COLUMNS = (
    Column("Series"),
    Column("12 months to", "month"),
    Column("Forecast", "count"),
    Column("80% interval"),  # "low to high": a range reads as one cell
    Column("95% interval"),
    Column("Force's published forecast", "count"),
)


def _interval(totals, low: float, high: float) -> str:
    quantiles = pd.Series(totals).quantile([low, high])
    return f"{fmt.count(int(quantiles[low]))} to {fmt.count(int(quantiles[high]))}"


def forecast_block(area, filters: Filters, frame: pd.DataFrame, illustrative: bool):
    """Forecast 12-month totals with and without Covid breaches, beside the force's own forecast."""
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
            year_end = f["month"].iloc[k + 11]
            totals = fc.paths[k : k + 12, :].sum(axis=0)
            published = None
            if area.kind == "force" and year_end.month == 3:
                measure = (
                    "asb_incidents" if name.startswith("including") else "asb_incidents_excl_covid"
                )
                published = published_count(measure, area.id, year_end, kind="forecast")
            rows.append(
                {
                    "Series": name,
                    "12 months to": year_end,
                    "Forecast": round(f["mean"].iloc[k : k + 12].sum()),
                    "80% interval": _interval(totals, 0.1, 0.9),
                    "95% interval": _interval(totals, 0.025, 0.975),
                    "Force's published forecast": published or None,
                }
            )
    first = rows[0] if rows else None
    summary = (  # the model is described once, in the notes under the chart
        f"Next 12 months ({month_label(first['12 months to'])}), {first['Series']}: about "
        f"{fmt.count(first['Forecast'])} incidents (95% interval {first['95% interval']})."
        if first
        else f"No forecast: {description}."
    )
    notes = []
    for name, (_, fc) in fitted.items():
        shown = forecasts[name][1]
        if fc is not None and shown is not None and len(shown.frame) < len(fc.frame):
            notes.append(
                f"{name[0].upper()}{name[1:]}: beyond {len(shown.frame)} months the 95% "
                "interval of a 12-month total is wider than the forecast itself, so no figure "
                "is given for later years."
            )
    if any(r["Force's published forecast"] is not None for r in rows):
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
    table = Table(
        "Forecast 12-month totals with prediction intervals, and the "
        "force's own published forecast where it exists.",
        pd.DataFrame(rows, columns=[c.name for c in FORECAST_COLUMNS]),
        FORECAST_COLUMNS,
        illustrative=illustrative,
        empty="No forecast: too few months.",
    )
    return Chart(
        id="inc-forecast",
        title="Forecast, including and excluding Covid breaches",
        figure=fig,
        summary=summary,
        table=table,
        period=f"forecast from {month_label(add_months(months[-1], 1))}",
        area=area.label,
        source=f"{INCIDENT_SOURCE}; model as stated",
        filename=export_name("asb-incidents-forecast", area, f"from-{months[-1]:%Y-%m}"),
        data_to=source_data_to("force"),
        illustrative=illustrative,
        notes=(
            Note("notes", f"Model: {description}."),
            *[Note("notes", note) for note in notes],
        ),
    )


def build(filters: Filters, _choices, _viewer: Viewer) -> Page:
    """The Incidents page for valid filters (every area's incidents may be seen here)."""
    _force, area = areas_for(filters)
    end = month_of(filters.to)
    frame = monthly_series(area.id, filters, end)
    illustrative = True  # monthly values are always the modelled split
    return page_for(
        ids.INCIDENTS,
        "Incidents",
        filters,
        [
            Note(
                "context",
                f"{area.label}, {period_label(end)}, {covid_text(filters)}, "
                f"{_category_label(filters)}.",
            ),
            trend_block(area, filters, end, frame, illustrative),
            annual_block(area, filters, end),
            category_block(area, filters, end),
            spc_block(area, filters, frame, illustrative),
            forecast_block(area, filters, frame, illustrative),
        ],
    )

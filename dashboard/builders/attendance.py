"""Attendance page: incidents vs attended, the report's table, districts side by side, SPC."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.analysis.spc import laney_p_prime
from dashboard.builders import figures
from dashboard.builders.common import (
    INCIDENT_SOURCE,
    MODELLED_SOURCE,
    SPC_BREAK,
    areas_for,
    covid_text,
    export_name,
    last_march_year,
    month_of,
    page_for,
    source_data_to,
)
from dashboard.core import formatting as fmt
from dashboard.core import ids
from dashboard.core.periods import month_label, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import AreaScope, Viewer
from dashboard.core.vocab import POLARITY
from dashboard.model import Chart, Column, Note, Page, Table
from queries.incidents import annual_totals, district_comparison, monthly_counts, twelve_month_total
from queries.published import published_count

THRIVE = (
    "Attendance follows the nature of each call, assessed with THRIVE (threat, harm, risk, "
    "investigation, vulnerability, engagement), not the capacity to attend: a falling % is not "
    "by itself a failure."
)


def annual_block(area, filters: Filters, end: dt.date):
    """Incidents and % attended each 12 months to March, checked against the report's counts."""
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
    published = [
        published_count("asb_attended", area.id, dt.date(r.year, 3, 1))
        if area.kind == "force" and filters.include_covid
        else None
        for r in annual.itertuples()
    ]
    low, high = annual["pct"].min(), annual["pct"].max()
    summary = (
        f"Between {fmt.pct(low)} and {fmt.pct(high)} of incidents were attended in every "
        f"12 months to March from {annual['year'].min()} to {annual['year'].max()} "
        f"({area.label}, {covid_text(filters)})."
    )
    table = Table(
        f"Incidents attended, {area.label}, {covid_text(filters)}. Source: {source}.",
        pd.DataFrame(
            {
                "12 months to": [dt.date(y, 3, 1) for y in annual["year"]],
                "Incidents": annual["incidents"],
                "Attended": annual["attended"],
                "% attended": annual["pct"],
                "Published attended": [
                    "matches" if p == r.attended else None
                    for p, r in zip(published, annual.itertuples(), strict=True)
                ],
            }
        ),
        (
            Column("12 months to", "month"),
            Column("Incidents", "count"),
            Column("Attended", "count"),
            Column("% attended", "percent"),
            Column("Published attended"),
        ),
        row_header="12 months to",
        illustrative=illustrative,
    )
    return Chart(
        id="att-annual",
        title="Incidents attended, 12 months to March",
        figure=fig,
        summary=summary,
        table=table,
        period="12 months to March",
        area=area.label,
        source=source,
        filename=export_name("asb-attended", area, "12m-to-march"),
        data_to=source_data_to("force"),
        illustrative=illustrative,
        notes=(Note("notes", THRIVE),),
    )


def district_block(force, area, end: dt.date, filters: Filters, scope: AreaScope):
    """% attended in each district the viewer may see, over the period, against the force's."""
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
    table = Table(
        f"Incidents attended by district, {period_label(end)}, {covid_text(filters)}.",
        pd.DataFrame(
            {
                "District": frame["district"],
                "Incidents": frame["incidents"],
                "Attended": frame["attended"],
                "% attended": frame["pct"],
            }
        ),
        (
            Column("District"),
            Column("Incidents", "count"),
            Column("Attended", "count"),
            Column("% attended", "percent"),
        ),
        row_header="District",
        illustrative=True,
    )
    return Chart(
        id="att-districts",
        title="% attended by district",
        figure=fig,
        summary=summary,
        table=table,
        period=period_label(end),
        area=f"all districts of {force.name}",
        source=INCIDENT_SOURCE,
        filename=export_name("asb-attended-by-district", force, f"12m-to-{end:%Y-%m}"),
        data_to=source_data_to("force"),
        illustrative=True,
    )


def spc_block(area, end: dt.date, filters: Filters):
    """Monthly % attended on a Laney p′ chart: limits as wide as the spread the data really show."""
    frame = monthly_counts(area.id, filters.include_covid)
    frame = frame[frame["month"] <= end]
    months = list(frame["month"])
    rebase = months.index(SPC_BREAK) if SPC_BREAK in months[1:] else None
    # A p′ chart: with about 4,000 incidents a month, XmR limits on the % would sit within
    # binomial noise and flag nearly every month; p′ scales the binomial limits by the spread
    # the data really show (Laney 2002), and never narrower than binomial noise itself.
    result = laney_p_prime(
        list(frame["attended"]),
        list(frame["incidents"]),
        POLARITY["pct_attended"],
        rebase_at=rebase,
    )
    fig = figures.spc_chart(
        months,
        result,
        "SPC (Laney p′) chart of monthly % attended",
        f"{area.label} · monthly to {month_label(end)} · {covid_text(filters)} · {result.method}",
        MODELLED_SOURCE,
        True,
        "% attended",
        percent=True,
    )
    latest = result.limits[-1]
    summary = (
        (
            f"Latest month {100 * result.values[-1]:.1f}% attended, within process limits "
            f"{100 * latest.lower:.1f}% to {100 * latest.upper:.1f}% that month"
            if latest is not None
            else f"Latest month {100 * result.values[-1]:.1f}% attended (no limits)"
        )
        + f". {result.summary().text} Attendance has no better direction (it should follow "
        "need), so special causes are marked but not judged."
    )
    table = Table(
        f"Monthly % attended with p′ limits, {area.label}.",
        pd.DataFrame(
            {
                "Month": months,
                "Incidents": list(frame["incidents"]),
                "% attended": [100 * v for v in result.values],
                "Lower limit": [_pct(lim, "lower") for lim in result.limits],
                "Upper limit": [_pct(lim, "upper") for lim in result.limits],
                "Verdict": [v.reason for v in result.verdicts],
            }
        ),
        (
            Column("Month", "month"),
            Column("Incidents", "count"),
            Column("% attended", "percent", 1),
            Column("Lower limit", "percent", 1),
            Column("Upper limit", "percent", 1),
            Column("Verdict"),
        ),
        row_header="Month",
        illustrative=True,
    )
    notes = [
        f"Method: {result.method}. Rules as for every SPC chart here (Making Data Count): a "
        "point outside the limits; 2 of 3 beyond 2 sigma; 7 in a row on one side of the centre; "
        "7 rising or falling. Each month gets one verdict.",
        "Limits rebased at "
        + (month_label(months[rebase]) if rebase is not None else "no break")
        + " (the first Covid lockdown, when breach calls began).",
        *result.warnings,
    ]
    return Chart(
        id="att-spc",
        title="Statistical process control of % attended",
        figure=fig,
        summary=summary,
        table=table,
        period=f"monthly to {month_label(end)}",
        area=area.label,
        source=MODELLED_SOURCE,
        filename=export_name("asb-attended-spc", area, f"to-{end:%Y-%m}"),
        data_to=source_data_to("force"),
        illustrative=True,
        notes=(Note("notes", items=tuple(notes)),),
    )


def _pct(limits, attr: str) -> float | None:
    return None if limits is None else 100 * getattr(limits, attr)


def build(filters: Filters, _choices, viewer: Viewer) -> Page:
    """The Attendance page for valid filters, as `viewer` may see it."""
    force, area = areas_for(filters)
    end = month_of(filters.to)
    return page_for(
        ids.ATTENDANCE,
        "Attendance",
        filters,
        [
            Note("context", f"{area.label}, {period_label(end)}, {covid_text(filters)}."),
            annual_block(area, filters, end),
            district_block(force, area, end, filters, viewer.scope),
            spc_block(area, end, filters),
        ],
    )

"""Overview callbacks: check the filters, ask queries/, build the KPI cards and district table."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.analysis.comparison import quasi_poisson_change_test, wilson_interval
from dashboard.analysis.spc import AssuranceIcon, assurance_icon, variation_icon, xmr
from dashboard.analysis.stats import pct_change
from dashboard.builders.common import (
    INCIDENT_SOURCE,
    MODELLED_SOURCE,
    areas_for,
    attendance_spc,
    covid_text,
    incidents_spc,
    month_of,
)
from dashboard.core import formatting as fmt
from dashboard.core.periods import add_months, month_end, month_label, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import AreaScope, Viewer
from dashboard.loaders.published import CONFIDENCE
from dashboard.render.components import illustrative_badge, kpi_card, published_badge
from dashboard.render.verdict_badges import assurance_badge, change_text, variation_badge
from queries.areas import AreaRecord, filter_areas, population
from queries.incidents import PeriodTotal, district_comparison, monthly_counts, twelve_month_total
from queries.msg import msg_history, msg_periods, msg_table
from queries.published import published_count
from queries.surveys import results
from queries.targets import targets

DEFAULT_BASELINE_END = dt.date(2016, 3, 1)


def _reconciles(area: AreaRecord, end: dt.date, filters: Filters, measure: str, value) -> bool:
    """True when the report printed this exact figure for this area and period."""
    if area.kind != "force" or value is None:
        return False
    if measure == "asb_incidents" and not filters.include_covid:
        measure = "asb_incidents_excl_covid"
    elif not filters.include_covid:
        return False
    return published_count(measure, area.id, end) == value


def _provenance_badges(area, end, filters, measure, value, illustrative) -> list:
    if _reconciles(area, end, filters, measure, value):
        return [published_badge()]
    return [illustrative_badge()] if illustrative else []


def _missing_text(total: PeriodTotal) -> str:
    return (
        f"No total: only {total.months_present} of the 12 months are held for this period, "
        "and a partial total would mislead."
    )


def incidents_card(area: AreaRecord, end: dt.date, filters: Filters, scope: AreaScope) -> dbc.Card:
    total = twelve_month_total(area.id, end, filters.include_covid)
    previous = twelve_month_total(area.id, add_months(end, -12), filters.include_covid)
    # This area's own target, else the force's plan baseline for the comparison line.
    plans = targets(scope, "asb_incidents")
    own = next((t for t in plans if t.area == area.name), None)
    plan = own or next((t for t in plans if t.area == filter_areas()[0].name), None)
    baseline_end = (
        dt.date(plan.baseline_period_end.year, plan.baseline_period_end.month, 1)
        if plan
        else DEFAULT_BASELINE_END
    )
    baseline = twelve_month_total(area.id, baseline_end, filters.include_covid)
    lines: list[object] = []
    if not total.complete:
        lines.append(_missing_text(total))
    else:
        if previous.complete:
            months = monthly_counts(area.id, filters.include_covid)
            last_24 = months[months["month"] <= end]["incidents"].tail(24)
            test = quasi_poisson_change_test(
                list(last_24), modelled=total.illustrative or previous.illustrative
            )
            change = pct_change(total.incidents, previous.incidents)
            lines.append(
                change_text(
                    f"{fmt.signed_pct(change)} on the previous 12 months "
                    f"({fmt.count(previous.incidents)}): {test.wording}",
                    change,
                    "lower_is_better",
                )
            )
        else:
            lines.append("No comparison: the previous 12 months are not all held.")
        if baseline.complete and baseline_end != end:
            change = pct_change(total.incidents, baseline.incidents)
            lines.append(
                change_text(
                    f"{fmt.signed_pct(change)} on the plan baseline, "
                    f"{period_label(baseline_end)} ({fmt.count(baseline.incidents)})",
                    change,
                    "lower_is_better",
                )
            )
    published = _reconciles(area, end, filters, "asb_incidents", total.incidents)
    result = incidents_spc(area, end, filters.include_covid)
    monthly_target = own.target_value / 12 if own else None
    return kpi_card(
        "ASB incidents",
        fmt.count(total.incidents),
        lines,
        f"{period_label(end)}, {covid_text(filters)}",
        area.label,
        INCIDENT_SOURCE if published or not total.illustrative else MODELLED_SOURCE,
        _provenance_badges(
            area, end, filters, "asb_incidents", total.incidents, total.illustrative
        ),
        testid="kpi-incidents",
        verdicts=[
            variation_badge(variation_icon(result)),
            assurance_badge(
                assurance_icon(
                    result.segments[-1] if result.segments else None,
                    monthly_target,
                    own.direction if own else "decrease",
                )
            ),
        ],
    )


def attendance_card(area: AreaRecord, end: dt.date, filters: Filters) -> dbc.Card:
    total = twelve_month_total(area.id, end, filters.include_covid)
    previous = twelve_month_total(area.id, add_months(end, -12), filters.include_covid)
    lines: list[object] = []
    if total.pct_attended is None:
        lines.append(_missing_text(total))
    else:
        lines.append(
            f"{fmt.count(total.attended)} of {fmt.count(total.incidents)} incidents attended "
            f"({fmt.pct(total.pct_attended, 1)})"
        )
        if previous.pct_attended is not None:
            points = total.pct_attended - previous.pct_attended
            lines.append(
                change_text(
                    f"{points:+.1f} points on the previous 12 months "
                    f"({fmt.pct(previous.pct_attended)})".replace("-", "−"),
                    round(points, 1),
                    "neutral",  # attendance follows THRIVE risk assessment, not a target
                )
            )
        lines.append("Attendance follows THRIVE risk assessment of each call, not capacity.")
    attended = attendance_spc(area, end, filters.include_covid)
    return kpi_card(
        "Incidents attended",
        fmt.pct(total.pct_attended),
        lines,
        f"{period_label(end)}, {covid_text(filters)}",
        area.label,
        INCIDENT_SOURCE,
        _provenance_badges(area, end, filters, "asb_attended", total.attended, total.illustrative),
        testid="kpi-attended",
        verdicts=[
            variation_badge(variation_icon(attended)),
            assurance_badge(assurance_icon(attended.segments[-1], None, "increase")),
        ],
    )


def confidence_card(area: AreaRecord, force: AreaRecord, end: dt.date) -> dbc.Card:
    own = results(CONFIDENCE, "Q8a", area.id)
    series = own or results(CONFIDENCE, "Q8a", force.id)
    shown_for = area if own else force
    available = [r for r in series if r.period_end <= month_end(end)]
    if not available:
        return kpi_card(
            "Confidence: dealing with ASB",
            "—",
            [f"No survey result on or before {month_label(end)}."],
            "—",
            shown_for.label,
            CONFIDENCE,
            testid="kpi-confidence",
        )
    latest = available[-1]
    months = (latest.period_end.year - latest.period_start.year) * 12 + (
        latest.period_end.month - latest.period_start.month + 1
    )
    lines: list[object] = [latest.question.replace("Q8a ", "Q8a: “") + "” (% agree)"]
    if len(available) > 1:
        before = available[-2]
        lines.append(
            change_text(
                f"{latest.pct - before.pct:+.0f} points on the previous result "
                f"({fmt.pct(before.pct)}, to {month_label(before.period_end)})".replace("-", "−"),
                round(latest.pct - before.pct),
                "higher_is_better",  # the plan's KPI: more confidence is better
            )
        )
    if latest.base_n:
        low, high = wilson_interval(latest.pct, latest.base_n)
        lines.append(
            f"95% confidence interval {low:.1f}–{high:.1f}% (Wilson, n = {latest.base_n:,})"
        )
    else:
        lines.append("No sample size published, so no confidence interval can be shown.")
    if shown_for is not area:
        lines.append(f"Force-wide result: no survey results are loaded for {area.label}.")
    return kpi_card(
        "Confidence: dealing with ASB",
        f"{fmt.pct(latest.pct)} agree",
        lines,
        f"{months} months to {month_label(latest.period_end)} (latest on or before "
        f"{month_label(end)})",
        shown_for.label,
        latest.source,
        testid="kpi-confidence",
        verdicts=_series_verdicts([r.pct for r in available], "higher_is_better", "survey results"),
    )


def _series_verdicts(values: list[float], polarity: str, what: str) -> list:
    """Variation and assurance icons for a short series (survey results, annual ranks): with
    fewer than 12 points they say so rather than draw limits from too little."""
    result = xmr(values, polarity)
    icon = variation_icon(result)
    reason = f"{len(values)} {what}, and limits need 12" if len(values) < 12 else None
    return [
        variation_badge(icon),
        assurance_badge(
            assurance_icon(result.segments[-1] if result.segments else None, None, "increase")
        )
        if reason is None
        else assurance_badge(AssuranceIcon("none", "No assurance icon", f"No icon: {reason}.")),
    ]


def msg_card(area: AreaRecord, force: AreaRecord, end: dt.date) -> dbc.Card:
    periods = [p for p in msg_periods("asb_incidents") if p <= month_end(end)]
    title = "Most Similar Group position"
    if not periods:
        return kpi_card(
            title,
            "—",
            ["No MSG data on or before this period."],
            "—",
            force.label,
            "—",
            testid="kpi-msg",
        )
    period_end = periods[-1]
    table = msg_table("asb_incidents", period_end)
    mine = table[table["force_id"] == force.id]
    if mine.empty:
        return kpi_card(
            title,
            "—",
            [f"{force.name} is not in the MSG data."],
            "—",
            force.label,
            "—",
            testid="kpi-msg",
        )
    row = mine.iloc[0]
    weighted = 1000.0 * table["value"].sum() / table["population"].sum()
    simple = table["rate"].mean()
    year = row["population_year"]
    population_note = f"{int(year)} population" if pd.notna(year) else "population year not stated"
    lines: list[object] = [
        f"{row['rate']:.1f} ASB incidents per 1,000 population ({population_note}); "
        "1 = lowest rate",
        f"MSG average {weighted:.1f} per 1,000 (weighted: all incidents ÷ all population); "
        f"simple mean of rates {simple:.1f}",
    ]
    end_month = dt.date(period_end.year, period_end.month, 1)
    published_rank = published_count("msg_rank_asb_rate", force.id, end_month)
    badges: list[object] = []
    if published_rank is not None and published_rank == int(row["rank"]):
        badges.append(published_badge("Rank matches the published report"))
    if (table["source"] == "illustrative").any():
        badges.append(illustrative_badge())
        lines.append("Peer forces' figures are illustrative (named Peer force A to G).")
    if area.kind != "force":
        lines.append("MSG comparisons are made between forces, so this is the force's position.")
    return kpi_card(
        title,
        f"{fmt.ordinal(int(row['rank']))} of {int(row['of'])}",
        lines,
        f"{period_label(end_month)} (latest on or before {month_label(end)})",
        force.label,
        "Essex Police incident totals as published; peer forces illustrative; population ONS "
        "2011 Census",
        badges,
        testid="kpi-msg",
        verdicts=_series_verdicts(
            list(msg_rates(force.id, period_end)), "lower_is_better", "yearly rates"
        ),
    )


def msg_rates(force_id: int, period_end) -> list[float]:
    """The force's MSG rate per 1,000 in each year to `period_end`."""
    history = msg_history("asb_incidents")
    mine = history[(history["force_id"] == force_id) & (history["period_end"] <= period_end)]
    return [float(v) for v in mine["rate"]]


def district_table(
    force: AreaRecord, selected: AreaRecord, end: dt.date, filters: Filters, scope: AreaScope
):
    frame = district_comparison(force.id, end, filters.include_covid, scope)
    if frame.empty:
        return html.P("No district figures are held for this period.")
    header = html.Thead(
        html.Tr(
            [
                html.Th("District", scope="col"),
                html.Th("ASB incidents", scope="col", className="text-end"),
                html.Th("Change on previous 12 months", scope="col", className="text-end"),
                html.Th("% attended", scope="col", className="text-end"),
                html.Th("Per 1,000 population", scope="col", className="text-end"),
            ]
        )
    )
    body = []
    pop_year = None
    for r in frame.itertuples():
        complete = r.months == 12
        pop = population(int(r.area_id))
        if pop:
            pop_year = pop[1]
        change = (
            fmt.signed_pct(pct_change(r.incidents, r.previous))
            if complete and r.previous_months == 12
            else "—"
        )
        body.append(
            html.Tr(
                [
                    html.Th(r.district, scope="row"),
                    html.Td(fmt.count(int(r.incidents)) if complete else "—", className="text-end"),
                    html.Td(change, className="text-end"),
                    html.Td(
                        fmt.pct(100 * r.attended / r.incidents)
                        if complete and r.incidents
                        else "—",
                        className="text-end",
                    ),
                    html.Td(
                        f"{1000 * r.incidents / pop[0]:.1f}" if complete and pop else "—",
                        className="text-end",
                    ),
                ],
                className="table-active" if selected.name == r.district else None,
                **({"aria-current": "true"} if selected.name == r.district else {}),
            )
        )
    caption = (
        f"ASB incidents by policing district, {period_label(end)}, {covid_text(filters)}. "
        f"Source: {INCIDENT_SOURCE}. District split illustrative. Rates use the "
        f"{pop_year or '—'} Census population."
    )
    return html.Div(
        [
            illustrative_badge() if frame["illustrative"].any() else None,
            dbc.Table(
                [html.Caption(caption), header, html.Tbody(body)],
                bordered=False,
                hover=True,
                responsive=True,
                className="district-table mt-2",
            ),
        ]
    )


def build(filters: Filters, _choices, viewer: Viewer) -> list:
    """The Overview for valid filters: KPI cards, then the districts compared."""
    force, area = areas_for(filters)
    end = month_of(filters.to)
    cards = dbc.Row(
        [
            dbc.Col(card, lg=3, md=6, className="mb-3")
            for card in (
                incidents_card(area, end, filters, viewer.scope),
                attendance_card(area, end, filters),
                confidence_card(area, force, end),
                msg_card(area, force, end),
            )
        ]
    )
    return [
        cards,
        html.Section(
            [
                html.H2("Districts compared", className="h4 mt-4"),
                district_table(force, area, end, filters, viewer.scope),
            ],
            **{"aria-label": "Districts compared"},
        ),
    ]

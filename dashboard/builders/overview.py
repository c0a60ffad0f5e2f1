"""Overview: the four headline cards, then the districts compared."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.analysis.comparison import quasi_poisson_change_test, wilson_interval
from dashboard.analysis.spc import AssuranceIcon, Polarity, assurance_icon, variation_icon, xmr
from dashboard.analysis.stats import pct_change, simple_average, weighted_average_rate
from dashboard.builders.common import (
    INCIDENT_SOURCE,
    MODELLED_SOURCE,
    areas_for,
    attendance_spc,
    covid_text,
    incidents_spc,
    month_of,
    page_for,
)
from dashboard.builders.verdicts import assurance_verdict, variation_verdict
from dashboard.core import formatting as fmt
from dashboard.core import ids
from dashboard.core.periods import add_months, month_end, month_label, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import AreaScope, Viewer
from dashboard.core.vocab import POLARITY
from dashboard.loaders.published import CONFIDENCE
from dashboard.model import (
    Badge,
    Card,
    CardRow,
    Change,
    Column,
    Note,
    Page,
    Section,
    Table,
    Verdict,
)
from dashboard.model.page import Inline
from queries.areas import AreaRecord, district_populations, filter_areas
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


def _provenance_badges(area, end, filters, measure, value, illustrative) -> tuple[Badge, ...]:
    if _reconciles(area, end, filters, measure, value):
        return (Badge("published"),)
    return (Badge("illustrative"),) if illustrative else ()


def _missing_text(total: PeriodTotal) -> str:
    return (
        f"No total: only {total.months_present} of the 12 months are held for this period, "
        "and a partial total would mislead."
    )


def incidents_card(area: AreaRecord, end: dt.date, filters: Filters, scope: AreaScope) -> Card:
    """The 12-month incident total, its change on the year and on the plan baseline, SPC icons."""
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
    lines: list[Inline] = []
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
                Change(
                    f"{fmt.signed_pct(change)} on the previous 12 months "
                    f"({fmt.count(previous.incidents)}): {test.wording}",
                    change,
                    POLARITY["asb_incidents"],
                )
            )
        else:
            lines.append("No comparison: the previous 12 months are not all held.")
        if baseline.complete and baseline_end != end:
            change = pct_change(total.incidents, baseline.incidents)
            lines.append(
                Change(
                    f"{fmt.signed_pct(change)} on the plan baseline, "
                    f"{period_label(baseline_end)} ({fmt.count(baseline.incidents)})",
                    change,
                    POLARITY["asb_incidents"],
                )
            )
    published = _reconciles(area, end, filters, "asb_incidents", total.incidents)
    result = incidents_spc(area, end, filters.include_covid)
    monthly_target = own.target_value / 12 if own else None
    return Card(
        "ASB incidents",
        fmt.count(total.incidents),
        tuple(lines),
        f"{period_label(end)}, {covid_text(filters)}",
        area.label,
        INCIDENT_SOURCE if published or not total.illustrative else MODELLED_SOURCE,
        _provenance_badges(
            area, end, filters, "asb_incidents", total.incidents, total.illustrative
        ),
        verdicts=(
            variation_verdict(variation_icon(result)),
            assurance_verdict(
                assurance_icon(
                    result.segments[-1] if result.segments else None,
                    monthly_target,
                    own.direction if own else "decrease",
                )
            ),
        ),
        testid="kpi-incidents",
    )


def attendance_card(area: AreaRecord, end: dt.date, filters: Filters) -> Card:
    """The 12-month % attended and its change in points, judged neither good nor bad (THRIVE)."""
    total = twelve_month_total(area.id, end, filters.include_covid)
    previous = twelve_month_total(area.id, add_months(end, -12), filters.include_covid)
    lines: list[Inline] = []
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
                Change(
                    f"{points:+.1f} points on the previous 12 months "
                    f"({fmt.pct(previous.pct_attended)})".replace("-", "−"),
                    round(points, 1),
                    POLARITY["pct_attended"],  # attendance follows THRIVE, not a target
                )
            )
        lines.append("Attendance follows THRIVE risk assessment of each call, not capacity.")
    attended = attendance_spc(area, end, filters.include_covid)
    return Card(
        "Incidents attended",
        fmt.pct(total.pct_attended),
        tuple(lines),
        f"{period_label(end)}, {covid_text(filters)}",
        area.label,
        INCIDENT_SOURCE,
        _provenance_badges(area, end, filters, "asb_attended", total.attended, total.illustrative),
        verdicts=(
            variation_verdict(variation_icon(attended)),
            assurance_verdict(assurance_icon(attended.segments[-1], None, "increase")),
        ),
        testid="kpi-attended",
    )


def confidence_card(area: AreaRecord, force: AreaRecord, end: dt.date) -> Card:
    """The latest Q8a result to the period with its interval; the force's when the area has none."""
    own = results(CONFIDENCE, "Q8a", area.id)
    series = own or results(CONFIDENCE, "Q8a", force.id)
    shown_for = area if own else force
    available = [r for r in series if r.period_end <= month_end(end)]
    if not available:
        return Card(
            "Confidence: dealing with ASB",
            "—",
            (f"No survey result on or before {month_label(end)}.",),
            "—",
            shown_for.label,
            CONFIDENCE,
            testid="kpi-confidence",
        )
    latest = available[-1]
    months = (latest.period_end.year - latest.period_start.year) * 12 + (
        latest.period_end.month - latest.period_start.month + 1
    )
    lines: list[Inline] = [latest.question.replace("Q8a ", "Q8a: “") + "” (% agree)"]
    if len(available) > 1:
        before = available[-2]
        lines.append(
            Change(
                f"{latest.pct - before.pct:+.0f} points on the previous result "
                f"({fmt.pct(before.pct)}, to {month_label(before.period_end)})".replace("-", "−"),
                round(latest.pct - before.pct),
                POLARITY["confidence_dealing_with_asb"],  # the plan's KPI
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
    return Card(
        "Confidence: dealing with ASB",
        f"{fmt.pct(latest.pct)} agree",
        tuple(lines),
        f"{months} months to {month_label(latest.period_end)} (latest on or before "
        f"{month_label(end)})",
        shown_for.label,
        latest.source,
        verdicts=_series_verdicts(
            [r.pct for r in available], POLARITY["confidence_dealing_with_asb"], "survey results"
        ),
        testid="kpi-confidence",
        context=shown_for is not area,
    )


def _series_verdicts(values: list[float], polarity: Polarity, what: str) -> tuple[Verdict, ...]:
    """Variation and assurance icons for a short series (survey results, annual ranks): with
    fewer than 12 points they say so rather than draw limits from too little."""
    result = xmr(values, polarity)
    icon = variation_icon(result)
    reason = f"{len(values)} {what}, and limits need 12" if len(values) < 12 else None
    return (
        variation_verdict(icon),
        assurance_verdict(
            assurance_icon(result.segments[-1] if result.segments else None, None, "increase")
        )
        if reason is None
        else assurance_verdict(AssuranceIcon("none", "No assurance icon", f"No icon: {reason}.")),
    )


def msg_card(area: AreaRecord, force: AreaRecord, end: dt.date) -> Card:
    """The force's MSG position in the latest year to the period: the group compares forces only."""
    periods = [p for p in msg_periods("asb_incidents") if p <= month_end(end)]
    title = "Most Similar Group position"
    if not periods:
        return Card(
            title,
            "—",
            ("No MSG data on or before this period.",),
            "—",
            force.label,
            "—",
            testid="kpi-msg",
        )
    period_end = periods[-1]
    table = msg_table("asb_incidents", period_end)
    mine = table[table["force_id"] == force.id]
    if mine.empty:
        return Card(
            title,
            "—",
            (f"{force.name} is not in the MSG data.",),
            "—",
            force.label,
            "—",
            testid="kpi-msg",
        )
    row = mine.iloc[0]
    weighted = weighted_average_rate(table["value"], table["population"])
    simple = simple_average(list(table["rate"]))
    year = row["population_year"]
    population_note = f"{int(year)} population" if pd.notna(year) else "population year not stated"
    lines: list[Inline] = [
        f"{row['rate']:.1f} ASB incidents per 1,000 population ({population_note}); "
        "1 = lowest rate",
        f"MSG average {weighted:.1f} per 1,000 (weighted: all incidents ÷ all population); "
        f"simple mean of rates {simple:.1f}",
    ]
    end_month = dt.date(period_end.year, period_end.month, 1)
    published_rank = published_count("msg_rank_asb_rate", force.id, end_month)
    badges: list[Badge] = []
    if published_rank is not None and published_rank == int(row["rank"]):
        badges.append(Badge("published", "Rank matches the published report"))
    if (table["source"] == "illustrative").any():
        badges.append(Badge("illustrative"))
        lines.append("Peer forces' figures are illustrative (named Peer force A to G).")
    if area.kind != "force":
        lines.append("MSG comparisons are made between forces, so this is the force's position.")
    return Card(
        title,
        f"{fmt.ordinal(int(row['rank']))} of {int(row['of'])}",
        tuple(lines),
        f"{period_label(end_month)} (latest on or before {month_label(end)})",
        force.label,
        "Essex Police incident totals as published; peer forces illustrative; population ONS "
        "2011 Census",
        tuple(badges),
        verdicts=_series_verdicts(
            list(msg_rates(force.id, period_end)), POLARITY["msg_rate"], "yearly rates"
        ),
        testid="kpi-msg",
        context=area.kind != "force",
    )


def msg_rates(force_id: int, period_end) -> list[float]:
    """The force's MSG rate per 1,000 in each year to `period_end`."""
    history = msg_history("asb_incidents")
    mine = history[(history["force_id"] == force_id) & (history["period_end"] <= period_end)]
    return [float(v) for v in mine["rate"]]


DISTRICT_COLUMNS = (
    Column("District"),
    Column("ASB incidents", "count"),
    Column("Change on previous 12 months", "signed_percent"),
    Column("% attended", "percent"),
    Column("Per 1,000 population", "number", 1),
)


def districts_compared(
    force: AreaRecord, selected: AreaRecord, end: dt.date, filters: Filters, scope: AreaScope
) -> Section:
    """Every district the viewer may see side by side, the selected one marked: totals only
    for complete 12 months, rates on the newest Census population."""
    title = "Districts compared"
    frame = district_comparison(force.id, end, filters.include_covid, scope)
    if frame.empty:
        return Section(title, (Note("plain", "No district figures are held for this period."),))
    populations = district_populations()
    rows = []
    for r in frame.itertuples():
        complete = r.months == 12
        pop = populations.get(int(r.area_id))
        rows.append(
            {
                "District": r.district,
                "ASB incidents": int(r.incidents) if complete else None,
                "Change on previous 12 months": pct_change(r.incidents, r.previous)
                if complete and r.previous_months == 12
                else None,
                "% attended": 100 * r.attended / r.incidents if complete and r.incidents else None,
                "Per 1,000 population": 1000 * r.incidents / pop[0] if complete and pop else None,
            }
        )
    years = [populations[int(a)][1] for a in frame["area_id"] if int(a) in populations]
    pop_year = years[-1] if years else None
    caption = (
        f"ASB incidents by policing district, {period_label(end)}, {covid_text(filters)}. "
        f"Source: {INCIDENT_SOURCE}. District split illustrative. Rates use the "
        f"{pop_year or '—'} Census population."
    )
    mine = tuple(i for i, a in enumerate(frame["area_id"]) if int(a) == selected.id)
    table = Table(
        caption,
        pd.DataFrame(rows, columns=[c.name for c in DISTRICT_COLUMNS], dtype=object),
        DISTRICT_COLUMNS,
        row_header="District",
        illustrative=bool(frame["illustrative"].any()),
        inline=True,
        highlight=mine,
        style="district-table",
    )
    return Section(title, (table,))


def build(filters: Filters, _choices, viewer: Viewer) -> Page:
    """The Overview for valid filters: the headline cards, then the districts compared."""
    force, area = areas_for(filters)
    end = month_of(filters.to)
    cards = (
        incidents_card(area, end, filters, viewer.scope),
        attendance_card(area, end, filters),
        confidence_card(area, force, end),
        msg_card(area, force, end),
    )
    own = tuple(c for c in cards if not c.context)
    context = tuple(c for c in cards if c.context)
    rows = [CardRow(own, per_row=len(own) if len(own) > 2 else 2)]
    if context:
        rows.append(CardRow(context, per_row=2, context=True))
    return page_for(
        ids.OVERVIEW,
        "Overview",
        filters,
        [*rows, districts_compared(force, area, end, filters, viewer.scope)],
    )

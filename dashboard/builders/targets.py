"""Plan targets: trajectory, SPC assurance, on/off track, and the chance of meeting each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from dashboard.analysis.spc import assurance_icon, seasonal_xmr, variation_icon, xmr
from dashboard.builders import figures
from dashboard.builders.common import (
    INCIDENT_SOURCE,
    SPC_BREAK,
    areas_for,
    export_name,
    month_of,
    page_for,
    source_data_to,
)
from dashboard.builders.forecasts import incident_forecast
from dashboard.builders.verdicts import assurance_verdict, variation_verdict
from dashboard.core import formatting as fmt
from dashboard.core import ids
from dashboard.core.periods import add_months, month_end, month_label, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.core.vocab import POLARITY
from dashboard.loaders.published import CONFIDENCE
from dashboard.model import (
    Chart,
    Column,
    ColumnKind,
    Note,
    Page,
    Section,
    Status,
    Table,
    VerdictRow,
)
from queries.areas import filter_areas
from queries.incidents import annual_totals, month_range, monthly_counts, twelve_month_total
from queries.surveys import survey_table
from queries.targets import TargetRecord, targets


def trajectory_at(target: TargetRecord, when: dt.date) -> float:
    """The straight line from baseline to target, read at a date (held flat after the target)."""
    start, end = target.baseline_period_end, target.target_period_end
    if when >= end:
        return target.target_value
    if when <= start:
        return target.baseline_value
    share = (when - start).days / (end - start).days
    return target.baseline_value + share * (target.target_value - target.baseline_value)


def _met(value: float, target: TargetRecord) -> bool:
    return (
        value <= target.target_value
        if target.direction == "decrease"
        else (value >= target.target_value)
    )


def incidents_status(target: TargetRecord, area, end: dt.date):
    """Actual 12-month totals, verdicts and the forecast chance for the incidents target."""
    annual = annual_totals(area.id, 3, True)
    actual = pd.DataFrame(
        {
            "period_end": [month_end(dt.date(int(y), 3, 1)) for y in annual["year"]],
            "value": annual["incidents"].astype(float),
        }
    )
    actual = actual[actual["period_end"] <= month_end(end)]
    latest = twelve_month_total(area.id, end, True)
    if (
        latest.complete
        and latest.incidents is not None
        and month_end(end) not in set(actual["period_end"])
    ):
        actual = pd.concat(
            [
                actual,
                pd.DataFrame({"period_end": [month_end(end)], "value": [float(latest.incidents)]}),
            ]
        )
    verdicts: dict[str, tuple[str, bool | None]] = {}
    if latest.complete and latest.incidents is not None:
        line = trajectory_at(target, month_end(end))
        on = latest.incidents <= line
        verdicts["trajectory"] = (
            f"{'On' if on else 'Off'} track: {fmt.count(latest.incidents)} in the "
            f"{period_label(end)} against {fmt.count(round(line))} on the trajectory",
            on,
        )
    monthly = monthly_counts(area.id, True)
    monthly = monthly[monthly["month"] <= end]
    months = list(monthly["month"])
    rebase = months.index(SPC_BREAK) if SPC_BREAK in months[1:] else None
    # The target's monthly equivalent against the current segment's seasonally adjusted limits;
    # no assurance from fewer than 12 months since the break.
    result = seasonal_xmr(
        list(monthly["incidents"]), months, POLARITY["asb_incidents"], rebase_at=rebase
    )
    icons = (
        variation_icon(result),
        assurance_icon(
            result.segments[-1] if result.segments else None,
            target.target_value / 12,
            target.direction,
        ),
    )
    target_month = dt.date(target.target_period_end.year, target.target_period_end.month, 1)
    data_end = (month_range("force") or (end, end))[1]
    forecast = None
    if target_month > end:
        fc = incident_forecast(area.id, end, True)
        if fc is not None:
            window = [add_months(target_month, -i) for i in range(12)]
            held = monthly[monthly["month"].isin(window)]["incidents"].sum()
            future = [m for m in window if m > end]
            totals = fc.total_distribution(future, float(held))
            chance = float(
                (totals <= target.target_value).mean()
                if target.direction == "decrease"
                else (totals >= target.target_value).mean()
            )
            verdicts["chance"] = (
                f"Chance of meeting the target: {fmt.chance(chance)} (from "
                f"{len(totals):,} simulated futures of the forecast model; uncertainty in the "
                "model's own parameters is left out, so the true range is wider)",
                None,
            )
            forecast = pd.DataFrame(
                {"period_end": [month_end(target_month)], "value": [float(totals.mean())]}
            )
    else:
        final = twelve_month_total(area.id, target_month, True)
        if final.complete and final.incidents is not None:
            met = _met(final.incidents, target)
            verdicts["chance"] = (
                f"Target period ended: {'met' if met else 'not met'} "
                f"({fmt.count(final.incidents)} against {fmt.count(round(target.target_value))})",
                met,
            )
        elif target_month > data_end:
            verdicts["chance"] = ("No forecast: the data do not reach far enough.", None)
    return actual, forecast, verdicts, icons, "Incidents in 12 months", INCIDENT_SOURCE


def confidence_status(target: TargetRecord, area, end: dt.date):
    """Q8a results, verdicts and SPC icons for the confidence target; no sample sizes, no chance."""
    survey = survey_table(CONFIDENCE, area.id)
    q8a = survey[
        survey["question"].str.startswith("Q8a") & (survey["period_end"] <= month_end(end))
    ]
    actual = pd.DataFrame({"period_end": q8a["period_end"], "value": q8a["pct"]})
    verdicts: dict[str, tuple[str, bool | None]] = {}
    if len(q8a):
        latest, when = q8a["pct"].iloc[-1], q8a["period_end"].iloc[-1]
        line = trajectory_at(target, when)
        on = latest >= line if target.direction == "increase" else latest <= line
        verdicts["trajectory"] = (
            f"{'On' if on else 'Off'} track: {latest:.1f}% to "
            f"{month_label(when)} against {line:.1f}% on the trajectory",
            on,
        )
    result = xmr(list(q8a["pct"]), POLARITY["confidence_dealing_with_asb"])
    icons = (
        variation_icon(result),
        assurance_icon(
            result.segments[-1] if result.segments else None,
            target.target_value,
            target.direction,
        ),
    )
    verdicts["chance"] = (
        "Chance of meeting: cannot be estimated without the survey's sample "
        "sizes (none are published)",
        None,
    )
    return actual, None, verdicts, icons, "% agree", CONFIDENCE


# Which source each target measure is drawn from, for its chart's "Data to" date.
TARGET_SOURCES = {"asb_incidents": "force", "confidence_dealing_with_asb": "confidence"}
HANDLERS = {"asb_incidents": incidents_status, "confidence_dealing_with_asb": confidence_status}
# How each measure's values read, the same in the table as in the summary: (column kind, digits).
VALUE_KINDS: dict[str, tuple[ColumnKind, int]] = {
    "asb_incidents": ("count", 0),
    "confidence_dealing_with_asb": ("percent", 1),
}


def target_block(target: TargetRecord, end: dt.date, index: int) -> Chart | Section:
    """One target's actual against its trajectory, with verdicts; a note if no series is linked."""
    area = next((a for a in filter_areas() if a.name == target.area), filter_areas()[0])
    handler = HANDLERS.get(target.measure)
    start, stop = target.baseline_period_start, target.baseline_period_end
    baseline_months = (stop.year - start.year) * 12 + stop.month - start.month + 1
    about = (
        Note("summary", target.description),
        Note(
            "meta",
            f"Baseline: {target.baseline_value:,.0f} ({baseline_months} months to "
            f"{month_label(stop)}) · Target: {target.target_value:,.0f} by "
            f"{month_label(target.target_period_end)} ({target.direction}) · "
            f"Source of target: {target.source}",
        ),
    )
    if handler is None:
        return Section(
            target.measure,
            (
                *about,
                Note(
                    "plain",
                    "No data series is linked to this measure yet, so its status cannot be "
                    "computed.",
                ),
            ),
        )
    actual, forecast, verdicts, icons, y_title, source = handler(target, area, end)
    title = target.description.split(":")[0]
    fig = figures.target_chart(
        actual,
        (target.baseline_period_end, target.baseline_value),
        (target.target_period_end, target.target_value),
        title,
        f"{target.area} · baseline to target, actual to {month_label(end)}",
        source,
        target.measure == "asb_incidents",
        y_title,
        forecast,
    )
    status = VerdictRow(
        (
            variation_verdict(icons[0]),
            assurance_verdict(icons[1]),
            *[Status(text, good) for text, good in verdicts.values()],
        ),
        testid=f"target-status-{index}",
    )
    kind, digits = VALUE_KINDS.get(target.measure, VALUE_KINDS["asb_incidents"])

    def held(value: float) -> float:
        """A value as the table holds it: a count is a whole number."""
        return round(value) if kind == "count" else value

    def shown(value: float) -> str:
        return Column("", kind, digits).text(held(value))

    periods = list(actual["period_end"])
    table = Table(
        f"{title}: actual against the trajectory, {target.area}.",
        pd.DataFrame(
            {
                "Period end": periods,
                "Actual": [held(v) for v in actual["value"]],
                "Trajectory": [held(trajectory_at(target, d)) for d in periods],
            }
        ),
        (
            Column("Period end", "month"),
            Column("Actual", kind, digits),
            Column("Trajectory", kind, digits),
        ),
        row_header="Period end",
        illustrative=target.measure == "asb_incidents",
    )
    values = actual["value"]
    summary = (
        f"{title}: {shown(values.iloc[0])} in {month_label(periods[0])}, "
        f"{shown(values.iloc[-1])} in {month_label(periods[-1])} (lowest "
        f"{shown(values.min())}, highest {shown(values.max())}), against a straight trajectory "
        f"from the baseline {shown(target.baseline_value)} to the target "
        f"{shown(target.target_value)} by {month_label(target.target_period_end)}."
        if len(actual)
        else f"{title}: no values are held yet."
    )
    return Chart(
        id=f"tgt-{index}",
        title=title,
        figure=fig,
        summary=summary,
        table=table,
        period=f"to {month_label(end)}",
        area=target.area,
        source=source,
        filename=export_name(f"target-{target.measure}", area, f"to-{end:%Y-%m}"),
        data_to=source_data_to(TARGET_SOURCES.get(target.measure, "force")),
        illustrative=target.measure == "asb_incidents",
        notes=(status, *about),
    )


def build(filters: Filters, _choices, viewer: Viewer) -> Page:
    """The Plan targets page for valid filters: the targets `viewer` may see."""
    _force, area = areas_for(filters)
    end = month_of(filters.to)
    all_targets = targets(viewer.scope)
    if not all_targets:
        message = (
            "No targets are loaded for the areas you may see."
            if viewer.scope.restricted
            else "No targets are loaded: load them with `asb-dashboard load targets`."
        )
        return page_for(ids.TARGETS, "Plan targets", filters, [Note("plain", message)])
    note = (
        "Targets are set for the force; the area filter does not change them."
        if area.kind != "force"
        else ""
    )
    return page_for(
        ids.TARGETS,
        "Plan targets",
        filters,
        [
            Note(
                "context",
                f"Status at {month_label(end)}. Not a bare red/amber/green: each target shows "
                "whether the process will reliably meet it (SPC assurance), whether the latest "
                "figure is on the straight-line trajectory from baseline to target, and the "
                f"forecast's chance of meeting it. {note}",
            ),
            *[target_block(t, end, i) for i, t in enumerate(all_targets)],
            *admin_note(all_targets, viewer),
        ],
    )


def admin_note(shown: Sequence[TargetRecord], viewer: Viewer) -> list[Note]:
    """How to replace the shipped default targets: for administrators only, since board
    members cannot act on it."""
    if not viewer.may("admin") or not any("Dashboard default" in (t.source or "") for t in shown):
        return []
    return [
        Note(
            "notes",
            "For administrators: targets marked 'Dashboard default' are this project's "
            "defaults, not the plan's own figures. Set the plan's figures in a targets file and "
            "load it with `asb-dashboard load targets <file>` (README: Loading data).",
        )
    ]

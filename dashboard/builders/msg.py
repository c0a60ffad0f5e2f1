"""Most Similar Group: rates per 1,000, averages, rank over time and a funnel plot."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.analysis.comparison import Z95, Z998, overdispersed_funnel
from dashboard.analysis.stats import simple_average, weighted_average_rate
from dashboard.builders import figures
from dashboard.builders.common import areas_for, export_name, month_of, page_for, source_data_to
from dashboard.core import formatting as fmt
from dashboard.core import ids
from dashboard.core.periods import month_end, month_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.model import Chart, Column, Note, Page, Table
from queries.msg import msg_history
from queries.published import published_count

MEASURE = "asb_incidents"
SOURCE = (
    "Force counts as published; peer forces illustrative (Peer force A-G); population "
    "ONS 2011 Census"
)


def _period_label(end) -> str:
    return f"12m to {end:%b %Y}"


def rates_block(force, history: pd.DataFrame, illustrative: bool):
    """Each MSG force's rate per 1,000 by year, with the group's weighted and simple averages."""
    fig = figures.msg_rates(
        history,
        force.id,
        "ASB incidents per 1,000 population, MSG",
        "12 months to March · 8 forces",
        SOURCE,
        illustrative,
    )
    latest = history[history["period_end"] == history["period_end"].max()]
    mine = latest[latest["force_id"] == force.id].iloc[0]
    weighted = weighted_average_rate(latest["value"], latest["population"])
    simple = simple_average(list(latest["rate"]))
    sd = latest["rate"].std()
    summary = (
        f"In the {_period_label(mine['period_end']).replace('12m', '12 months')}, {force.name} "
        f"recorded {mine['rate']:.1f} ASB incidents per 1,000 population against an MSG "
        f"average of {weighted:.1f} (weighted) or {simple:.1f} (simple mean, standard deviation "
        f"{sd:.1f}); it was {fmt.ordinal(int(mine['rank']))} of {int(mine['of'])}."
    )
    pivot = history.pivot(index="force", columns="period_end", values="rate")
    frame = pd.DataFrame({"Force": list(pivot.index)})
    for period in pivot.columns:
        frame[_period_label(period)] = list(pivot[period])
    table = Table(
        f"ASB incidents per 1,000 population by force. {SOURCE}.",
        frame,
        (
            Column("Force"),
            *[Column(c, "number", 1, unit="per 1,000 population") for c in frame.columns[1:]],
        ),
        row_header="Force",
        illustrative=illustrative,
    )
    notes = Note(
        "notes",
        items=(
            "Rate = 12-month count ÷ population × 1,000. Population: ONS 2011 Census "
            "(no mid-year estimates are loaded), so rates use the same year throughout.",
            "Weighted MSG average = all the group's incidents ÷ all its population; simple "
            "mean = the average of the eight rates. The band is the simple mean ± one "
            "standard deviation of the rates.",
        ),
    )
    return Chart(
        id="msg-rates",
        title="Rates per 1,000 in the Most Similar Group",
        figure=fig,
        summary=summary,
        table=table,
        period="12 months to March",
        area=f"{force.label} and its MSG",
        source=SOURCE,
        filename=export_name("asb-rate-msg", force, "12m-to-march"),
        data_to=source_data_to("msg"),
        illustrative=illustrative,
        notes=(notes,),
    )


def rank_block(force, history: pd.DataFrame, illustrative: bool):
    """The force's MSG position by year, checked against the report's published positions."""
    fig = figures.msg_rank(
        history,
        force.id,
        "MSG position over time",
        f"{force.label} · 1 = lowest rate",
        SOURCE,
        illustrative,
    )
    mine = history[history["force_id"] == force.id]
    rows = []
    for r in mine.itertuples():
        end = dt.date(r.period_end.year, r.period_end.month, 1)
        published = published_count("msg_rank_asb_rate", force.id, end)
        rows.append(
            {
                "12 months to": end,
                "Position": f"{r.rank} of {r.of}",  # a rank reads with its group's size
                "Rate per 1,000": r.rate,
                "Published position": (
                    f"{published} (matches)"
                    if published == r.rank
                    else str(published)
                    if published
                    else None
                ),
            }
        )
    ranks = ", ".join(str(int(r)) for r in mine["rank"])
    summary = f"{force.name}'s position by year: {ranks} (1 = the lowest rate in the group)."
    table = Table(
        f"MSG position of {force.name}. {SOURCE}.",
        pd.DataFrame(
            rows, columns=["12 months to", "Position", "Rate per 1,000", "Published position"]
        ),
        (
            Column("12 months to", "month"),
            Column("Position"),
            Column("Rate per 1,000", "number", 1, unit="per 1,000 population"),
            Column("Published position"),
        ),
        row_header="12 months to",
        illustrative=illustrative,
    )
    return Chart(
        id="msg-rank",
        title="Position over time",
        figure=fig,
        summary=summary,
        table=table,
        period="12 months to March",
        area=force.label,
        source=SOURCE,
        filename=export_name("asb-msg-position", force, "12m-to-march"),
        data_to=source_data_to("msg"),
        illustrative=illustrative,
    )


WHERE = {
    ("high", "high"): "above the 99.8% limit",
    ("low", "low"): "below the 99.8% limit",
    ("high", "within"): "above the 95% limit",
    ("low", "within"): "below the 95% limit",
}


def funnel_block(force, history: pd.DataFrame, period_end, illustrative: bool):
    """Whether the force's rate differs from the MSG average by more than chance, in one year."""
    table = history[history["period_end"] == period_end].reset_index(drop=True)
    # Forces differ for reasons beyond chance: Poisson limits on counts this large put every
    # force outside them. Spiegelhalter's adjustment widens them by the spread the data show.
    funnel = overdispersed_funnel(list(table["value"]), list(table["population"]))
    pops = np.linspace(table["population"].min() * 0.7, table["population"].max() * 1.2, 60)
    limits = pd.DataFrame({"population": pops})
    for name, z in (("95", Z95), ("998", Z998)):
        bounds = [funnel.limits(p, z) for p in pops]
        limits[f"lo{name}"] = [b[0] for b in bounds]
        limits[f"hi{name}"] = [b[1] for b in bounds]
    fig = figures.funnel_plot(
        table,
        force.id,
        limits,
        funnel.target,
        f"Funnel plot, {_period_label(period_end).replace('12m', '12 months')}",
        "Rate per 1,000 against population; limits adjusted for overdispersion",
        SOURCE,
        illustrative,
    )
    outside = pd.DataFrame(
        {
            "Force": list(table["force"]),
            "Population": [int(v) for v in table["population"]],
            "Incidents": [int(v) for v in table["value"]],
            "Rate per 1,000": list(table["rate"]),
            "Adjusted z": [unit.z_adjusted for unit in funnel.units],
            "Against the MSG average": [
                WHERE.get((unit.outside_95, unit.outside_998), "within the limits")
                for unit in funnel.units
            ],
        }
    )
    mine = outside[outside["Force"] == force.name].iloc[0]
    summary = (
        f"Against the weighted MSG average of {funnel.target:.1f} per 1,000, {force.name} is "
        f"{mine['Against the MSG average']}. {funnel.method}. With eight forces a rank can move "
        "on small differences; a force outside the 99.8% limits differs by more than the "
        "spread between these forces would give by chance."
        + (" The peer forces' figures are illustrative (modelled)." if illustrative else "")
    )
    return Chart(
        id="msg-funnel",
        title="Funnel plot: is the difference more than chance?",
        figure=fig,
        summary=summary,
        table=Table(
            f"Forces against the funnel limits ({funnel.method}). {SOURCE}.",
            outside,
            (
                Column("Force"),
                Column("Population", "count"),
                Column("Incidents", "count"),
                Column("Rate per 1,000", "number", 1, unit="per 1,000 population"),
                Column("Adjusted z", "signed_number", 2),
                Column("Against the MSG average"),
            ),
            row_header="Force",
            illustrative=illustrative,
        ),
        period=_period_label(period_end),
        area=f"{force.label} and its MSG",
        source=SOURCE,
        filename=export_name("asb-msg-funnel", force, f"12m-to-{period_end:%Y-%m}"),
        data_to=source_data_to("msg"),
        illustrative=illustrative,
        notes=(Note("notes", f"Method: {funnel.method}."),),
    )


def build(filters: Filters, _choices, _viewer: Viewer) -> Page:
    """The Most Similar Group page for valid filters (force level whatever the area)."""
    force, area = areas_for(filters)
    end = month_of(filters.to)
    history = msg_history(MEASURE)
    history = history[history["period_end"] <= month_end(end)]
    if history.empty or force.id not in set(history["force_id"]):
        return _page(
            filters,
            [
                Note(
                    "plain",
                    f"No Most Similar Group data for {force.name} on or before {month_label(end)}.",
                )
            ],
        )
    illustrative = bool((history["source"] == "illustrative").any())
    latest = history["period_end"].max()
    context = (
        f"{force.label}: MSG comparisons are between forces, so a district or LPA "
        "filter does not change this page."
        if area.kind != "force"
        else force.label
    )
    return _page(
        filters,
        [
            Note("context", f"{context} MSG data to {month_label(latest)}."),
            rates_block(force, history, illustrative),
            rank_block(force, history, illustrative),
            funnel_block(force, history, latest, illustrative),
        ],
    )


def _page(filters: Filters, blocks: list) -> Page:
    return page_for(ids.MSG, "Most Similar Group", filters, blocks)

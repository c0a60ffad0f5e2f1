"""District view: a commander's KPIs, trend against LPA and force, rank, map and hot spots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.analysis.stats import pct_change, rolling_sum
from dashboard.builders import figures
from dashboard.builders.common import (
    INCIDENT_SOURCE,
    POLICE_UK_SOURCE,
    areas_for,
    covid_text,
    export_name,
    month_of,
    page_for,
    source_data_to,
)
from dashboard.builders.overview import attendance_card, incidents_card
from dashboard.core import formatting as fmt
from dashboard.core import ids
from dashboard.core.periods import add_months, month_label, period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import AreaScope, Viewer
from dashboard.loaders.boundaries import OS_NOTICE, lsoa_geojson
from dashboard.model import CardRow, Chart, Column, Note, Page, Section, Table
from queries.areas import district_populations, population, visible_areas
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
    """The district's rate per 1,000 ranked among the districts the viewer may see."""
    frame = district_comparison(force.id, end, filters.include_covid, scope)
    frame = frame[frame["months"] == 12].copy()
    populations = district_populations()
    frame["population"] = [populations[int(a)][0] for a in frame["area_id"]]
    frame["rate"] = 1000 * frame["incidents"] / frame["population"]
    frame["rank"] = frame["rate"].rank(method="min").astype(int)
    mine = frame[frame["district"] == area.name].iloc[0]
    force_population = population(force.id)
    assert force_population is not None, "the force's population is loaded with its areas"
    force_pop = force_population[0]
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
    table = Table(
        f"Districts by rate per 1,000, {period_label(end)}, {covid_text(filters)}.",
        pd.DataFrame(
            {
                "District": frame["district"],
                "Incidents": frame["incidents"],
                "Population (2011)": frame["population"],
                "Per 1,000": frame["rate"],
                "Rank (1 = lowest)": frame["rank"],
            }
        ),
        (
            Column("District"),
            Column("Incidents", "count"),
            Column("Population (2011)", "count"),
            Column("Per 1,000", "number", 1, unit="per 1,000 population"),
            Column("Rank (1 = lowest)", "integer"),
        ),
        row_header="District",
        illustrative=True,
    )
    return Chart(
        id="dst-rank",
        title="Rank among the districts",
        figure=fig,
        summary=summary,
        table=table,
        period=period_label(end),
        area=f"districts of {force.name}",
        source=f"{INCIDENT_SOURCE}; ONS 2011 Census",
        filename=export_name("asb-rate-by-district", area, f"12m-to-{end:%Y-%m}"),
        data_to=source_data_to("force"),
        illustrative=True,
    )


def trend_block(force, area, end: dt.date, filters: Filters, scope: AreaScope):
    """Rolling 12-month rate per 1,000: district, LPA (if the viewer may see it) and force."""
    # The LPA's own figures only for a viewer who may see the LPA: for a district-only viewer
    # they would give away the other districts' combined rate. The force is context for all.
    lpa = next(
        (a for a in visible_areas(scope) if a.kind == "lpa" and a.name == area.parent_name), None
    )
    series: dict[str, pd.DataFrame] = {}
    for label, record in (
        (area.label, area),
        (lpa.label if lpa else None, lpa),
        (force.label, force),
    ):
        if record is None or label is None:
            continue
        monthly = monthly_counts(record.id, filters.include_covid)
        monthly = monthly[monthly["month"] <= end]
        totals = rolling_sum(list(monthly["month"]), list(monthly["incidents"]))
        held = population(record.id)
        if held is None:  # no population, no rate: the line is left out
            continue
        pop = held[0]
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
    table_frame = pd.DataFrame({"Month": list(series[area.label]["month"])})
    for name, frame in series.items():
        table_frame[name] = list(frame["rate"])
    table = Table(
        "Rolling 12-month incidents per 1,000 population.",
        table_frame,
        (
            Column("Month", "month"),
            *(Column(name, "number", 1, unit="per 1,000 population") for name in series),
        ),
        row_header="Month",
        illustrative=True,
    )
    return Chart(
        id="dst-trend",
        title="Trend against the LPA and the force",
        figure=fig,
        summary=summary,
        table=table,
        period=f"rolling 12 months to {month_label(end)}",
        area=area.label,
        source=f"{INCIDENT_SOURCE}; ONS 2011 Census",
        filename=export_name("asb-rate-trend", area, f"to-{end:%Y-%m}"),
        data_to=source_data_to("force"),
        illustrative=True,
    )


def map_block(area):
    """The latest police.uk months by LSOA on a map, with the ten busiest and their change."""
    span = month_range("police_uk")
    if span is None:
        return Section(
            "Map and hot spots",
            (Note("plain", "No police.uk records are loaded, so there is no map."),),
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
    records = f"Records, {period}"
    change_pct = f"Change (%, where {MIN_BASE_FOR_PCT}+ records before)"
    rate = f"Per 1,000 residents, {HOTSPOT_MONTHS} months"
    rows = pd.DataFrame(
        {
            "LSOA": [f"{n} ({c})" for n, c in zip(top["lsoa_name"], top["lsoa_code"], strict=True)],
            records: [int(v) for v in top["incidents"]],
            comparison.label: [int(v) if held else None for v in top["previous"]],
            "Change (records)": [int(a - b) if held else None for a, b in pairs],
            # A percentage on a handful of records (13 to 34 is "+162%") says nothing.
            change_pct: [
                pct_change(a, b) if held and b >= MIN_BASE_FOR_PCT else None for a, b in pairs
            ],
            rate: [
                1000 * a / p if p else None
                for a, p in zip(top["incidents"], top["population"], strict=True)
            ],
        },
        dtype=object,
    )
    first = top.iloc[0]
    summary = (
        f"The busiest LSOA in {period} was {first['lsoa_name']} with "
        f"{fmt.count(int(first['incidents']))} police.uk ASB records; the ten busiest held "
        f"{top['incidents'].sum() / max(lsoas['incidents'].sum(), 1):.0%} of the district's "
        f"{fmt.count(int(lsoas['incidents'].sum()))} records."
    )
    # The hot spots stand on the page under their heading (an inline table), after the caveat.
    table = Table(
        f"Top ten hot-spot LSOAs, {area.label}, {period}, with the change on "
        f"{comparison.description}. Source: {POLICE_UK_SOURCE}.",
        rows,
        (
            Column("LSOA"),
            Column(records, "count"),
            Column(comparison.label, "count"),
            Column("Change (records)", "signed_count"),
            Column(change_pct, "signed_percent"),
            Column(rate, "number", 1),
        ),
        row_header="LSOA",
        illustrative=False,
        inline=True,
    )
    return Chart(
        id="dst-map",
        title="Map and hot spots",
        figure=fig,
        summary=summary,
        table=table,
        period=period,
        area=area.label,
        # The Ordnance Survey notice goes wherever the map goes.
        source=f"{POLICE_UK_SOURCE}. {OS_NOTICE}.",
        filename=export_name("asb-hotspots-map", area, f"{start:%Y-%m}-to-{end:%Y-%m}"),
        data_to=source_data_to("police_uk"),
        notes=(
            Note(
                "caveat",
                "police.uk records are a different count from the force's incident "
                "series (other extraction rules) and run only to "
                f"{month_label(span[1])}; locations are moved to an anonymous nearby "
                "point.",
            ),
            Note("heading", "Top hot spots"),
        ),
    )


def build(filters: Filters, _choices, viewer: Viewer) -> Page:
    """The District view for a valid district, as `viewer` may see it."""
    force, area = areas_for(filters)
    end = month_of(filters.to)
    cards = CardRow(
        (incidents_card(area, end, filters, viewer.scope), attendance_card(area, end, filters)),
        per_row=2,
    )
    return page_for(
        ids.DISTRICT,
        "District view",
        filters,
        [
            Note(
                "context",
                f"{area.label} ({area.parent_name} LPA), {period_label(end)}, "
                f"{covid_text(filters)}.",
            ),
            cards,
            trend_block(force, area, end, filters, viewer.scope),
            rank_block(force, area, end, filters, viewer.scope),
            map_block(area),
        ],
    )

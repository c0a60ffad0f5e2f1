"""Methods and data: definitions, sources, licences, data-to dates, caveats, what is modelled."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.forecast import MODEL_DESCRIPTION
from dashboard.builders.common import data_to_items
from dashboard.core import ids
from dashboard.loaders.boundaries import OS_NOTICE
from dashboard.model import Column, Note, Page, Section, Table
from queries.meta import data_loads

MEASURES = [
    (
        "ASB incidents",
        "Incidents recorded as ASB under the National Standard for Incident "
        "Recording, counted over 12 months to a month end; viewable including or excluding "
        "Covid-breach incidents (recorded as ASB from March 2020)",
        "Lower is better",
        "Force incident records; 12-month totals to March from the ASB deep-dive report (2021)",
    ),
    (
        "% attended",
        "Incidents attended by police ÷ incidents, same period",
        "No better direction: attendance follows THRIVE assessment of each call",
        "Force incident records",
    ),
    (
        "NSIR category split",
        "Personal, nuisance and environmental as % of incidents",
        "Context",
        "Force incident records; published shares",
    ),
    (
        "Rate per 1,000",
        "12-month incidents ÷ population × 1,000 (population year stated)",
        "Lower is better",
        "Incidents as above; ONS 2011 Census population",
    ),
    (
        "MSG position",
        "Rank of the force's rate among its Most Similar Group of 8 forces, 1 = "
        "lowest; ties share a rank",
        "Lower rank is better",
        "Force counts published; peers illustrative",
    ),
    (
        "CSEW perception of ASB",
        "% of adults perceiving a high level of ASB (total and 7 "
        "strands) and % who experienced or witnessed ASB, with MSG rank (of 8) and national rank "
        "(of 42)",
        "Lower is better",
        "Crime Survey for England and Wales via iQuanta, as published",
    ),
    (
        "Confidence: dealing with ASB",
        "Force survey Q8a: % agreeing the force and the "
        "organisations it works with are dealing with ASB",
        "Higher is better",
        "Essex Police Confidence and Satisfaction Survey, as published",
    ),
]

METHODS = [
    "Statistical process control (NHS England Making Data Count): XmR chart of monthly values; "
    "centre = baseline mean; limits = mean ± 2.66 × mean moving range, after screening out "
    "moving ranges ≥ 3.267 × their mean; special cause = a point outside the limits, 7 in a row "
    "on one side of the centre, 7 in a row rising or falling, or 2 of 3 beyond the 2-sigma "
    "limits (a point on the centre, or a repeated value, neither counts nor breaks a run). Limits "
    "are rebased at a known break (default March 2020) and need at least 12 months since it: "
    "with fewer there are no limits, signals or assurance, and the chart says so.",
    "Each month gets exactly one verdict: common cause, special cause improvement or concern by "
    "the measure's polarity (\u201cneither\u201d where no direction is better), or no limits. "
    "When rules disagree about a month, outside the limits outranks 2 of 3 beyond 2 sigma, "
    "which outranks a run on one side, which outranks a trend; the overruled rule is shown. "
    "Summaries count months, not signals.",
    "Incident counts are seasonal (about 17% above average in summer, 17% below in winter), so "
    "their chart is an XmR on seasonally adjusted values: a factor for each calendar month, "
    "estimated from the baseline only (at least 24 months; level, trend and month), divides each "
    "month before the rules run, and the limits are multiplied back for display. Without 24 "
    "baseline months no chart is drawn, rather than one that flags the seasons.",
    "% attended uses a Laney p\u2032 chart: limits for each month from its number of incidents, "
    "widened by how much more than binomial chance the months vary, and never narrower than "
    "binomial sampling noise.",
    "Assurance against a target (Making Data Count icons): a target beyond the limits on the good "
    "side will be consistently met, on the wrong side consistently missed; within them (or on "
    "one), hit and miss. No assurance from fewer than 12 months since a break.",
    "Year-on-year change in a count is called significant only under a quasi-Poisson test: "
    "the last 12 months against the 12 before, with the month-to-month overdispersion estimated "
    "from those 24 months after allowing for the season (calendar-month and year effects; "
    "t test, 11 degrees of freedom, p < 0.05). On modelled data the verdict says so.",
    "MSG averages are stated as weighted (all incidents ÷ all population) or simple (mean of "
    "the rates), always labelled. The funnel plot's 95% and 99.8% limits around the weighted "
    "average are widened for overdispersion (Spiegelhalter 2005, as OHID: φ from z-scores "
    "winsorised at 10%), because forces' rates differ far more than Poisson chance allows.",
    f"Forecasts: {MODEL_DESCRIPTION}. A target's chance of being met is the share of simulated "
    "futures (plus months already recorded) that meet it.",
    "Survey percentages carry 95% Wilson intervals where a sample size is known.",
    "Rolling 12-month totals need all 12 months: where one is missing no total is shown.",
]

ERROR_RATES = [
    "Measured on 1,000 simulated six-year series with the shipped data's seasonality and noise, "
    "where nothing changed (false alarms) and where the level rose 15% in the last 3 months "
    "(power): python benchmarks/verdicts.py --series 1000. Details in docs/methods.md.",
    "Seasonal XmR on monthly incidents: the latest month reads special cause in 5.4% of "
    "unchanged series (7.6% of all months; plain XmR flagged 66% of months, every summer and "
    "winter); it catches a 15% rise within 3 months in 99.4%.",
    "Laney p\u2032 on % attended: the latest month reads special cause in 2.7% of unchanged "
    "series (5.5% of months); a 15% change in the share is caught within 3 months in 100%.",
    "Year-on-year change, quasi-Poisson test: 5.0% false alarms (the Poisson test it replaces: "
    "46.5%). It detects a 15% change lasting the whole year in 100% of series, but a step only "
    "3 months old in 13%: the SPC chart is the tool for that.",
    "MSG funnel with 8 forces: each force falls outside the adjusted 99.8% limits in 2.1% of "
    "simulations where no force differs beyond the usual spread (nominal 0.2%; the Poisson "
    "limits it replaces: 92.7%). A force 15% above its peers is outside 99.8% in 6.4%: forces "
    "already differ by about 19%, so 8 forces cannot single out a 15% difference.",
    "Forecast intervals are too narrow: in 70 backtests (14 areas, forecasts from month 36 on, "
    "python benchmarks/forecast_coverage.py) the 80% interval held the next 12-month total in "
    "23% and the 95% interval in 31%; before the Covid-breach year, in 38% and 52%. The model's "
    "own parameter uncertainty and changes in the level between years are not in them: read a "
    "forecast's interval, and a chance of meeting a target, as the least uncertainty there is.",
]

CAVEATS = [
    "Two extractions of the force's figures disagree: 52,750 vs 52,837 (12 months to March "
    "2016) and 41,256 vs 41,365 (March 2020). The dashboard uses the data-update table "
    "(52,837 and 41,365).",
    "police.uk publishes ASB as one category, moves locations to an anonymous nearby point, "
    "has no attendance flag and no NSIR split; its counts follow different extraction rules "
    "from the force's incident series and are not expected to reconcile with it.",
    "MSG data in the report run only to March 2020, at force level.",
    "Personal ASB is under-recorded (force audit, Op Somerton): read the category split with care.",
    "Rates use the 2011 Census population: no mid-year estimates are loaded.",
    "The report's drugs perception difference (−5.4 points) is rounded from unrounded values; "
    "from the rounded figures it is −5.3.",
]

ILLUSTRATIVE = [
    "The monthly, district and category split of the force's incidents and attended counts "
    "(a seeded generator; every 12-month total to March matches the report exactly, shares to "
    "the report's rounding).",
    "The seven MSG peer forces, named Peer force A to Peer force G, built so the force's rank "
    "is the published one every year.",
    "The default plan targets (set by this project, not published: edit targets.csv).",
]

LICENCES = [
    "police.uk and ONS data: © Crown copyright, Open Government Licence v3.0.",
    f"Boundaries: {OS_NOTICE} (CC BY 4.0 conversion by Martin Chorley).",
    "Report figures: Essex Police ASB deep-dive report to the Police, Fire and Crime Panel (2021).",
]


def build() -> Page:
    """The Methods and data page: the same for every filter and viewer, bar the latest loads."""
    loads = data_loads()
    loads_table = Table(
        "Every data load, newest first, with the file's sha256.",
        pd.DataFrame(
            {
                # When, to the minute, as the load log reads (not a period: no month column).
                "Loaded": [f"{t:%Y-%m-%d %H:%M}" for t in pd.to_datetime(loads["loaded_at"])],
                "What": list(loads["kind"]),
                "File": list(loads["file_name"]),
                "Rows loaded": [int(n) for n in loads["rows_loaded"]],
                "sha256": [s[:12] for s in loads["sha256"]],
            }
        ),
        (
            Column("Loaded"),
            Column("What"),
            Column("File"),
            Column("Rows loaded", "count"),
            Column("sha256"),
        ),
        inline=True,
    )
    measures = Table(
        "Every measure: its definition, which direction is better, and its source.",
        pd.DataFrame(MEASURES, columns=["Measure", "Definition", "Polarity", "Source"]),
        (Column("Measure"), Column("Definition"), Column("Polarity"), Column("Source")),
        row_header="Measure",
        inline=True,
    )
    return Page(
        id=ids.METHODS,
        title="Methods and data",
        area="all areas",
        period="",
        covid="",
        blocks=(
            Section("Measures", (measures,), plain=True),
            Section("Methods", (Note("plain", items=tuple(METHODS)),), plain=True),
            Section(
                "How often the verdicts are wrong",
                (Note("plain", items=tuple(ERROR_RATES)),),
                plain=True,
            ),
            Section("Caveats", (Note("plain", items=tuple(CAVEATS)),), plain=True),
            Section(
                "Illustrative values",
                (
                    Note(
                        "plain",
                        "No public source gives these, so they are modelled and carry an "
                        "\u201cIllustrative data\u201d badge wherever they appear:",
                    ),
                    Note("plain", items=tuple(ILLUSTRATIVE)),
                ),
                plain=True,
            ),
            Section("Sources and licences", (Note("plain", items=tuple(LICENCES)),), plain=True),
            Section("What has been loaded", (loads_table,), plain=True),
        ),
        data_to=data_to_items(),
        filtered=False,
    )

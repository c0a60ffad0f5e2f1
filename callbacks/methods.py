"""Methods and data: definitions, sources, licences, data-to dates, caveats, what is modelled."""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, html

from callbacks.common import data_to
from dashboard import ids
from dashboard.boundaries import OS_NOTICE
from dashboard.components import data_table
from dashboard.forecast import MODEL_DESCRIPTION
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
    "on one side of the mean, 7 in a row rising or falling, or 2 of 3 beyond the 2-sigma "
    "limits; each marked improvement or concern by the measure's polarity. Limits can be "
    "rebased at a known break (default March 2020). Assurance against a target: a target "
    "outside the limits will be consistently met or missed; inside, hit and miss.",
    "Year-on-year change in a count is called significant only under a Poisson test (two "
    "counts over equal periods; normal approximation, both counts ≥ 20, p < 0.05).",
    "MSG averages are stated as weighted (all incidents ÷ all population) or simple (mean of "
    "the rates), always labelled; the funnel plot's limits are Poisson 95% and 99.8% around "
    "the weighted average.",
    f"Forecasts: {MODEL_DESCRIPTION}. A target's chance of being met is the share of simulated "
    "futures (plus months already recorded) that meet it.",
    "Survey percentages carry 95% Wilson intervals where a sample size is known.",
    "Rolling 12-month totals need all 12 months: where one is missing no total is shown.",
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


def build(_trigger) -> list:
    measures = pd.DataFrame(MEASURES, columns=["Measure", "Definition", "Polarity", "Source"])
    loads = data_loads()
    loads_table = pd.DataFrame(
        {
            "Loaded": [f"{t:%Y-%m-%d %H:%M}" for t in pd.to_datetime(loads["loaded_at"])],
            "What": loads["kind"],
            "File": loads["file_name"],
            "Rows loaded": [f"{n:,}" for n in loads["rows_loaded"]],
            "sha256": [s[:12] for s in loads["sha256"]],
        }
    )
    return [
        data_to(),
        html.H2("Measures", className="h4 mt-3"),
        data_table(
            measures,
            "Every measure: its definition, which direction is better, and its source.",
            row_header="Measure",
        ),
        html.H2("Methods", className="h4 mt-4"),
        html.Ul([html.Li(m) for m in METHODS]),
        html.H2("Caveats", className="h4 mt-4"),
        html.Ul([html.Li(c) for c in CAVEATS]),
        html.H2("Illustrative values", className="h4 mt-4"),
        html.P(
            "No public source gives these, so they are modelled and carry an "
            "\u201cIllustrative data\u201d badge wherever they appear:"
        ),
        html.Ul([html.Li(c) for c in ILLUSTRATIVE]),
        html.H2("Sources and licences", className="h4 mt-4"),
        html.Ul([html.Li(c) for c in LICENCES]),
        html.H2("What has been loaded", className="h4 mt-4"),
        data_table(
            loads_table,
            "Every data load, newest first, with the file's sha256.",
            numeric=["Rows loaded"],
        ),
    ]


def register(app: Dash) -> None:
    app.callback(
        Output(ids.content_id(ids.METHODS), "children"),
        Input(f"{ids.METHODS}-trigger", "data"),
    )(build)

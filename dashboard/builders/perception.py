"""Public perception and confidence: CSEW perception with ranks, the force's Q8a survey."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard.analysis.comparison import wilson_interval
from dashboard.builders import figures
from dashboard.builders.common import areas_for, export_name, month_of, source_data_to
from dashboard.core import formatting as fmt
from dashboard.core.periods import month_end, month_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.loaders.published import CONFIDENCE, CSEW, CSEW_DIFFERENCE
from dashboard.render.components import chart_block, data_table
from queries.published import printed_differences
from queries.surveys import survey_table

RANK_NOTE = (
    "The report colours each rank green when the force is better than the MSG average, red when "
    "worse and black when the same. The published tables give the ranks but not the MSG "
    "averages, so here a rank is green in the better half of the group (1-4 of 8; 1-21 of 42) "
    "and red in the worse half: a close stand-in, not the report's own colouring."
)


def _rank_cell(rank, of) -> html.Td:
    if pd.isna(rank):
        return html.Td("—", className="text-end")
    better = rank <= of / 2
    return html.Td(
        f"{int(rank)}",
        className=f"text-end {'rank-better' if better else 'rank-worse'}",
        title=f"{int(rank)} of {int(of)}: {'better' if better else 'worse'} half",
    )


def _date(value) -> dt.date:
    """A period end as a date (pandas gives Timestamps)."""
    return pd.Timestamp(value).date()


def _report_tables(csew: pd.DataFrame, end, force) -> list:
    csew = csew[csew["period_end"] <= month_end(end)]
    years = sorted(csew["period_end"].unique())
    if not years:
        return [html.P("No CSEW perception results on or before this period.")]
    first, last = years[0], years[-1]
    printed = printed_differences(CSEW_DIFFERENCE, force.id, _date(first), _date(last))
    measures = list(dict.fromkeys(csew["question"]))
    by = csew.set_index(["question", "period_end"])
    head = [html.Th("Measure", scope="col")] + [
        html.Th(f"Year ending {y:%m/%y}", scope="col", className="text-end") for y in years
    ]

    def table(caption, cells, extra_head):
        rows = [html.Tr([html.Th(m, scope="row"), *cells(m)]) for m in measures]
        return dbc.Table(
            [html.Caption(caption), html.Thead(html.Tr(head + extra_head)), html.Tbody(rows)],
            size="sm",
            responsive=True,
            hover=True,
            className="data-table",
        )

    def pct_cells(m):
        values = [by.loc[(m, y), "pct"] if (m, y) in by.index else None for y in years]
        diff = printed.get(m)  # the report's own figure, from its unrounded values
        if diff is None and values[0] is not None and values[-1] is not None:
            diff = values[-1] - values[0]
        return [
            html.Td(f"{v:.1f}%" if v is not None else "—", className="text-end") for v in values
        ] + [
            html.Td(
                f"{diff:+.1f}".replace("-", "−") if diff is not None else "—", className="text-end"
            )
        ]

    def rank_cells(col, of_col):
        def cells(m):
            ranks = [
                (by.loc[(m, y), col], by.loc[(m, y), of_col])
                if (m, y) in by.index
                else (None, None)
                for y in years
            ]
            out = [_rank_cell(r, o) for r, o in ranks]
            if ranks[0][0] is not None and ranks[-1][0] is not None:
                out.append(
                    html.Td(
                        fmt.signed_count(int(ranks[0][0] - ranks[-1][0])),
                        className="text-end",
                    )
                )
            else:
                out.append(html.Td("—"))
            return out

        return cells

    diff_head = [html.Th(f"Points difference from {first:%Y}", scope="col", className="text-end")]
    rank_head = [html.Th(f"Places gained since {first:%Y}", scope="col", className="text-end")]
    source = f"Source: {CSEW} via iQuanta, as published in the force's ASB deep-dive report."
    return [
        table(
            f"% perceiving a high level of ASB (lower is better), years ending March "
            f"{first:%Y}-{last:%Y}. {source}",
            pct_cells,
            diff_head,
        ),
        table(
            f"MSG position (1 = best of 8). {source}", rank_cells("msg_rank", "msg_of"), rank_head
        ),
        table(
            f"National position (1 = best of 42; the Metropolitan and City forces are "
            f"combined). {source}",
            rank_cells("national_rank", "national_of"),
            rank_head,
        ),
        html.P(
            (
                "Points differences are the report's printed figures (it computed them before "
                "rounding, so some differ by 0.1 from the rounded values shown)."
                if printed
                else "Points differences are computed from the rounded values shown."
            ),
            className="chart-notes",
        ),
        html.P(RANK_NOTE, className="chart-notes"),
    ]


def csew_block(force, end):
    csew = survey_table(CSEW, force.id)
    shown = csew[csew["period_end"] <= month_end(end)]
    fig = figures.survey_lines(
        shown,
        "CSEW perception of ASB",
        f"{force.label} · years ending March",
        f"{CSEW} via iQuanta",
    )
    total = shown[shown["question"] == "ASB Perception - Total"]
    summary = "No CSEW results on or before this period."
    if len(total) >= 2:
        change = total["pct"].iloc[-1] - total["pct"].iloc[0]
        summary = (
            f"{total['pct'].iloc[-1]:.1f}% perceived a high level of ASB in the year ending "
            f"{month_label(total['period_end'].iloc[-1])}, "
            f"{f'{change:+.1f}'.replace('-', '−')} points on {total['period_end'].iloc[0]:%Y}; "
            f"the force ranked {int(total['msg_rank'].iloc[-1])} of "
            f"{int(total['msg_of'].iloc[-1])} in its Most Similar Group."
        )
    data = data_table(
        pd.DataFrame(
            {
                "Measure": shown["question"],
                "Year ending": [month_label(d) for d in shown["period_end"]],
                "%": [f"{p:.1f}%" for p in shown["pct"]],
            }
        ),
        f"CSEW perception results, {force.label}.",
        numeric=["%"],
        row_header="Measure",
        illustrative=False,
    )
    return chart_block(
        "per-csew",
        "Crime Survey for England and Wales: perception of ASB",
        fig,
        summary,
        data,
        f"Period: years ending March, latest on or before {month_label(end)} · Area: "
        f"{force.label} (CSEW is reported by force) · Source: {CSEW} via iQuanta",
        export_name("csew-asb-perception", force, f"to-{end:%Y-%m}"),
        extra=[
            html.H3("The report's tables", className="h5 mt-3"),
            *_report_tables(csew, end, force),
        ],
        data_to=source_data_to("csew"),
    )


def confidence_block(area, force, end):
    survey = survey_table(CONFIDENCE, area.id)
    shown_for = area
    if survey.empty or not survey["question"].str.startswith("Q8a").any():
        survey, shown_for = survey_table(CONFIDENCE, force.id), force
    q8a = survey[survey["question"].str.startswith("Q8a")].copy()
    q8a = q8a[q8a["period_end"] <= month_end(end)]
    intervals = [
        wilson_interval(p, int(n)) if pd.notna(n) and n else (None, None)
        for p, n in zip(q8a["pct"], q8a["base_n"], strict=True)
    ]
    q8a["ci_low"] = [i[0] for i in intervals]
    q8a["ci_high"] = [i[1] for i in intervals]
    q8a["question"] = "Q8a: dealing with ASB (% agree)"
    fig = figures.survey_lines(
        q8a,
        "Confidence that the force is dealing with ASB",
        f"{shown_for.label} · Q8a, % agree",
        CONFIDENCE,
        y_title="% agree",
    )
    has_ci = q8a["ci_low"].notna().any()
    summary = (
        (
            f"{q8a['pct'].iloc[-1]:.0f}% agreed in the period to "
            f"{month_label(q8a['period_end'].iloc[-1])}"
            + (
                ", after "
                + ", ".join(f"{p:.0f}%" for p in q8a["pct"].iloc[:-1])
                + " in the earlier periods. "
                if len(q8a) > 1
                else " (the only result held). "
            )
            + (
                "95% confidence intervals are shown."
                if has_ci
                else "No sample sizes are published, so no confidence intervals can be shown."
            )
        )
        if len(q8a)
        else "No results on or before this period."
    )
    rows = pd.DataFrame(
        {
            "Period": [
                f"{(e.year - s.year) * 12 + e.month - s.month + 1} months to {month_label(e)}"
                for s, e in zip(q8a["period_start"], q8a["period_end"], strict=True)
            ],
            "% agree": [f"{p:.0f}%" for p in q8a["pct"]],
            "Base n": [f"{int(n):,}" if pd.notna(n) else "not published" for n in q8a["base_n"]],
            "95% interval": [
                f"{lo:.1f}% to {hi:.1f}%" if lo is not None else "—" for lo, hi in intervals
            ],
        }
    )
    note = f"Force-wide: no results are loaded for {area.label}." if shown_for is not area else ""
    return chart_block(
        "per-q8a",
        "Confidence and Satisfaction Survey: dealing with ASB",
        fig,
        summary + (" " + note if note else ""),
        data_table(
            rows,
            f"Q8a “Essex Police and the organisations they work with are dealing "
            f"with ASB”, {shown_for.label}. Source: {CONFIDENCE}.",
            numeric=["% agree", "Base n"],
            row_header="Period",
            illustrative=False,
        ),
        f"Period: to {month_label(end)} · Area: {shown_for.label} · Source: {CONFIDENCE}",
        export_name("confidence-dealing-with-asb", shown_for, f"to-{end:%Y-%m}"),
        data_to=source_data_to("confidence"),
    )


def victims_block(force):
    survey = survey_table(CONFIDENCE, force.id)
    split = survey[survey["question"].str.contains(r"\((?:victims|non-victims|all respondents)\)")]
    if split.empty:
        return html.Section(
            [
                html.H2("Victims and non-victims", className="h4 chart-title"),
                html.P("No results split by victims and non-victims are loaded."),
            ],
            className="chart-block",
        )
    split = split.assign(
        group=split["question"].str.extract(r"\(([^)]*)\)$")[0],
        measure=split["question"].str.replace(r"\s*\([^)]*\)$", "", regex=True),
    )
    frame = split.rename(columns={"measure": "question_short"})
    table = data_table(
        pd.DataFrame(
            {
                "Question": frame["question_short"],
                "Group": frame["group"],
                "%": [f"{p:.0f}%" for p in frame["pct"]],
                "Period": [
                    f"{s:%b} to {e:%b %Y}"
                    for s, e in zip(frame["period_start"], frame["period_end"], strict=True)
                ],
            }
        ),
        f"Victims and non-victims. Source: {frame['source'].iloc[0]}.",
        numeric=["%"],
        illustrative=False,
    )
    fig = go.Figure()
    for group, part in frame.groupby("group", sort=False):
        fig.add_bar(
            x=part["question_short"],
            y=part["pct"],
            name=group,
            text=[f"{p:.0f}%" for p in part["pct"]],
            textposition="outside",
        )
    fig.update_layout(barmode="group", yaxis={"title": "%", "range": [0, 100]})
    figures.finish(fig, "Victims and non-victims", f"{force.label} · Q4 2019/20", CONFIDENCE)
    victims = frame[
        (frame["group"] == "victims") & frame["question_short"].str.contains("dealing")
    ]["pct"]
    non = frame[
        (frame["group"] == "non-victims") & frame["question_short"].str.contains("dealing")
    ]["pct"]
    summary = (
        f"Victims were less likely than non-victims to agree the force is dealing with "
        f"crime and ASB locally ({victims.iloc[0]:.0f}% against {non.iloc[0]:.0f}%)."
        if len(victims) and len(non)
        else "Victims compared with non-victims."
    )
    return chart_block(
        "per-victims",
        "Victims and non-victims",
        fig,
        summary,
        table,
        f"Period: as stated · Area: {force.label} · Source: {CONFIDENCE}",
        export_name("victims-vs-non-victims", force, "q4-2019-20"),
        data_to=source_data_to("confidence"),
    )


def build(filters: Filters, _choices, _viewer: Viewer) -> list:
    force, area = areas_for(filters)
    end = month_of(filters.to)
    return [
        html.P(
            f"{area.label}; survey results on or before {month_label(end)}.",
            className="page-context",
        ),
        csew_block(force, end),
        confidence_block(area, force, end),
        victims_block(force),
    ]

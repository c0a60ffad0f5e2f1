"""Public perception and confidence: CSEW perception with ranks, the force's Q8a survey."""

from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd
import plotly.graph_objects as go

from dashboard.analysis.comparison import wilson_interval
from dashboard.builders import figures
from dashboard.builders.common import areas_for, export_name, month_of, page_for, source_data_to
from dashboard.core import ids
from dashboard.core.periods import month_end, month_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.loaders.published import CONFIDENCE, CSEW, CSEW_DIFFERENCE
from dashboard.model import Chart, Column, Note, Page, Section, Table
from queries.published import printed_differences
from queries.surveys import survey_table

RANK_NOTE = (
    "The report colours each rank green when the force is better than the MSG average, red when "
    "worse and black when the same. The published tables give the ranks but not the MSG "
    "averages, so here a rank is green in the better half of the group (1-4 of 8; 1-21 of 42) "
    "and red in the worse half: a close stand-in, not the report's own colouring."
)


def _date(value) -> dt.date:
    """A period end as a date (pandas gives Timestamps)."""
    return pd.Timestamp(value).date()


def _known(value) -> bool:
    return value is not None and not pd.isna(value)


def _report_tables(csew: pd.DataFrame, end, force) -> list:
    csew = csew[csew["period_end"] <= month_end(end)]
    years = sorted(csew["period_end"].unique())
    if not years:
        return [Note("plain", "No CSEW perception results on or before this period.")]
    first, last = years[0], years[-1]
    printed = printed_differences(CSEW_DIFFERENCE, force.id, _date(first), _date(last))
    measures = list(dict.fromkeys(csew["question"]))
    by = csew.set_index(["question", "period_end"])
    year_columns = [f"Year ending {y:%m/%y}" for y in years]
    source = f"Source: {CSEW} via iQuanta, as published in the force's ASB deep-dive report."

    def value(m, y, col):
        return by.loc[(m, y), col] if (m, y) in by.index else None

    diff_column = f"Points difference from {first:%Y}"
    pct_rows = []
    for m in measures:
        values = [value(m, y, "pct") for y in years]
        diff = printed.get(m)  # the report's own figure, from its unrounded values
        if diff is None and values[0] is not None and values[-1] is not None:
            diff = values[-1] - values[0]
        pct_rows.append([m, *values, diff])
    pct_table = Table(
        f"% perceiving a high level of ASB (lower is better), years ending March "
        f"{first:%Y}-{last:%Y}. {source}",
        pd.DataFrame(pct_rows, columns=["Measure", *year_columns, diff_column], dtype=object),
        (
            Column("Measure"),
            *[Column(c, "percent", 1) for c in year_columns],
            Column(diff_column, "signed_number", 1),
        ),
        row_header="Measure",
        inline=True,
    )

    gained_column = f"Places gained since {first:%Y}"

    def rank_table(caption: str, col: str, of_col: str) -> Table:
        rows, tones, titles = [], {}, {}
        for i, m in enumerate(measures):
            ranks = [(value(m, y, col), value(m, y, of_col)) for y in years]
            for column, (rank, of) in zip(year_columns, ranks, strict=True):
                if _known(rank):
                    # A stand-in for the report's colours: the better or worse half (RANK_NOTE).
                    half = "better" if rank <= of / 2 else "worse"
                    tones[(i, column)] = half
                    titles[(i, column)] = f"{int(rank)} of {int(of)}: {half} half"
            gained = (
                int(ranks[0][0] - ranks[-1][0])
                if _known(ranks[0][0]) and _known(ranks[-1][0])
                else None
            )
            rows.append([m, *[int(r) if _known(r) else None for r, _ in ranks], gained])
        return Table(
            caption,
            pd.DataFrame(rows, columns=["Measure", *year_columns, gained_column], dtype=object),
            (
                Column("Measure"),
                *[Column(c, "integer") for c in year_columns],
                Column(gained_column, "signed_count"),
            ),
            row_header="Measure",
            tones=tones,
            titles=titles,
            inline=True,
        )

    return [
        pct_table,
        rank_table(f"MSG position (1 = best of 8). {source}", "msg_rank", "msg_of"),
        rank_table(
            f"National position (1 = best of 42; the Metropolitan and City forces are "
            f"combined). {source}",
            "national_rank",
            "national_of",
        ),
        Note(
            "notes",
            "Points differences are the report's printed figures (it computed them before "
            "rounding, so some differ by 0.1 from the rounded values shown)."
            if printed
            else "Points differences are computed from the rounded values shown.",
        ),
        Note("notes", RANK_NOTE),
    ]


def csew_block(force, end) -> Chart:
    """The force's CSEW perception of ASB by year, then the report's tables of values and ranks."""
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
    table = Table(
        f"CSEW perception results, {force.label}.",
        pd.DataFrame(
            {
                "Measure": list(shown["question"]),
                "Year ending": [_date(d) for d in shown["period_end"]],
                "%": list(shown["pct"]),
            }
        ),
        (Column("Measure"), Column("Year ending", "month"), Column("%", "percent", 1)),
        row_header="Measure",
    )
    source = f"{CSEW} via iQuanta"
    return Chart(
        id="per-csew",
        title="Crime Survey for England and Wales: perception of ASB",
        figure=fig,
        summary=summary,
        table=table,
        period=f"years ending March, latest on or before {month_label(end)}",
        area=f"{force.label} (CSEW is reported by force)",
        source=source,
        filename=export_name("csew-asb-perception", force, f"to-{end:%Y-%m}"),
        data_to=source_data_to("csew"),
        notes=(Note("heading", "The report's tables"), *_report_tables(csew, end, force)),
    )


def _months(start, end) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def confidence_block(area, force, end) -> Chart:
    """Q8a confidence over time with Wilson intervals; the force's results if the area has none."""
    survey = survey_table(CONFIDENCE, area.id)
    shown_for = area
    if survey.empty or not survey["question"].str.startswith("Q8a").any():
        survey, shown_for = survey_table(CONFIDENCE, force.id), force
    q8a = survey[survey["question"].str.startswith("Q8a")].copy()
    q8a = q8a[q8a["period_end"] <= month_end(end)]
    # Wilson intervals, as on every page (a Wald interval would leave 0-100% on small bases).
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
    table = Table(
        f"Q8a “Essex Police and the organisations they work with are dealing "
        f"with ASB”, {shown_for.label}. Source: {CONFIDENCE}.",
        pd.DataFrame(
            {
                "Period": [
                    f"{_months(s, e)} months to {month_label(e)}"
                    for s, e in zip(q8a["period_start"], q8a["period_end"], strict=True)
                ],
                "% agree": list(q8a["pct"]),
                "Base n": [int(n) if pd.notna(n) else None for n in q8a["base_n"]],
                # An interval reads as one phrase; its ends are in the chart's error bars.
                "95% interval": [
                    f"{lo:.1f}% to {hi:.1f}%" if lo is not None else None for lo, hi in intervals
                ],
            },
            dtype=object,
        ),
        (
            Column("Period"),
            Column("% agree", "percent"),
            Column("Base n", "count", missing="not published"),
            Column("95% interval"),
        ),
        row_header="Period",
    )
    note = f"Force-wide: no results are loaded for {area.label}." if shown_for is not area else ""
    return Chart(
        id="per-q8a",
        title="Confidence and Satisfaction Survey: dealing with ASB",
        figure=fig,
        summary=summary + (" " + note if note else ""),
        table=table,
        period=f"to {month_label(end)}",
        area=shown_for.label,
        source=CONFIDENCE,
        filename=export_name("confidence-dealing-with-asb", shown_for, f"to-{end:%Y-%m}"),
        data_to=source_data_to("confidence"),
    )


def victims_block(force) -> Chart | Section:
    """Victims against non-victims on the survey's questions, or a note when no split is loaded."""
    survey = survey_table(CONFIDENCE, force.id)
    split = survey[survey["question"].str.contains(r"\((?:victims|non-victims|all respondents)\)")]
    if split.empty:
        return Section(
            "Victims and non-victims",
            (Note("plain", "No results split by victims and non-victims are loaded."),),
        )
    split = split.assign(
        group=split["question"].str.extract(r"\(([^)]*)\)$")[0],
        measure=split["question"].str.replace(r"\s*\([^)]*\)$", "", regex=True),
    )
    frame = split.rename(columns={"measure": "question_short"})
    table = Table(
        f"Victims and non-victims. Source: {frame['source'].iloc[0]}.",
        pd.DataFrame(
            {
                "Question": list(frame["question_short"]),
                "Group": list(frame["group"]),
                "%": list(frame["pct"]),
                "Period": [
                    f"{s:%b} to {e:%b %Y}"
                    for s, e in zip(frame["period_start"], frame["period_end"], strict=True)
                ],
            }
        ),
        (Column("Question"), Column("Group"), Column("%", "percent"), Column("Period")),
    )
    fig = go.Figure()
    for group, part in frame.groupby("group", sort=False):
        fig.add_bar(  # across: the questions are sentences, which turned and clipped at 390 px
            y=["<br>".join(textwrap.wrap(q, 22)) for q in part["question_short"]],
            x=part["pct"],
            name=group,
            orientation="h",
            text=[f"{p:.0f}%" for p in part["pct"]],
            textposition="outside",
            textfont={"size": 12},
            cliponaxis=False,
            hovertemplate="%{x:.0f}%",
        )
    fig.update_layout(
        barmode="group",
        xaxis={"title": "% of respondents", "range": [0, 100]},
        yaxis={"autorange": "reversed", "automargin": True},
        hovermode="closest",
    )
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
    return Chart(
        id="per-victims",
        title="Victims and non-victims",
        figure=fig,
        summary=summary,
        table=table,
        period="as stated",
        area=force.label,
        source=CONFIDENCE,
        filename=export_name("victims-vs-non-victims", force, "q4-2019-20"),
        data_to=source_data_to("confidence"),
    )


def build(filters: Filters, _choices, _viewer: Viewer) -> Page:
    """The Public perception and confidence page for valid filters."""
    force, area = areas_for(filters)
    end = month_of(filters.to)
    return page_for(
        ids.PERCEPTION,
        "Public perception and confidence",
        filters,
        [
            Note("context", f"{area.label}; survey results on or before {month_label(end)}."),
            csew_block(force, end),
            confidence_block(area, force, end),
            victims_block(force),
        ],
    )

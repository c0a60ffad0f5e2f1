"""Pure figure builders: DataFrames in, Plotly figures out. No queries, no Dash.

Every figure carries its own title, a subtitle with area and period, and a source line, so an
exported image stands alone in a board paper.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.analysis.spc import SpcResult
from dashboard.core.theme import OKABE_ITO
from dashboard.core.vocab import NSIR_CATEGORIES

BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION, _, BLACK = OKABE_ITO
GREY = "#6b6b6b"
IMPROVEMENT, CONCERN = BLUE, VERMILLION
CATEGORY_COLOURS = {"personal": PINK, "nuisance": BLUE, "environmental": GREEN}


NOTE_WIDTH = 130  # characters of an 11 px source note a line, in a 1200 px image


def finish(
    fig: go.Figure,
    title: str,
    subtitle: str,
    source: str,
    illustrative: bool = False,
    height: int = 420,
    key: Sequence[str] = (),
) -> go.Figure:
    """Title, subtitle, legend and source line laid out in pixels so they never overlap.

    `key` lines (what numbered marks on the chart are) go under the source, so an image reads
    alone; the screen's own table lists them.
    """
    note = f"Source: {source}" + ("  ·  Illustrative data (modelled)" if illustrative else "")
    # Wrapped, so a wide left margin (long district names) cannot push it off the image.
    lines = [*textwrap.wrap(note, NOTE_WIDTH, subsequent_indent="  "), *key]
    note = "<br>".join(lines)
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    rows = math.ceil(entries / 2) if entries > 1 else 0  # two entries a row, to be safe
    legend_top, row_h = 58, 24
    note_top = legend_top + rows * row_h + 8
    bottom = note_top + 30 + 16 * (len(lines) - 1)
    height += 16 * (len(lines) - 1)
    top = 100
    height += rows * row_h
    plot_h = height - top - bottom
    fig.update_layout(
        title={
            "text": f"{title}<br><span style='font-size:13px'>{subtitle}</span>",
            "x": 0.01,
            "xanchor": "left",
            "y": 1 - 30 / height,
            "yanchor": "top",
        },
        height=height,
        margin={"t": top, "b": bottom, "l": 70, "r": 30},
        showlegend=rows > 0 and fig.layout.showlegend is not False,
        legend={
            "orientation": "h",
            "y": -legend_top / plot_h,
            "x": 0,
            "yanchor": "top",
            "entrywidth": 0.5,
            "entrywidthmode": "fraction",
            # "grouped" (Plotly's default once a trace has a legendgroup) stacks a horizontal
            # legend's groups one a row, past the rows reserved for it.
            "traceorder": "normal",
            "font": {"size": 13},
        },
        hovermode=fig.layout.hovermode or "x unified",
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    fig.add_annotation(
        text=note,
        xref="paper",
        yref="paper",
        x=0,
        y=-note_top / plot_h,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        align="left",
        font={"size": 11, "color": GREY},
    )
    return fig


def stamp_data_to(fig: go.Figure, data_to: str) -> go.Figure:
    """Add "Data to <month>" under the source note, growing the bottom margin to fit it."""
    if not isinstance(fig, go.Figure):
        return fig
    # In place, and only once (the check above): copying a figure re-validates every trace,
    # which cost a chart-heavy page over 100 ms a view.
    notes = [a for a in fig.layout.annotations if str(a.text or "").startswith("Source: ")]
    if not notes or "Data to " in notes[-1].text:
        return fig
    notes[-1].text = f"{notes[-1].text}<br>Data to {data_to}"
    extra = 16
    fig.layout.margin.b = (fig.layout.margin.b or 0) + extra
    fig.layout.height = (fig.layout.height or 450) + extra
    return fig


SCREEN_TOP = 36  # room for Plotly's modebar above the plot
SCREEN_TICKS = 48  # x tick labels and axis title under the plot
SCREEN_ROW = 22  # one legend row: at 390 px wide each entry takes a row


def screen_figure(fig: go.Figure | dict) -> go.Figure | dict:
    """The figure for the screen: no in-figure title, subtitle or source note (the chart block's
    heading and meta line say them, and at 390 px the title ran under the modebar) and the
    legend at the foot of the figure, where Plotly grows the bottom margin to fit however many
    rows it wraps to. Images keep finish()'s self-contained layout: this returns a new figure
    that shares the traces and leaves `fig` as it is."""
    if not isinstance(fig, go.Figure):
        return fig
    layout = fig.layout.to_plotly_json()
    title = layout.get("title") or {}
    if not title.get("text"):
        return fig
    margin = layout.get("margin") or {}
    height = layout.get("height") or 450
    plot_h = height - (margin.get("t") or 0) - (margin.get("b") or 0)
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    legend = layout.get("legend") or {}
    beside = legend.get("orientation") == "v"  # the map's bands sit beside it: leave them
    rows = entries if layout.get("showlegend") and not beside else 0
    layout["annotations"] = [
        a
        for a in layout.get("annotations", ())
        if not str(a.get("text", "")).startswith("Source: ")
    ]
    layout["title"] = {"text": ""}
    layout["margin"] = {**margin, "t": SCREEN_TOP, "b": 24 if rows else SCREEN_TICKS}
    layout["height"] = plot_h + SCREEN_TOP + SCREEN_TICKS + rows * SCREEN_ROW + (12 if rows else 0)
    if not beside:
        layout["legend"] = {
            **{k: v for k, v in legend.items() if k not in ("entrywidth", "entrywidthmode")},
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
        }
    layout["xaxis"] = {**(layout.get("xaxis") or {}), "automargin": True}
    # A dict, not a go.Figure: building a Figure re-validates every trace (slow on the map).
    return {"data": list(fig.data), "layout": layout}


def add_events(fig: go.Figure, events: Sequence, start: dt.date, end: dt.date) -> list[str]:
    """Dotted lines at each event in range, numbered on the chart (staggered in height, as
    events come weeks apart) and named on hover; returns the key lines for finish()."""
    shown = [e for e in events if start <= e.date <= end]
    lines = [
        {
            "type": "line",
            "xref": "x",
            "yref": "y domain",
            "x0": e.date,
            "x1": e.date,
            "y0": 0,
            "y1": 1,
            "line": {"dash": "dot", "color": GREY, "width": 1},
        }
        for e in shown
    ]  # in one update: add_vline() per event costs ~5 ms each
    if shown:
        fig.update_layout(shapes=[*fig.layout.shapes, *lines])
        fig.add_trace(
            go.Scatter(
                x=[e.date for e in shown],
                y=[1.0 - 0.08 * (i % 4) for i in range(len(shown))],
                yaxis="y3",
                mode="markers+text",
                marker={"symbol": "triangle-down", "size": 10, "color": GREY},
                name="Events (numbered)",
                text=[str(i) for i in range(1, len(shown) + 1)],
                textposition="middle right",
                textfont={"size": 12, "color": BLACK},
                customdata=[e.title for e in shown],
                hovertemplate="%{text}: %{customdata}<extra></extra>",
                cliponaxis=False,
            )
        )
        fig.update_layout(yaxis3={"overlaying": "y", "range": [0, 1.05], "visible": False})
    return event_key(shown)


def event_key(shown: Sequence) -> list[str]:
    """'Events: 1 Title (Mon YYYY); 2 ...' in lines of at most about NOTE_WIDTH characters."""
    items = [f"{i} {e.title} ({e.date:%b %Y})" for i, e in enumerate(shown, 1)]
    lines: list[str] = []
    line = "Events:"
    for item in items:
        if len(line) + len(item) > NOTE_WIDTH:
            lines.append(line)
            line = " "
        line += f" {item};"
    if items:
        lines.append(line.rstrip(";"))
    return lines


def nice_step(span: float, intervals: int) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k step that covers `span` in `intervals` steps."""
    raw = max(span, 1e-9) / intervals
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)


def round_twin_axes(left_max: float, right_max: float) -> tuple[dict, dict]:
    """Ranges and steps for two axes from zero: round ticks on both, gridlines shared."""
    best = None
    for n in (4, 5, 6):
        steps = nice_step(left_max, n), nice_step(right_max, n)
        waste = (n * steps[0] - left_max) / max(left_max, 1e-9) + (n * steps[1] - right_max) / max(
            right_max, 1e-9
        )
        if best is None or waste < best[0]:
            best = (waste, n, steps)
    assert best is not None
    _, n, (left, right) = best
    return (
        {"range": [0, n * left], "tickmode": "linear", "tick0": 0, "dtick": left},
        {"range": [0, n * right], "tickmode": "linear", "tick0": 0, "dtick": right},
    )


def incidents_trend(
    monthly: pd.DataFrame,
    rolling_incl: list,
    rolling_excl: list,
    events,
    title: str,
    subtitle: str,
    source: str,
    illustrative: bool,
) -> go.Figure:
    """Monthly bars (Covid breaches stacked on top) and rolling 12-month totals."""
    fig = go.Figure()
    other = monthly["incidents"] - monthly["covid_breaches"]
    fig.add_bar(
        x=monthly["month"],
        y=other,
        name="Monthly incidents (not Covid breaches)",
        marker_color=SKY,
        hovertemplate="%{y:,}",
    )
    if monthly["covid_breaches"].sum() > 0:
        fig.add_bar(
            x=monthly["month"],
            y=monthly["covid_breaches"],
            name="Monthly Covid breaches",
            marker_color=ORANGE,
            hovertemplate="%{y:,}",
        )
    fig.add_scatter(
        x=monthly["month"],
        y=rolling_incl,
        name="Rolling 12 months, including Covid",
        yaxis="y2",
        line={"color": BLACK, "width": 3},
        hovertemplate="%{y:,.0f}",
    )
    fig.add_scatter(
        x=monthly["month"],
        y=rolling_excl,
        name="Rolling 12 months, excluding Covid",
        yaxis="y2",
        line={"color": BLUE, "width": 3, "dash": "dash"},
        hovertemplate="%{y:,.0f}",
    )
    left, right = round_twin_axes(
        float(monthly["incidents"].max() or 1),
        float(max([v for v in [*rolling_incl, *rolling_excl] if v is not None], default=1)),
    )
    fig.update_layout(
        barmode="stack",
        yaxis={"title": "Incidents per month", **left, "tickformat": ",d"},
        yaxis2={
            "title": "Rolling 12-month total",
            "overlaying": "y",
            "side": "right",
            **right,
            "tickformat": ",d",
            "showgrid": False,
        },
    )
    last = monthly["month"].max()
    month_end = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
    key = add_events(fig, events, monthly["month"].min(), month_end)  # all of the last month
    return finish(fig, title, subtitle, source, illustrative, height=460, key=key)


def category_share(
    shares: pd.DataFrame, title: str, subtitle: str, source: str, illustrative: bool
) -> go.Figure:
    """100% stacked bars of the NSIR split for each 12-month period."""
    fig = go.Figure()
    for category in NSIR_CATEGORIES:
        part = shares[shares["category"] == category]
        fig.add_bar(
            x=part["period"],
            y=part["share"],
            name=category.capitalize(),
            marker_color=CATEGORY_COLOURS[category],
            texttemplate="%{y:.0f}%",  # one precision; the hover and table give one decimal
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont={"size": 12},
            hovertemplate="%{y:.1f}%",
        )
    fig.update_layout(
        barmode="stack",
        yaxis={"title": "% of incidents", "range": [0, 100]},
        # A label that does not fit level at 12 px is left off, not shrunk or turned.
        uniformtext={"minsize": 12, "mode": "hide"},
    )
    _period_ticks(fig, sorted(shares["period"].unique()))
    return finish(fig, title, subtitle, source, illustrative)


def spc_chart(
    months: Sequence[dt.date],
    result: SpcResult,
    title: str,
    subtitle: str,
    source: str,
    illustrative: bool,
    value_label: str,
    target: float | None = None,
    percent: bool = False,
) -> go.Figure:
    """An SPC chart: values, centre and limits per point (seasonal and p′ limits move from
    month to month; none where there is not enough data), each month marked by its one verdict."""
    fig = go.Figure()
    months = list(months)
    scale = 100.0 if percent else 1.0
    fmt = ".1f" if percent else ",.0f"

    def line(attr: str):
        return [getattr(lim, attr) * scale if lim is not None else None for lim in result.limits]

    fig.add_scatter(
        x=months,
        y=line("centre"),
        name="Centre",
        mode="lines",
        line={"color": BLACK, "width": 1.5, "shape": "hvh"},
        hovertemplate=f"centre %{{y:{fmt}}}",
        connectgaps=False,
    )
    for attr, name in (("upper", "Upper limit"), ("lower", "Lower limit")):
        fig.add_scatter(
            x=months,
            y=line(attr),
            name="Process limits",
            mode="lines",
            legendgroup="limits",
            showlegend=attr == "upper",
            line={"color": GREY, "dash": "dash", "width": 1.5, "shape": "hvh"},
            hovertemplate=f"{name.lower()} %{{y:{fmt}}}",
            connectgaps=False,
        )
    for seg in result.segments[1:]:
        fig.add_vline(x=months[seg.start], line={"color": BLACK, "width": 1})
    styles = {
        "special cause concern": (CONCERN, "diamond", "concern"),
        "special cause improvement": (IMPROVEMENT, "square", "improvement"),
        "special cause neither": (PINK, "triangle-up", "special cause"),
        "no limits": (GREY, "circle-open", "no limits"),
    }
    colour, symbol, labels = [], [], []
    for verdict in result.verdicts:
        c, sym, label = styles.get(verdict.category, (GREY, "circle", "common cause"))
        colour.append(c)
        symbol.append(sym)
        labels.append(label)
    fig.add_scatter(
        x=months,
        y=[v * scale for v in result.values],
        name=value_label,
        mode="lines+markers",
        line={"color": "#9a9a9a", "width": 1.5},
        marker={"color": colour, "symbol": symbol, "size": 9},
        text=labels,
        hovertemplate=f"%{{y:{fmt}}} (%{{text}})",
    )
    neutral = result.polarity == "neutral"
    legend = (
        [("Special cause (no better direction)", PINK, "triangle-up")]
        if neutral
        else [
            ("Special cause: improvement", IMPROVEMENT, "square"),
            ("Special cause: concern", CONCERN, "diamond"),
        ]
    )
    for meaning, c, sym in legend:
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=meaning,
            marker={"color": c, "symbol": sym, "size": 9},
        )
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": GREEN, "width": 2, "dash": "dashdot"},
            annotation_text="target",
            annotation_position="top left",
        )
    fig.update_layout(yaxis={"title": value_label})
    return finish(fig, title, subtitle, source, illustrative, height=440)


def forecast_chart(
    actual: pd.DataFrame,
    forecasts: dict,
    title: str,
    subtitle: str,
    source: str,
    illustrative: bool,
) -> go.Figure:
    """Actual monthly counts and, for each series, the forecast with 80% and 95% intervals."""
    fig = go.Figure()
    styles = {
        "including Covid breaches": (BLACK, "rgba(0,0,0,"),
        "excluding Covid breaches": (BLUE, "rgba(0,114,178,"),
    }
    for name, (series, fc) in forecasts.items():
        colour, rgba = styles[name]
        fig.add_scatter(
            x=actual["month"],
            y=series,
            name=f"Actual, {name}",
            line={"color": colour, "width": 2},
            hovertemplate="%{y:,.0f}",
        )
        if fc is None:
            continue
        f = fc.frame
        x = list(f["month"]) + list(f["month"])[::-1]
        fig.add_scatter(
            x=x,
            y=list(f["hi95"]) + list(f["lo95"])[::-1],
            fill="toself",
            fillcolor=rgba + "0.12)",
            mode="lines",
            line={"width": 0},
            name=f"95% interval, {name}",
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=x,
            y=list(f["hi80"]) + list(f["lo80"])[::-1],
            fill="toself",
            fillcolor=rgba + "0.25)",
            mode="lines",
            line={"width": 0},
            name=f"80% interval, {name}",
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=f["month"],
            y=f["mean"],
            name=f"Forecast, {name}",
            line={"color": colour, "width": 2, "dash": "dot"},
            hovertemplate="%{y:,.0f}",
        )
    fig.update_layout(yaxis={"title": "Incidents per month", "rangemode": "tozero"})
    return finish(fig, title, subtitle, source, illustrative, height=460)


def attendance_chart(
    annual: pd.DataFrame, title: str, subtitle: str, source: str, illustrative: bool
) -> go.Figure:
    """Incidents and attended as bars for each period, % attended as a line on its own axis."""
    fig = go.Figure()
    fig.add_bar(
        x=annual["period"],
        y=annual["incidents"],
        name="ASB incidents",
        marker_color=SKY,
        hovertemplate="%{y:,}",
    )
    fig.add_bar(
        x=annual["period"],
        y=annual["attended"],
        name="Incidents attended",
        marker_color=BLUE,
        hovertemplate="%{y:,}",
    )
    fig.add_scatter(
        x=annual["period"],
        y=annual["pct"],
        name="% attended",
        yaxis="y2",
        mode="lines+markers+text",
        text=annual["pct"].round(0).astype(int),
        texttemplate="%{text}%",
        textposition="top center",
        textfont={"size": 12},  # six fit apart at 390 px
        cliponaxis=False,
        line={"color": BLACK, "width": 2},
        hovertemplate="%{y:.1f}%",
    )
    step = nice_step(float(annual["incidents"].max() or 1), 4)
    fig.update_layout(
        barmode="group",
        yaxis={
            "title": "Incidents",
            "range": [0, 4 * step],
            "tickmode": "linear",
            "tick0": 0,
            "dtick": step,
            "tickformat": "~s",  # "60k": room for six year labels between two axes at 390 px
        },
        yaxis2={  # four steps, as the left axis, so the gridlines serve both
            "title": "% attended",
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 25,
            "ticksuffix": "%",
            "showgrid": False,
        },
    )
    _period_ticks(fig, sorted(annual["period"].unique()))
    return finish(fig, title, subtitle, source, illustrative)


def district_bars(
    frame: pd.DataFrame,
    value: str,
    label: str,
    highlight: str | None,
    title: str,
    subtitle: str,
    source: str,
    illustrative: bool,
    reference: float | None = None,
    reference_label: str = "",
) -> go.Figure:
    """Districts as sorted horizontal bars, the selected one highlighted, and a reference line."""
    frame = frame.sort_values(value)
    colours = [ORANGE if d == highlight else BLUE for d in frame["district"]]
    whole = bool((frame[value].dropna() % 1 == 0).all())
    fmt = ",.0f" if whole else ".1f"  # one precision for every bar
    top = max(float(frame[value].max() or 0), reference or 0.0)
    fig = go.Figure(
        go.Bar(
            x=frame[value],
            y=frame["district"],
            orientation="h",
            marker_color=colours,
            hovertemplate=f"%{{x:{fmt}}} {label}<extra></extra>",
            texttemplate=f"%{{x:{fmt}}}",
            # Inside the bar's end, over the reference line (drawn below the bars), where
            # there is room; outside, and never clipped, where there is not.
            textposition="auto",
            insidetextanchor="end",
            textfont={"size": 12},
            cliponaxis=False,
        )
    )
    if reference is not None:
        fig.add_vline(
            x=reference,
            layer="below",
            line={"color": BLACK, "dash": "dash"},
            annotation_text=f"{reference_label} {reference:{fmt}}".strip(),
            annotation_position="top",
            annotation_yanchor="bottom",
            annotation_font={"size": 12},
        )
    fig.update_layout(
        xaxis={"title": label, "range": [0, top * 1.12]},
        yaxis={"automargin": True},
        uniformtext={"minsize": 12, "mode": "show"},
        hovermode="closest",
        showlegend=False,
    )
    return finish(fig, title, subtitle, source, illustrative, height=440)


def _period_ticks(fig: go.Figure, periods) -> None:
    """Label 12-month periods by the year they end, the axis title saying the month
    ("12 months to March"), so six fit level at 390 px; 'Mon<br>YYYY' if the months differ."""
    periods = list(periods)
    ends = []
    for p in periods:
        if isinstance(p, str):
            found = re.search(r"([A-Z][a-z]{2})[a-z]* (\d{4})\s*$", p)
            ends.append((found.group(1), found.group(2)) if found else (p, ""))
        else:
            ends.append((f"{p:%b}", f"{p:%Y}"))
    months = {m for m, _ in ends}
    same = len(months) == 1 and all(y for _, y in ends)
    month_names = {f"{dt.date(2000, n, 1):%b}": f"{dt.date(2000, n, 1):%B}" for n in range(1, 13)}
    fig.update_xaxes(
        tickvals=periods,
        ticktext=[y if same else f"{m}<br>{y}" for m, y in ends],
        tickangle=0,
        tickfont={"size": 12},
        title=f"12 months to {month_names.get(next(iter(months)), '')}" if same else None,
    )


def msg_rates(
    history: pd.DataFrame, force_id: int, title: str, subtitle: str, source: str, illustrative: bool
) -> go.Figure:
    """Each force's rate per 1,000 by year; the MSG averages and a band of one SD."""
    fig = go.Figure()
    periods = sorted(history["period_end"].unique())
    stats = history.groupby("period_end").agg(
        mean=("rate", "mean"),
        sd=("rate", "std"),
        value=("value", "sum"),
        population=("population", "sum"),
    )
    stats["weighted"] = 1000 * stats["value"] / stats["population"]
    fig.add_scatter(
        x=periods + periods[::-1],
        y=list(stats["mean"] + stats["sd"]) + list(stats["mean"] - stats["sd"])[::-1],
        fill="toself",
        fillcolor="rgba(0,0,0,0.08)",
        mode="lines",  # not markers: a short trace defaults to lines+markers
        line={"width": 0},
        name="MSG simple mean ± 1 standard deviation",
        hoverinfo="skip",
    )
    peers_named = False
    for force, part in history.groupby("force"):
        mine = int(part["force_id"].iloc[0]) == force_id
        fig.add_scatter(
            x=part["period_end"],
            y=part["rate"],
            # The force by name; its peers as one grey entry (eleven entries overran the legend).
            name=force if mine else "Other MSG forces",
            legendgroup=None if mine else "peers",
            showlegend=mine or not peers_named,
            mode="lines+markers",
            line={"color": ORANGE if mine else "#a8a8a8", "width": 4 if mine else 1.5},
            customdata=[force] * len(part),
            hovertemplate="%{customdata}: %{y:.1f} per 1,000<extra></extra>",
        )
        peers_named = peers_named or not mine
    fig.add_scatter(
        x=periods,
        y=stats["weighted"],
        name="MSG average (weighted)",
        line={"color": BLACK, "dash": "dash", "width": 2},
        hovertemplate="%{y:.1f} per 1,000",
    )
    fig.add_scatter(
        x=periods,
        y=stats["mean"],
        name="MSG average (simple mean)",
        line={"color": BLUE, "dash": "dot", "width": 2},
        hovertemplate="%{y:.1f} per 1,000",
    )
    fig.update_layout(yaxis={"title": "ASB incidents per 1,000 population", "rangemode": "tozero"})
    _period_ticks(fig, periods)
    return finish(fig, title, subtitle, source, illustrative, height=480)


def msg_rank(
    history: pd.DataFrame, force_id: int, title: str, subtitle: str, source: str, illustrative: bool
) -> go.Figure:
    """The force's MSG position by year, 1 (the lowest rate) at the top."""
    mine = history[history["force_id"] == force_id]
    fig = go.Figure(
        go.Scatter(
            x=mine["period_end"],
            y=mine["rank"],
            mode="lines+markers+text",
            text=mine["rank"],
            textposition="top center",
            line={"color": ORANGE, "width": 3},
            name="Position",
        )
    )
    of = int(history["of"].max()) if len(history) else 8
    fig.update_layout(
        yaxis={  # short: a long title ran past the plot into the subtitle
            "title": f"Position of {of}",
            "range": [of + 0.5, 0.5],
            "dtick": 1,
        },
        showlegend=False,
    )
    _period_ticks(fig, sorted(history["period_end"].unique()))
    return finish(fig, title, subtitle, source, illustrative, height=400)


def funnel_plot(
    table: pd.DataFrame,
    force_id: int,
    limits: pd.DataFrame,
    average: float,
    title: str,
    subtitle: str,
    source: str,
    illustrative: bool,
) -> go.Figure:
    """Rate against population with Poisson 95% and 99.8% limits around the MSG average."""
    fig = go.Figure()
    for level, colour, dash in (("998", GREY, "dash"), ("95", BLUE, "dot")):
        name = f"{'99.8' if level == '998' else '95'}% limits"
        for bound in ("hi", "lo"):
            fig.add_scatter(
                x=limits["population"],
                y=limits[f"{bound}{level}"],
                name=name,
                showlegend=bound == "hi",
                line={"color": colour, "dash": dash},
                hoverinfo="skip",
            )
    fig.add_hline(y=average, line={"color": BLACK, "width": 1})
    fig.add_scatter(  # named in the legend: a label on the line overprinted the forces at 390 px
        x=[None],
        y=[None],
        mode="lines",
        name=f"MSG average (weighted), {average:.1f}",
        line={"color": BLACK, "width": 1},
    )
    mine = table["force_id"] == force_id
    fig.add_scatter(  # peers named on hover and in the table: their labels overprinted
        x=table.loc[~mine, "population"],
        y=table.loc[~mine, "rate"],
        mode="markers",
        text=table.loc[~mine, "force"],
        marker={"color": "#8a8a8a", "size": 10},
        name="Peer forces",
        hovertemplate="%{text}: %{y:.1f} per 1,000<extra></extra>",
    )
    fig.add_scatter(
        x=table.loc[mine, "population"],
        y=table.loc[mine, "rate"],
        mode="markers+text",
        text=table.loc[mine, "force"],
        textposition="top center",
        textfont={"size": 13},
        cliponaxis=False,
        marker={"color": ORANGE, "size": 14, "symbol": "diamond"},
        name="This force",
        hovertemplate="%{text}: %{y:.1f} per 1,000<extra></extra>",
    )
    fig.update_layout(
        xaxis={"title": "Population"}, yaxis={"title": "Incidents per 1,000"}, hovermode="closest"
    )
    return finish(fig, title, subtitle, source, illustrative, height=460)


SURVEY_STYLES = (  # colour and marker per line: no two alike, the pale yellow left out
    (BLACK, "circle"),
    (BLUE, "square"),
    (ORANGE, "diamond"),
    (GREEN, "triangle-up"),
    (PINK, "x"),
    (VERMILLION, "triangle-down"),
    (SKY, "star"),
    (GREY, "cross"),
    ("#8c564b", "hexagon"),
)


def survey_lines(
    frame: pd.DataFrame, title: str, subtitle: str, source: str, y_title: str = "% of respondents"
) -> go.Figure:
    """One line per question over time, with 95% confidence intervals where a base n is known.

    The y axis spans the data (with its intervals), not 0 to 100, so a change of a few points
    can be seen; the axis title says it does not start at zero. Surveys are yearly or
    quarterly: ticks are years.
    """
    fig = go.Figure()
    lows: list[float] = []
    highs: list[float] = []
    for i, (question, part) in enumerate(frame.groupby("question", sort=False)):
        colour, symbol = SURVEY_STYLES[i % len(SURVEY_STYLES)]
        lows += [v for v in part.get("ci_low", part["pct"]).fillna(part["pct"])]
        highs += [v for v in part.get("ci_high", part["pct"]).fillna(part["pct"])]
        error = None
        if "ci_low" in part and part["ci_low"].notna().any():
            error = {
                "type": "data",
                "symmetric": False,
                "array": part["ci_high"] - part["pct"],
                "arrayminus": part["pct"] - part["ci_low"],
                "color": colour,
            }
        short = str(question).removeprefix("ASB Perception - ")  # the title says it
        fig.add_scatter(
            x=part["period_end"],
            y=part["pct"],
            name=short[:1].upper() + short[1:],
            mode="lines+markers",
            line={"color": colour, "width": 3 if i == 0 else 2},
            marker={"symbol": symbol, "size": 8},
            error_y=error,
            hovertemplate="%{y:.1f}%",
        )
    lo, hi = (min(lows), max(highs)) if lows else (0.0, 100.0)
    pad = max(2.0, (hi - lo) * 0.1)
    bottom = max(0.0, math.floor(lo - pad))
    fig.update_layout(
        yaxis={
            "title": y_title if bottom == 0 else f"{y_title} (axis from {bottom:.0f})",
            "range": [bottom, math.ceil(hi + pad)],
        },
        # Yearly ticks on the month the results are for (yearly or a year apart).
        xaxis={
            "dtick": "M12",
            "tick0": frame["period_end"].min() if len(frame) else None,
            "tickformat": "%b<br>%Y",
        },
    )
    return finish(fig, title, subtitle, source, False, height=460)


def target_chart(
    actual: pd.DataFrame,
    baseline: tuple[dt.date, float],
    target: tuple[dt.date, float],
    title: str,
    subtitle: str,
    source: str,
    illustrative: bool,
    y_title: str,
    forecast: pd.DataFrame | None = None,
) -> go.Figure:
    """Actual values against a straight trajectory from baseline to target."""
    fig = go.Figure()
    fig.add_scatter(
        x=[baseline[0], target[0]],
        y=[baseline[1], target[1]],
        name="Trajectory",
        line={"color": GREEN, "dash": "dashdot", "width": 2},
        hovertemplate="%{y:,.1f}",
    )
    fig.add_scatter(
        x=actual["period_end"],
        y=actual["value"],
        name="Actual",
        mode="lines+markers",
        line={"color": BLACK, "width": 3},
        hovertemplate="%{y:,.1f}",
    )
    if forecast is not None and len(forecast):
        fig.add_scatter(
            x=forecast["period_end"],
            y=forecast["value"],
            name="Forecast",
            mode="lines+markers",
            line={"color": BLUE, "dash": "dot"},
            hovertemplate="%{y:,.0f}",
        )
    fig.add_scatter(
        x=[target[0]],
        y=[target[1]],
        name="Target",
        mode="markers",
        marker={"symbol": "star", "size": 16, "color": GREEN},
        hovertemplate="target %{y:,.1f}",
    )
    fig.update_layout(yaxis={"title": y_title})
    return finish(fig, title, subtitle, source, illustrative, height=400)


def rate_trend(
    series: dict[str, pd.DataFrame], title: str, subtitle: str, source: str, illustrative: bool
) -> go.Figure:
    """Rolling 12-month rate per 1,000 for several areas on one axis."""
    fig = go.Figure()
    styles = [(ORANGE, 4, "solid"), (BLUE, 2, "dash"), (BLACK, 2, "dot")]
    for (name, frame), (colour, width, dash) in zip(series.items(), styles, strict=False):
        fig.add_scatter(
            x=frame["month"],
            y=frame["rate"],
            name=name,
            line={"color": colour, "width": width, "dash": dash},
            hovertemplate="%{y:.1f} per 1,000",
        )
    fig.update_layout(
        yaxis={"title": "Rolling 12-month incidents per 1,000", "rangemode": "tozero"}
    )
    return finish(fig, title, subtitle, source, illustrative)


MAP_BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # ColorBrewer Blues, 5


def map_classes(values: Sequence[int], k: int = len(MAP_BLUES)) -> list[tuple[int, int]]:
    """Up to k count bands (inclusive) by quantile: "nothing", then roughly equal groups."""
    counts = np.asarray(values, dtype=int)
    if counts.size == 0 or counts.max() == 0:
        return [(0, 0)]
    top = int(counts.max())
    bands = [(0, 0)] if (counts == 0).any() else []
    lower = 1 if bands else int(counts.min())
    positive = counts[counts >= lower]
    cuts = np.quantile(positive, np.linspace(0, 1, k - len(bands) + 1)[1:-1])
    edges = sorted({math.ceil(c) for c in cuts if lower <= c < top})
    for edge in [*edges, top]:
        if edge >= lower:
            bands.append((lower, edge))
            lower = edge + 1
    return bands


def _outline(geometry: dict) -> tuple[list, list, float]:
    """x and y of every ring (None between rings) and the outer area, for a filled trace."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    xs: list = []
    ys: list = []
    area = 0.0
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            ring = np.asarray(ring, dtype=float)
            if i == 0:  # shoelace: big areas first, so enclosed LSOAs are drawn on top
                x, y = ring[:, 0], ring[:, 1]
                area += abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))) / 2
            xs += [*ring[:, 0].tolist(), None]
            ys += [*ring[:, 1].tolist(), None]
    return xs, ys, area


def lsoa_map(
    geojson: dict, frame: pd.DataFrame, title: str, subtitle: str, source: str
) -> go.Figure:
    """ASB records per LSOA as filled outlines in five bands, drawn as plain SVG.

    Each LSOA is a filled scatter trace, so the map needs neither a tile server nor Plotly's
    map or geo modules (the browser loads Plotly's small basic bundle: assets/vendor), and its
    bands read as a legend, not a colour scale to judge. Hover names the LSOA and its count.
    """
    counts = dict(zip(frame["lsoa_code"], frame["incidents"], strict=True))
    names = dict(zip(frame["lsoa_code"], frame["lsoa_name"], strict=True))
    bands = map_classes(list(counts.values()))
    steps = max(len(bands) - 1, 1)
    colours = [MAP_BLUES[round(i * (len(MAP_BLUES) - 1) / steps)] for i in range(len(bands))]
    shapes = []
    for feature in geojson["features"]:
        code = feature["id"]
        if code in counts:
            shapes.append((code, *_outline(feature["geometry"])))
    shapes.sort(key=lambda s: -s[3])
    fig = go.Figure()
    for band, (lo, hi) in enumerate(bands):  # the legend: one square per band
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": "square", "size": 14, "color": colours[band]},
            marker_line={"color": "#444444", "width": 0.5},
            name=f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}",
            legendrank=band,
            showlegend=False,  # until finish() has laid out the page: this legend is beside
            hoverinfo="skip",
        )
    lats = [y for _, _, ys, _ in shapes for y in ys if y is not None]
    for code, xs, ys, _ in shapes:
        n = int(counts[code])
        band = next(i for i, (lo, hi) in enumerate(bands) if lo <= n <= hi)
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=colours[band],
            line={"color": "#444444", "width": 0.5},
            name=f"{names[code]}: {n:,} records",  # what hovering over the LSOA shows
            showlegend=False,
            hoveron="fills",
            hoverinfo="name",
            hoverlabel={"namelength": -1},  # the whole name, not its first 15 characters
        )
    mid_lat = (min(lats) + max(lats)) / 2 if lats else 51.8
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_layout(
        xaxis={**hidden, "constrain": "domain"},
        yaxis={**hidden, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(mid_lat))},
        hovermode="closest",
    )
    fig = finish(fig, title, subtitle, source, False, height=560)
    fig.update_traces(showlegend=True, selector={"mode": "markers"})
    fig.update_layout(  # beside the map, which is taller than wide, not under it
        showlegend=True,
        legend={
            "title": {"text": "ASB records"},
            "orientation": "v",
            "x": 1,
            "xanchor": "right",
            "y": 1,
            "yanchor": "top",
            "traceorder": "normal",
        },
    )
    return fig

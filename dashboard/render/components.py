"""Layout pieces shared by pages: the filter bar, KPI cards, badges. Pure builders, no queries."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.builders.figures import screen_figure
from dashboard.core import ids
from dashboard.core.urlstate import Filters

ILLUSTRATIVE_TEXT = (
    "Illustrative: modelled by a seeded generator from the published force totals, not real "
    "force data. See Methods and data."
)


def illustrative_badge() -> html.Span:
    """The 'Illustrative data' badge, explained on hover and to screen readers."""
    return html.Span(
        "Illustrative data",
        className="badge-illustrative",
        title=ILLUSTRATIVE_TEXT,
        role="note",
        **{"aria-label": "Illustrative data: " + ILLUSTRATIVE_TEXT},
    )


def published_badge(text: str = "Matches the published report") -> html.Span:
    """The badge on a figure that agrees with the published report."""
    return html.Span(text, className="badge-published")


def filter_bar(
    page: str,
    filters: Filters,
    areas: Sequence[tuple[str, str]],
    months: Sequence[tuple[str, str]],
    messages: Sequence[str] = (),
    extra_controls: Sequence[object] = (),
    area_label: str = "Area",
) -> html.Section:
    """Area, period end and Covid controls (and a page's own), each with a visible label.

    areas: (selector, label) in tree order; months: (value 'YYYY-MM', label), oldest first.
    """
    return html.Section(
        [
            html.H2("Filters", className="visually-hidden"),
            dbc.Row(
                [
                    # Native <select>s: labelled, keyboard- and screen-reader-friendly, with
                    # type-ahead ("Col" finds Colchester).
                    select_control(
                        ids.filter_id(page, "area"),
                        area_label,
                        areas,
                        filters.area,
                        width=5,
                        placeholder=f"Choose a {area_label.lower()}",
                    ),
                    select_control(
                        ids.filter_id(page, "to"),
                        "12 months to",
                        list(reversed(months)),
                        filters.to,
                        phone_width=6,
                    ),
                    dbc.Col(
                        html.Fieldset(
                            [
                                html.Legend("Covid breaches", className="form-label"),
                                dbc.RadioItems(
                                    id=ids.filter_id(page, "covid"),
                                    options=[
                                        {"label": "Include", "value": "include"},
                                        {"label": "Exclude", "value": "exclude"},
                                    ],
                                    value=filters.covid,
                                    inline=True,
                                    # one name: one tab stop, arrow keys move between them
                                    name=ids.filter_id(page, "covid"),
                                ),
                            ]
                        ),
                        xs=6,
                        md=4,
                    ),
                    *extra_controls,
                ],
                className="g-3 align-items-end",
            ),
            html.Div(
                [
                    dbc.Alert(
                        [
                            html.Strong("Some filters in the link could not be used. "),
                            *[html.Span(m + " ") for m in messages],
                        ],
                        color="warning",
                        className="mt-3 mb-0",
                    )
                ]
                if messages
                else [],
                id=ids.messages_id(page),
                role="status",
            ),
        ],
        className="filter-bar",
        **{"aria-label": "Filters"},
    )


def data_to_line(items: Sequence[tuple[str, str]]) -> html.P:
    """'Data to: force incidents March 2021 · ...' — the date each source runs to."""
    parts: list[object] = [html.Strong("Data to: ")]
    for i, (what, when) in enumerate(items):
        if i:
            parts.append(" · ")
        parts.append(f"{what} {when}")
    return html.P(parts, className="data-to")


def url_sync(page: str, search: str | None = None) -> html.Div:
    """A store whose value (a query string) a clientside callback puts in the address bar."""
    return html.Div(
        [
            dcc.Store(id={"type": ids.URL_SYNC, "page": page}, data=search),
            dcc.Store(id={"type": ids.URL_SYNC_DONE, "page": page}),
            dcc.Store(id={"type": ids.URL_DRAFT, "page": page}),
        ],
        hidden=True,
    )


def select_control(
    control_id: str,
    label: str,
    options: Sequence[tuple[str, str]],
    value: str,
    width: int = 3,
    *,
    phone_width: int = 12,
    placeholder: str = "",
) -> dbc.Col:
    """A labelled native <select> for a page's own filter (`placeholder`: shown while no value
    is chosen yet; `phone_width`: columns of 12 it takes on a phone)."""
    return dbc.Col(
        [
            html.Label(label, htmlFor=control_id, className="form-label"),
            dbc.Select(
                id=control_id,
                value=value,
                options=[{"label": text, "value": v} for v, text in options],
                **({"placeholder": placeholder} if placeholder else {}),
            ),
        ],
        xs=phone_width,
        md=width,
    )


# The toolbar without Plotly's own "Download plot": it would save the screen's figure (no
# title, source or data-to, which the page says around it) and to any role. The chart's PNG/SVG
# buttons give the image that stands alone, to roles that may export (callbacks/downloads.py).
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
}


def placeholder_figure(figure) -> dict:
    """What a chart shows until it is drawn: its own height, so nothing moves when it is.

    Drawing every chart as the page arrives took over a second of the browser's main thread on
    a chart-heavy page; charts are drawn when near the viewport, then in idle time
    (assets/deferred_charts.js), so the page answers input as soon as its first chart is up.
    """
    if isinstance(figure, go.Figure):
        height = figure.layout.height
    else:
        height = (figure or {}).get("layout", {}).get("height")
    height = height or 450
    return {
        "data": [],
        "layout": {
            "height": height,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [
                {
                    "text": "Drawing the chart…",
                    "showarrow": False,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "font": {"color": "#505050"},
                }
            ],
        },
    }


def download_links(
    what: str,
    button_id: dict,
    formats: Sequence[tuple[str, str]],
    can_export: bool,
) -> list:
    """'Download this table: CSV Excel': one link-styled button per format (export roles)."""
    if not can_export:
        return []
    return [
        html.Span(f"Download this {what}: ", className="me-1"),
        *[
            dbc.Button(
                label,
                id={**button_id, "fmt": fmt},
                size="sm",
                color="link",
                className="p-0 me-2 align-baseline",
            )
            for fmt, label in formats
        ],
    ]


def image_buttons(block_id: str, filename: str, can_export: bool) -> html.Div:
    """PNG (print resolution) and SVG of the chart, rendered on the server with its title,
    area, period and source, so the image stands alone in a board paper."""
    return html.Div(
        [
            *download_links(
                "chart",
                {"type": ids.CHART_IMAGE_BUTTON, "chart": block_id},
                (("png", "PNG"), ("svg", "SVG")),
                can_export,
            ),
            dcc.Store(id={"type": ids.CHART_FILENAME, "chart": block_id}, data=filename),
            dcc.Download(id={"type": ids.CHART_DOWNLOAD, "chart": block_id}),
            dcc.Loading(
                html.Span(id={"type": ids.CHART_STATUS, "chart": block_id}, role="status"),
                type="dot",
            ),
        ],
        className="chart-downloads",
    )


def chart_block(
    block_id: str,
    title: str,
    figure,
    summary: str,
    table,
    meta: str,
    filename: str,
    illustrative: bool = False,
    extra: Sequence[object] = (),
    *,
    data_to: str,
    can_export: bool,
    drawn: bool = False,
) -> html.Section:
    """A chart with its text summary, period/area/source line and its data as a table.

    `data_to` (the month the chart's source runs to) goes on the meta line. On screen the
    heading and meta line carry the title and source, so the figure drops its own
    (screen_figure); images keep them (render/images.py), so an image stands alone in a paper.
    """
    figure = screen_figure(figure)
    meta = f"{meta} · Data to: {data_to}"
    return html.Section(
        [
            html.H2(title, className="h4 chart-title"),
            html.Div([illustrative_badge()] if illustrative else [], className="kpi-badges"),
            html.P(summary, className="chart-summary", id=f"{block_id}-summary"),
            # The summary above and the table below are the chart's text alternatives; the
            # chart stays interactive (a role="img" wrapper would nest its controls).
            html.Div(
                dcc.Graph(
                    id={"type": ids.CHART_GRAPH, "chart": block_id},
                    figure=figure if drawn else placeholder_figure(figure),
                    config=GRAPH_CONFIG,
                    className="chart-graph",
                ),
                id={"type": ids.CHART_FRAME, "chart": block_id},
                className="chart-frame" if drawn else "chart-frame chart-pending",
            ),
            dcc.Store(id={"type": ids.CHART_FIGURE, "chart": block_id}, data=figure),
            dcc.Store(id={"type": ids.CHART_SHOW, "chart": block_id}, data=False),
            image_buttons(block_id, filename, can_export),
            html.P(meta, className="chart-meta"),
            *extra,
            html.Details(
                [html.Summary(f"Data table: {title}"), table],
                className="chart-table",
            ),
        ],
        className="chart-block",
        id=block_id,
        **{"aria-label": title},
    )


def page_intro(title: str, lead: str) -> list:
    """A page's heading and lead paragraph, the same shape on every page."""
    return [html.H1(title), html.P(lead, className="lead")]


def board_pack_controls(page: str, can_export: bool) -> html.Div:
    """Buttons that build every page for the current filters as one document, in the background.

    A status line (announced to screen readers) shows progress, then the download or a clear
    message if it failed; the page stays usable meanwhile.
    """
    key = {"page": page}
    if not can_export:
        return html.Div()
    buttons = [
        html.Button(
            label,
            id={"type": ids.BOARD_PACK_BUTTON, **key, "fmt": fmt},
            className="btn btn-outline-primary btn-sm me-2",
            type="button",
        )
        for fmt, label in (
            ("pdf", "Board pack (PDF)"),
            ("pptx", "Slides (PowerPoint)"),
        )
    ]
    return html.Div(
        [
            *buttons,
            html.Span(
                "every page for these filters in one document; takes up to 20 seconds",
                className="text-muted small d-none d-md-inline",
            ),
            html.Div(
                id={"type": ids.BOARD_PACK_STATUS, **key},
                role="status",
                className="board-pack-status",
            ),
            dcc.Store(id={"type": ids.BOARD_PACK_JOB, **key}),
            dcc.Interval(id={"type": ids.BOARD_PACK_POLL, **key}, interval=1000, disabled=True),
            dcc.Download(id={"type": ids.BOARD_PACK_DOWNLOAD, **key}),
        ],
        className="board-pack mb-2",
    )


def board_pack_progress(step: int, steps: int, message: str) -> list:
    """A labelled progress bar and the step in words."""
    return [
        html.Span(message, className="me-2 small"),
        html.Progress(
            value=str(step),
            max=str(max(steps, 1)),
            className="board-pack-progress",
            **{"aria-label": "Board pack progress"},
        ),
    ]


def standard_page(
    page: str,
    title: str,
    lead: str,
    filters: Filters,
    choices,
    messages: Sequence[str] = (),
    extra_controls: Sequence[object] = (),
    area_label: str = "Area",
    *,
    can_export: bool,
    content: Sequence[object] = (),
) -> html.Div:
    """Heading, filter bar and the container the page's callback fills on a filter change
    (`content`: the first view); the board-pack buttons only for a viewer whose role may export.
    The filters' canonical query string goes to the address bar at once."""
    return html.Div(
        [
            url_sync(page, filters.query_string()),
            *page_intro(title, lead),
            board_pack_controls(page, can_export),
            filter_bar(
                page, filters, choices.areas, choices.months, messages, extra_controls, area_label
            ),
            # The news a screen reader needs after a filter change is one sentence (what is
            # now shown), not the whole page: only that line is a live region.
            html.P(id=ids.status_id(page), className="visually-hidden", role="status"),
            dcc.Loading(
                html.Div(list(content), id=ids.content_id(page), className="mt-3"),
                type="dot",
                delay_show=400,
            ),
        ]
    )


def choose_district(
    filters: Filters, districts: Sequence[tuple[str, str]], notice: str | None = None
) -> html.Section:
    """What the District view shows before a district is chosen: why, and every district the
    viewer may see as a link that keeps the period and Covid choice."""
    return html.Section(
        [
            html.H2("Choose a district", className="h4"),
            html.P(
                notice
                or "The District view shows one district at a time: choose one in the filter "
                "above or here."
            ),
            html.Ul(
                [
                    html.Li(
                        html.A(
                            label,
                            href="/district"
                            + Filters(selector, filters.to, filters.covid).query_string(),
                        )
                    )
                    for selector, label in districts
                ],
                className="district-choices",
            ),
        ],
        className="choose-district filter-bar mt-3",
        **{"aria-label": "Choose a district"},
    )


def no_data_notice() -> dbc.Alert:
    """What a page shows before any data is loaded: how to load some."""
    return dbc.Alert(
        "No incident data is loaded yet. Load data with `asb-dashboard load ...` or "
        "`asb-dashboard init-db`.",
        color="info",
    )

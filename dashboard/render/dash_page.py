"""A Page as the Dash tree the browser shows: the one place the page model meets HTML."""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.core import ids
from dashboard.model import (
    Badge,
    Block,
    Card,
    CardRow,
    Change,
    Chart,
    Note,
    Page,
    Section,
    Status,
    Table,
    Verdict,
    VerdictRow,
    walk,
)
from dashboard.render.components import (
    chart_block,
    data_to_line,
    download_links,
    illustrative_badge,
    published_badge,
)
from dashboard.render.verdict_badges import change_span, pill, verdict_badge


@dataclass(frozen=True)
class RenderContext:
    """What rendering needs beyond the page: may the viewer export, and which chart arrives
    drawn (the first: it is on screen as the page arrives, so deferring it would only add a
    placeholder and a round trip; the others wait until near the viewport)."""

    can_export: bool
    drawn_chart: str | None = None


def render_page(page: Page, can_export: bool) -> list:
    """The page's content under its filter bar: filters in words (printed only), the data-to
    line, then each block."""
    first = next((b.id for b in walk(page.blocks) if isinstance(b, Chart)), None)
    ctx = RenderContext(can_export, first)
    return [
        *(
            [html.P([html.Strong("Showing: "), page.filters_text], className="print-only")]
            if page.filtered
            else []
        ),
        data_to_line(page.data_to),
        *render_blocks(page.blocks, ctx),
    ]


def render_blocks(blocks, ctx: RenderContext) -> list:
    """Several blocks, in order."""
    return [render_block(b, ctx) for b in blocks]


@singledispatch
def render_block(block: Block, ctx: RenderContext):
    """One block of a page as Dash components."""
    raise TypeError(f"no Dash renderer for {type(block).__name__}")


def inline(item):
    """A line's pieces: text, a change, a status pill, a verdict or a badge."""
    if isinstance(item, Change):
        return change_span(item)
    if isinstance(item, Status):
        return pill(item)
    if isinstance(item, Verdict):
        return verdict_badge(item)
    if isinstance(item, Badge):
        return badge(item)
    return item


def badge(item: Badge) -> html.Span:
    """Published or illustrative, as the cards and charts show it."""
    if item.kind == "illustrative":
        return illustrative_badge()
    return published_badge(item.text) if item.text else published_badge()


@render_block.register
def _(note: Note, ctx: RenderContext):
    if note.kind == "context":
        return html.P(note.text, className="page-context")
    if note.kind == "notes":
        if note.items:
            return html.Ul([html.Li(i) for i in note.items], className="chart-notes")
        return html.P(note.text, className="chart-notes")
    if note.kind == "caveat":
        return dbc.Alert(note.text, color="secondary", className="caveat")
    if note.kind == "summary":
        return html.P(note.text, className="chart-summary")
    if note.kind == "meta":
        return html.P(note.text, className="chart-meta")
    if note.kind == "heading":
        return html.H3(note.text, className="h5 mt-3")
    if note.kind == "details":
        return html.Details(
            [html.Summary(note.text), html.Ul([html.Li(i) for i in note.items])],
            className="chart-table",
        )
    if note.items:
        return html.Ul([html.Li(i) for i in note.items])
    return html.P(note.text)


@render_block.register
def _(card: Card, ctx: RenderContext):
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(
                    [card.title, html.Span(" (force-wide)", className="kpi-scope")]
                    if card.context
                    else card.title,
                    className="kpi-title",
                ),
                html.P(
                    card.value,
                    className="kpi-value",
                    **{"data-testid": card.testid} if card.testid else {},
                ),
                html.Div([verdict_badge(v) for v in card.verdicts], className="verdicts")
                if card.verdicts
                else None,
                *[html.P(inline(line), className="kpi-line") for line in card.lines],
                html.Div([badge(b) for b in card.badges], className="kpi-badges")
                if card.badges
                else None,
                html.P(
                    [
                        html.Span("Period: "),
                        card.period,
                        html.Br(),
                        html.Span("Area: "),
                        card.area,
                    ],
                    className="kpi-meta",
                ),
                html.P(["Source: ", card.source], className="kpi-source"),
            ]
        ),
        className="kpi-card h-100",
    )


@render_block.register
def _(row: CardRow, ctx: RenderContext):
    # Two a row from medium screens; more on large ones when the row holds more.
    widths = {"md": 6} if row.per_row <= 2 else {"lg": 12 // row.per_row, "md": 6}
    cards = dbc.Row([dbc.Col(render_block(c, ctx), **widths, className="mb-3") for c in row.cards])
    if not row.context:
        return cards
    return html.Section(
        [
            html.H2("Force-wide context", className="force-context-label"),
            html.P(
                "These figures are for the whole force (there are none for this area alone); "
                "they are not this area's own results.",
                className="kpi-meta",
            ),
            cards,
        ],
        className="force-context",
        **{"aria-label": "Force-wide context"},
    )


@render_block.register
def _(row: VerdictRow, ctx: RenderContext):
    verdicts = [i for i in row.items if isinstance(i, Verdict)]
    others = [i for i in row.items if not isinstance(i, Verdict)]
    return html.Div(
        [
            html.Div([verdict_badge(v) for v in verdicts], className="verdicts")
            if verdicts
            else None,
            *[inline(i) for i in others],
        ],
        className="kpi-badges",
        **{"data-testid": row.testid} if row.testid else {},
    )


@render_block.register
def _(table: Table, ctx: RenderContext):
    return table_component(table, ctx.can_export)


def table_component(table: Table, can_export: bool) -> html.Div | html.P:
    """An accessible HTML table of the model's cells, with CSV and Excel download buttons (or
    the table's `empty` message when it has no rows)."""
    if table.empty and table.frame.empty:
        return html.P(table.empty)
    head = html.Thead(
        html.Tr(
            [
                html.Th(c.name, scope="col", className="text-end" if c.numeric else None)
                for c in table.columns
            ]
        )
    )
    body, shown = [], []
    for i, cells in enumerate(table.rows()):
        shown.append(cells)
        row = []
        for column, text in zip(table.columns, cells, strict=True):
            tone = table.tones.get((i, column.name))
            title = table.titles.get((i, column.name))
            cls = (
                " ".join(
                    x
                    for x in ("text-end" if column.numeric else "", f"rank-{tone}" if tone else "")
                    if x
                )
                or None
            )
            hover = {"title": title} if title else {}
            if column.name == table.row_header:
                row.append(html.Th(text, scope="row", className=cls, **hover))
            else:
                row.append(html.Td(text, className=cls, **hover))
        mine = i in table.highlight
        body.append(
            html.Tr(
                row,
                className="table-active" if mine else None,
                **({"aria-current": "true"} if mine else {}),
            )
        )
    key = table.key
    downloads = html.Div(
        [
            *download_links(
                "table",
                {"type": ids.TABLE_DOWNLOAD_BUTTON, "table": key},
                (("csv", "CSV"), ("xlsx", "Excel")),
                can_export,
            ),
            # The table as shown, for tests and scripts reading the page; downloads are rebuilt
            # from the page model on the server, never from this.
            dcc.Store(
                id={"type": ids.TABLE_DATA, "table": key},
                data={
                    "caption": table.caption,
                    "columns": [c.name for c in table.columns],
                    "rows": shown,
                    "illustrative": table.illustrative,
                },
            ),
            dcc.Download(id={"type": ids.TABLE_DOWNLOAD, "table": key}),
        ],
        className="table-downloads",
    )
    return html.Div(
        [
            illustrative_badge() if table.inline and table.illustrative else None,
            downloads,
            # Scrolls sideways on a phone; focusable and named so a keyboard can scroll it.
            html.Div(
                dbc.Table(
                    [html.Caption(table.caption), head, html.Tbody(body)],
                    bordered=False,
                    hover=True,
                    size="sm",
                    className=" ".join(x for x in ("data-table", table.style) if x),
                ),
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": table.caption},
            ),
        ]
    )


@render_block.register
def _(chart: Chart, ctx: RenderContext):
    # An inline table stands on the page after the chart's notes (a map's hot spots), and the
    # "Data table" disclosure is left empty.
    table = table_component(chart.table, ctx.can_export)
    inline = chart.table.inline
    return chart_block(
        chart.id,
        chart.title,
        chart.figure,
        chart.summary,
        html.Div() if inline else table,
        f"Period: {chart.period} · Area: {chart.area} · Source: {chart.source}",
        chart.filename,
        chart.illustrative,
        extra=[*render_blocks(chart.notes, ctx), *([table] if inline else [])],
        data_to=chart.data_to,
        can_export=ctx.can_export,
        drawn=chart.id == ctx.drawn_chart,
    )


@render_block.register
def _(section: Section, ctx: RenderContext):
    if section.plain:
        return html.Section(
            [
                html.H2(section.title, className="h4 mt-4"),
                html.P(section.summary) if section.summary else None,
                *render_blocks(section.blocks, ctx),
            ],
            **({"id": section.id} if section.id else {}),
            **{"aria-label": section.title},
        )
    return html.Section(
        [
            html.H2(section.title, className="h4 chart-title"),
            html.P(section.summary, className="chart-summary") if section.summary else None,
            *render_blocks(section.blocks, ctx),
        ],
        className="chart-block",
        **({"id": section.id} if section.id else {}),
        **{"aria-label": section.title},
    )

"""The board pack: every KPI page for one set of filters, as an A4 landscape PDF.

The pack is rendered from the same page models the screen shows (each page's builder), so its
figures, summaries, verdicts and tables are the dashboard's, not a second calculation, and
nothing is read back from the screen's markup. Charts are
rendered by kaleido (Chromium) and laid out with ReportLab, chosen because it is pure Python,
long maintained, and needs nothing beyond the Chromium that chart images already use.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.model import (
    Badge,
    Card,
    Change,
    Chart,
    Note,
    Page,
    Status,
    Verdict,
    VerdictRow,
    walk,
)
from dashboard.model import (
    Section as PageSection,
)
from dashboard.model import (
    Table as ModelTable,
)
from dashboard.render.exports import LICENCE, NO_CHROMIUM, ImageExportUnavailable, find_chromium
from dashboard.render.images import chart_figure

MAX_TABLE_ROWS = 24
_render_lock = threading.Lock()  # kaleido's image server is one per process


@dataclass
class Block:
    """One heading's content in the pack, as plain data that both the PDF and the slides lay out."""

    title: str
    summary: str = ""
    meta: str = ""
    notes: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)  # {caption, columns, rows}
    cards: list[dict] = field(default_factory=list)  # {title, value, lines, meta, source}
    illustrative: bool = False  # a chart drawn from modelled (illustrative) data


@dataclass
class Section:
    """One dashboard page in the pack: its title and its blocks in page order."""

    title: str
    blocks: list[Block]


def _inline_text(item: object) -> str:
    """A card line's words: a change with its verdict, a pill's text, a verdict's label."""
    if isinstance(item, Change):
        return item.words
    if isinstance(item, Status):
        return item.text
    if isinstance(item, Verdict):
        return item.label
    if isinstance(item, Badge):
        return f"[{item.text or BADGE_WORDS[item.kind]}]"
    return str(item)


BADGE_WORDS = {"illustrative": "Illustrative data", "published": "Matches the published report"}


def _table_data(table: ModelTable) -> dict:
    return {
        "caption": table.caption,
        "columns": [c.name for c in table.columns],
        "rows": list(table.rows()),
        "numeric": [c.numeric for c in table.columns],
    }


def _card_data(card: Card) -> dict:
    return {
        "title": card.title,
        "value": card.value,
        "lines": [
            *[_inline_text(v) for v in card.verdicts],
            *[_inline_text(line) for line in card.lines],
            *[_inline_text(b) for b in card.badges],
        ],
        "meta": f"Period: {card.period} · Area: {card.area}",
        "source": f"Source: {card.source}",
    }


def _note_lines(block: object) -> list[str]:
    if isinstance(block, Note):
        return list(block.lines)
    if isinstance(block, VerdictRow):
        return ["; ".join(_inline_text(i) for i in block.items)]
    return []


def blocks_from_page(page: Page) -> list[Block]:
    """The pack's blocks from a page's model: cards, charts with their figure, table and
    notes, sections with theirs, in page order. Nothing is read back from the screen."""
    blocks: list[Block] = []
    cards = [b for b in walk(page.blocks) if isinstance(b, Card)]
    if cards:
        blocks.append(Block("Headline figures", cards=[_card_data(c) for c in cards]))

    def add(items) -> None:
        for item in items:
            if isinstance(item, Chart):
                notes = [line for n in item.notes for line in _note_lines(n)]
                tables = [item.table, *[n for n in item.notes if isinstance(n, ModelTable)]]
                blocks.append(
                    Block(
                        title=item.title,
                        summary=item.summary,
                        meta=item.meta,
                        notes=notes,
                        figures=[chart_figure(item).to_dict()],
                        tables=[_table_data(t) for t in tables if len(t.frame)],
                        illustrative=item.illustrative,
                    )
                )
            elif isinstance(item, PageSection):
                notes = [line for n in item.blocks for line in _note_lines(n)]
                held = [_table_data(t) for t in item.blocks if isinstance(t, ModelTable)]
                if notes or held or item.summary:
                    blocks.append(
                        Block(title=item.title, summary=item.summary, notes=notes, tables=held)
                    )
                add([b for b in item.blocks if isinstance(b, Chart | PageSection)])
            elif isinstance(item, ModelTable):
                blocks.append(Block(title=item.caption.split(". ")[0], tables=[_table_data(item)]))

    add(page.blocks)
    return blocks


def render_figures(
    figures: list[dict], progress: Callable[[int, int], None] | None = None
) -> list[bytes]:
    """PNG of each figure through one Chromium session (kaleido's sync server).

    `progress(done, total)` is called after each chart, for the page's progress bar.
    """
    import kaleido
    import plotly.graph_objects as go
    import plotly.io as pio

    with _render_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            find_chromium()
            kaleido.start_sync_server(silence_warnings=True)
            try:
                images = []
                for f in figures:
                    images.append(
                        pio.to_image(
                            go.Figure(f),
                            format="png",
                            width=1200,
                            height=int(f.get("layout", {}).get("height") or 450),
                            scale=1.5,
                        )
                    )
                    if progress:
                        progress(len(images), len(figures))
                return images
            finally:
                kaleido.stop_sync_server(silence_warnings=True)
        except Exception as exc:
            raise ImageExportUnavailable(
                f"The board pack's charts could not be drawn: {NO_CHROMIUM}. ({type(exc).__name__})"
            ) from exc


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "t", parent=base["Title"], fontSize=26, leading=32, alignment=0, spaceAfter=12
        ),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=20, spaceAfter=8),
        "h2": ParagraphStyle(
            "h2", parent=base["Heading2"], fontSize=14, spaceBefore=6, spaceAfter=4
        ),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=10, leading=13),
        "small": ParagraphStyle(
            "s",
            parent=base["BodyText"],
            fontSize=8,
            leading=10,
            textColor=colors.HexColor("#4a4a4a"),
        ),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontSize=7.5, leading=9),
        "value": ParagraphStyle(
            "v", parent=base["BodyText"], fontSize=20, leading=24, fontName="Helvetica-Bold"
        ),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(data: dict, styles, width: float) -> list:
    rows = data["rows"]
    note = ""
    if len(rows) > MAX_TABLE_ROWS:
        note = (
            f"Showing the latest {MAX_TABLE_ROWS} of {len(rows)} rows; the full table is "
            "in the dashboard and its CSV/Excel download."
        )
        rows = rows[-MAX_TABLE_ROWS:]
    cell = styles["cell"]
    body = [[Paragraph(f"<b>{_esc(c)}</b>", cell) for c in data["columns"]]]
    body += [[Paragraph(_esc(str(v)), cell) for v in row] for row in rows]
    table = Table(
        body, colWidths=[width / len(data["columns"])] * len(data["columns"]), repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f4f6")]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    out = [Paragraph(_esc(data["caption"]), styles["small"]), table]
    if note:
        out.append(Paragraph(note, styles["small"]))
    return out


def build_pdf(
    cover: dict[str, str],
    sections: list[Section],
    caveats: list[str],
    methods: list[str],
    render: Callable[[list[dict]], list[bytes]] = render_figures,
) -> bytes:
    """Lay out the cover, one section per page of the dashboard, caveats and methods."""
    styles = _styles()
    page_w = landscape(A4)[0]
    width = page_w - 3 * cm
    figures = [f for s in sections for b in s.blocks for f in b.figures]
    images = iter(render(figures))
    story: list = [Spacer(1, 2 * cm), Paragraph("ASB Oversight Board pack", styles["title"])]
    for label, value in cover.items():
        story.append(Paragraph(f"<b>{_esc(label)}:</b> {_esc(value)}", styles["body"]))
    story += [Spacer(1, 0.6 * cm), Paragraph(_esc(LICENCE), styles["small"]), PageBreak()]
    for section in sections:
        story.append(Paragraph(_esc(section.title), styles["h1"]))
        for block in section.blocks:
            head = [Paragraph(_esc(block.title), styles["h2"])]
            if block.summary:
                head.append(Paragraph(_esc(block.summary), styles["body"]))
            if block.cards:
                cells = []
                for card in block.cards:
                    cells.append(
                        [
                            Paragraph(f"<b>{_esc(card['title'])}</b>", styles["body"]),
                            Paragraph(_esc(card["value"]), styles["value"]),
                            *[Paragraph(_esc(line), styles["cell"]) for line in card["lines"]],
                            Paragraph(_esc(card["meta"]), styles["small"]),
                            Paragraph(_esc(card["source"]), styles["small"]),
                        ]
                    )
                grid = Table([cells], colWidths=[width / len(cells)] * len(cells))
                grid.setStyle(
                    TableStyle(
                        [
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                            ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ]
                    )
                )
                head.append(grid)
            for figure in block.figures:
                png = next(images)
                fig_h = int(figure.get("layout", {}).get("height") or 450)
                img_w = min(width, 24 * cm)
                img_h = img_w * fig_h / 1200
                head.append(Image(io.BytesIO(png), width=img_w, height=img_h))
            if block.meta:
                head.append(Paragraph(_esc(block.meta), styles["small"]))
            story += [CondPageBreak(8 * cm), KeepTogether(head)]
            for note in block.notes:
                story.append(Paragraph(_esc(note), styles["small"]))
            for data in block.tables[:1]:
                story += [Spacer(1, 0.2 * cm), *_table(data, styles, width), Spacer(1, 0.3 * cm)]
        story.append(PageBreak())
    story.append(Paragraph("Caveats", styles["h1"]))
    story += [Paragraph("• " + _esc(c), styles["body"]) for c in caveats]
    story.append(Paragraph("Methods", styles["h1"]))
    story += [Paragraph("• " + _esc(m), styles["body"]) for m in methods]

    footer = f"ASB Oversight Board pack · {cover.get('Area', '')} · {cover.get('Period', '')}"

    def number(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(1.5 * cm, 0.8 * cm, footer)
        canvas.drawRightString(page_w - 1.5 * cm, 0.8 * cm, f"Page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.2 * cm,
        bottomMargin=1.5 * cm,
        title="ASB Oversight Board pack",
        author="ASB Oversight Dashboard",
    )
    doc.build(story, onFirstPage=number, onLaterPages=number)
    return buffer.getvalue()


def generated_at() -> str:
    """When the pack was made, in UTC, for its cover."""
    return dt.datetime.now(dt.UTC).strftime("%d %B %Y %H:%M UTC")

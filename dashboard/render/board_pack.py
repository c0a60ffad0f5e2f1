"""The board pack: every KPI page for one set of filters, as a tagged A4 landscape PDF.

The pack is rendered from the same page models the screen shows (each page's builder, through
`pack_blocks.blocks_from_page`), so its figures, summaries, verdicts and tables are the
dashboard's, not a second calculation, and nothing is read back from the screen's markup.
Charts are drawn by kaleido (Chromium) as SVG, all in one session; the document is semantic
HTML (`board_pack_html`) laid out by WeasyPrint. WeasyPrint, because it writes a tagged PDF
(PDF/UA-1: headings, tables with header cells, images with alternative text, bookmarks from
the headings, the document's language and title) from that HTML, and paged CSS keeps table
headers repeating and rows together; ReportLab's open-source edition, used before, writes
untagged PDF, which a screen reader cannot follow and a board's records cannot file as
accessible.
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

from dashboard.core.paths import assets_folder
from dashboard.render.board_pack_html import (
    Cell,
    chart_size,
    fits_half,
    fits_wide,
    pack_html,
    place,
    sheets,
)
from dashboard.render.exports import LICENCE, NO_CHROMIUM, ImageExportUnavailable, find_chromium
from dashboard.render.pack_blocks import Block, Section, blocks_from_page

__all__ = ["Block", "Section", "blocks_from_page", "build_pdf", "generated_at", "render_figures"]

CSS = Path(__file__).with_name("board_pack.css")
CHART_FORMAT = "svg"
APPENDIX_MONTHS = 24  # a monthly table's latest two years: the period and the year before it
# Kaleido's Chromium loads the dashboard's own basic Plotly bundle (scatter and bar, all the
# charts use; the browser uses it too): a quarter of the full bundle's size, it is ready in about
# 1.7 s rather than 5 on this machine.
PLOTLY_JS = assets_folder() / "vendor" / "plotly-basic-4.1.1.min.js"
_render_lock = threading.Lock()  # kaleido's image server is one per process


def _start_charts() -> None:
    """Open kaleido's Chromium (a no-op if it is open); a failure is left for the render."""
    import kaleido

    with _render_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            find_chromium()
            kaleido.start_sync_server(plotlyjs=str(PLOTLY_JS), silence_warnings=True)
        except Exception:  # render_figures reports it, with the reason
            return


def warm_charts() -> threading.Thread:
    """Start Chromium in the background while the pages are built (it takes seconds to open);
    `render_figures` uses it, and `stop_charts` closes it whatever happens."""
    thread = threading.Thread(target=_start_charts, name="kaleido-warm-up", daemon=True)
    thread.start()
    return thread


def stop_charts(warm: threading.Thread) -> None:
    """Close the Chromium `warm_charts` opened, if the render has not already."""
    import kaleido

    warm.join()
    with _render_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kaleido.stop_sync_server(silence_warnings=True)


def render_figures(
    figures: list[dict],
    progress: Callable[[int, int], None] | None = None,
    *,
    fmt: str = "png",
    sizes: list[tuple[int, int]] | None = None,
    scale: float = 1.5,
) -> list[bytes]:
    """Each figure as an image (PNG, or SVG for the PDF), all through one Chromium session
    (kaleido's sync server), at `sizes` (CSS px) or 1200 wide at the figure's own height.

    `progress(done, total)` is called after each chart, for the page's progress bar.
    """
    import kaleido
    import plotly.graph_objects as go
    import plotly.io as pio

    with _render_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            find_chromium()
            kaleido.start_sync_server(plotlyjs=str(PLOTLY_JS), silence_warnings=True)
            try:
                images = []
                for i, f in enumerate(figures):
                    width, height = (
                        sizes[i] if sizes else (1200, int(f.get("layout", {}).get("height") or 450))
                    )
                    images.append(
                        pio.to_image(
                            go.Figure(f),
                            format=fmt,
                            width=width,
                            height=height,
                            scale=1 if fmt == "svg" else scale,
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


def _plan(
    sections: list[Section],
) -> tuple[list[tuple[str, Block]], list[Cell], list[tuple[str, str, dict]]]:
    """Where each block goes: headline cards (and a short table right after them) first,
    each chart in a cell with its short tables, long tables in the numbered appendix."""
    from dashboard.render.board_pack_html import SHORT_ROWS

    headline: list[tuple[str, Block]] = []
    cells: list[Cell] = []
    appendix: list[tuple[str, str, dict]] = []

    def to_appendix(title: str, data: dict) -> str:
        number = f"Table A{len(appendix) + 1}"
        rows = data["rows"]
        # the caption's first sentence is the table's heading; the rest stays as its caption
        heading, _, rest = (data["caption"] or title).partition(". ")
        data = {**data, "caption": rest}
        if data.get("kinds", [""])[0] == "month" and len(rows) > APPENDIX_MONTHS:
            data["rows"] = rows[-APPENDIX_MONTHS:]
            data["note"] = (
                f"The latest {APPENDIX_MONTHS} of {len(rows)} months (all of them are in the "
                "dashboard's CSV and Excel downloads)."
            )
        appendix.append((number, heading.rstrip("."), data))
        return number

    def fits(cell: Cell) -> bool:
        return fits_half(cell) or (cell.figure is not None and fits_wide(cell))

    for section in sections:
        mine: list[Cell] = []
        after_cards = False
        for block in section.blocks:
            short = [t for t in block.tables if len(t["rows"]) <= SHORT_ROWS]
            if block.cards:  # a card the headline already has (a district's own) is not repeated
                shown = {(c["title"], c["value"], c["meta"]) for _, b in headline for c in b.cards}
                cards = [c for c in block.cards if (c["title"], c["value"], c["meta"]) not in shown]
                headline.append((section.title, Block(block.title, cards=cards)))
                after_cards = True
                continue
            if not block.figures:
                if after_cards and not mine and short == block.tables:
                    headline.append((section.title, block))
                    continue
                if mine:  # a table on its own joins the chart before it, if there is room
                    mine[-1].extras.append(Block(block.title, notes=block.notes, tables=short))
                    if fits(mine[-1]):
                        for data in block.tables:
                            if data not in short:
                                mine[-1].moved.append(to_appendix(block.title, data))
                        continue
                    mine[-1].extras.pop()
            after_cards = False
            figures: list[dict | None] = list(block.figures) or [None]
            for i, figure in enumerate(figures):
                cell = Cell(section.title, not mine, block if i == 0 else Block(block.title))
                if figure is not None:
                    cell.figure, cell.size = figure, chart_size(figure)
                if i == 0:
                    cell.tables = short[:1]
                    if not fits(cell):  # its words too long to sit by the chart with a table
                        cell.tables = []
                    for data in block.tables:
                        if data not in cell.tables:
                            cell.moved.append(to_appendix(block.title, data))
                mine.append(cell)
        cells += mine
    return headline, cells, appendix


def _without_source_note(figure: dict) -> dict:
    """The figure without its in-chart "Source: …" note: the pack prints the same words (and
    the period, area and data-to month) as text under each chart, where they cannot be cut off
    or overlap a legend at the chart's printed size."""
    layout = figure.get("layout", {})
    notes = layout.get("annotations") or []
    kept = [a for a in notes if not str(a.get("text", "")).startswith("Source: ")]
    if len(kept) == len(notes):
        return figure
    return {**figure, "layout": {**layout, "annotations": kept}}


def pack_document(
    cover: dict[str, str],
    sections: list[Section],
    caveats: list[str],
    methods: list[str],
    render: Callable[..., list[bytes]] = render_figures,
) -> str:
    """The pack's HTML, its charts drawn (SVG) and placed."""
    headline, cells, appendix = _plan(sections)
    pages = sheets(cells)
    place(pages)
    charted = [c for c in cells if c.figure is not None]
    if charted:
        images = render(
            [_without_source_note(c.figure) for c in charted if c.figure is not None],
            fmt=CHART_FORMAT,
            sizes=[c.size for c in charted],
        )
        for cell, image in zip(charted, images, strict=True):
            cell.image = image
    footer = f"ASB Oversight Board pack · {cover.get('Area', '')} · {cover.get('Period', '')}"
    quoted = footer.replace("\\", "\\\\").replace('"', '\\"')
    css = CSS.read_text(encoding="utf-8") + f'@page {{ @bottom-left {{ content: "{quoted}"; }} }}'
    return pack_html(cover, headline, pages, appendix, caveats, methods, LICENCE, css)


def build_pdf(
    cover: dict[str, str],
    sections: list[Section],
    caveats: list[str],
    methods: list[str],
    render: Callable[..., list[bytes]] = render_figures,
) -> bytes:
    """The cover, the headline figures, the charts, the appendix, caveats and methods as a
    tagged PDF/UA-1 document with bookmarks from its headings."""
    from weasyprint import HTML

    html = pack_document(cover, sections, caveats, methods, render)
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf


def generated_at() -> str:
    """When the pack was made, in UTC, for its cover."""
    return dt.datetime.now(dt.UTC).strftime("%d %B %Y %H:%M UTC")

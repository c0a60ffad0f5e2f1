"""The board pack as semantic HTML for WeasyPrint: a cover, the headline cards, the charts two
to a page (each with its summary, its period/area/source/data-to line and a short table), the
long tables in an appendix, then the caveats and methods.

Headings become the PDF's bookmarks and its tag tree, so the markup is the document's structure:
h1 the pack, h2 each dashboard page (and the appendix, caveats, methods), h3 each chart or table.
Which charts share a page is decided here, from each chart's height and an estimate of its
text's, so that nothing is cut and no page is left half empty by a page break in the wrong place.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from html import escape

from dashboard.render.pack_blocks import Block

SHORT_ROWS = 12  # a table with more rows goes to the appendix; one this long stays by its chart
KEEP_ROWS = 4  # a table split across pages keeps at least this many rows on each page
PAGE_MM = 182.0  # A4 landscape's height less the margins (186 mm), a little to spare
HALF_MM = 132.0  # a column of a two-chart page
FULL_MM = 273.0  # the page's width less its margins
CHART_PX = 760  # the width charts are drawn at (CSS px; shown at HALF_MM, so text stays legible)
WIDE_CHART_MM = 152.0  # a chart with a page to itself: this wide, its words beside it
WIDE_TEXT_MM = 112.0
MIN_CHART_MM = 52.0  # a chart drawn shorter than this is cramped: it gets a page to itself
PX_PER_MM = CHART_PX / HALF_MM  # charts are drawn at the size they are shown
NUM, KEEP, FLAG = " class='num'", " class='keep'", " class='flag'"
ILLUSTRATIVE = "Illustrative data: modelled from the published force totals, not real force data."


def chart_size(figure: dict) -> tuple[int, int]:
    """(width, height) in CSS px that a figure is drawn at for the pack."""
    height = int(figure.get("layout", {}).get("height") or 450)
    return CHART_PX, max(340, min(height, 560))


@dataclass
class Cell:
    """One chart (or a table on its own) with its words: half a page, or a page if it is tall."""

    section: str
    first: bool  # the first cell of its dashboard page: it carries the page's heading
    block: Block
    figure: dict | None = None
    image: bytes | None = None  # the figure drawn (SVG)
    wide: bool = False  # alone on its page, its words beside it
    shown: tuple[float, float] = (HALF_MM, 80.0)  # mm on the page
    size: tuple[int, int] = (CHART_PX, 450)
    tables: list[dict] = field(default_factory=list)  # short tables shown here
    extras: list[Block] = field(default_factory=list)  # table-only blocks that follow it
    moved: list[str] = field(default_factory=list)  # "Table A3" for each one in the appendix


def _lines(text: str, width_mm: float, size_pt: float) -> int:
    """Lines a paragraph takes at this width and font size (average Liberation Sans advance)."""
    per_line = width_mm / (size_pt * 0.353 * 0.5)
    return max(1, math.ceil(len(text) / per_line)) if text else 0


def shares(data: dict) -> list[float]:
    """Each column's share of a table's width (the table is laid out fixed, so the height
    estimated here is the height drawn): as wide as its longest text, a long text column
    capped so that it wraps rather than squeezing the numbers."""
    rows = [data["columns"], *data["rows"]]
    numeric = data.get("numeric") or [False] * len(data["columns"])
    wants = []
    for i, num in enumerate(numeric):
        body = max((len(str(r[i])) for r in rows[1:]), default=0)
        head = max((len(w) for w in str(rows[0][i]).split()), default=0) * 1.2  # bold
        wants.append(max(body if num else min(body, 44), head, 4) + 2)
    total = sum(wants)
    return [w / total for w in wants]


def _table_mm(data: dict, width_mm: float) -> float:
    """Height of a table: its caption, and each row as tall as its most wrapped cell."""
    char = 7.5 * 0.353 * 0.55  # mm per character at 7.5 pt, a little generous
    widths = [max(4.0, width_mm * share - 3.0) for share in shares(data)]
    caption = data["caption"] + data.get("note", "") + " Illustrative (modelled)"
    height = _lines(caption, width_mm, 7.5) * 3.5 + 3
    for r in [data["columns"], *data["rows"]]:
        lines = max(math.ceil(len(str(v)) * char / widths[i]) or 1 for i, v in enumerate(r))
        height += lines * 3.45 + 1.3
    return height + 2


def _head_mm(cell: Cell, width_mm: float) -> float:
    """Height of a cell's headings and its illustrative flag."""
    mm = 9.0 if cell.first else 4.5  # the page's heading, or its name as a kicker
    mm += _lines(cell.block.title, width_mm, 11) * 5.2 + 1.5
    if cell.block.illustrative:
        mm += _lines(ILLUSTRATIVE, width_mm, 7.5) * 3.5 + 1.5
    return mm


def _text_mm(cell: Cell, width_mm: float) -> float:
    """Height of everything in a cell but its chart."""
    block = cell.block
    mm = _head_mm(cell, width_mm)
    mm += _lines(block.summary, width_mm, 8.5) * 3.9 + 2
    mm += _lines(block.meta, width_mm, 7) * 3.2 + 1.5
    mm += sum(_lines(n, width_mm - 4, 7.5) * 3.4 + 0.6 for n in block.notes)
    mm += sum(_table_mm(t, width_mm) for t in cell.tables)
    mm += sum(4.0 for _ in cell.moved)
    for extra in cell.extras:
        mm += _lines(extra.title, width_mm, 10) * 4.8 + 2
        mm += sum(_lines(n, width_mm - 4, 7.5) * 3.4 for n in extra.notes)
        mm += sum(_table_mm(t, width_mm) for t in extra.tables)
    return mm


def chart_mm(cell: Cell, width_mm: float) -> float:
    """The height a cell's chart can have at this width: its own, or what the page leaves
    (beside the words on a page of its own, under its heading and above them in half a page)."""
    if cell.figure is None:
        return 0.0
    natural = width_mm * cell.size[1] / cell.size[0]
    if width_mm == WIDE_CHART_MM:
        return min(natural, PAGE_MM - _head_mm(cell, width_mm) - 4)
    return min(natural, PAGE_MM - _text_mm(cell, width_mm))


def fits_wide(cell: Cell) -> bool:
    """True when a cell's words fit beside its chart on a page of its own."""
    return (
        _text_mm(cell, WIDE_TEXT_MM) - _head_mm(cell, WIDE_TEXT_MM) + _head_mm(cell, WIDE_CHART_MM)
        <= PAGE_MM
    )


def fits_half(cell: Cell) -> bool:
    """True when a cell reads well in half a page: its chart big enough, its text not cut."""
    if cell.figure is None:
        return _text_mm(cell, HALF_MM) <= PAGE_MM
    return chart_mm(cell, HALF_MM) >= MIN_CHART_MM and _text_mm(cell, HALF_MM) < PAGE_MM


def sheets(cells: list[Cell]) -> list[list[Cell]]:
    """Cells to pages in page order: two side by side where both fit half a page, else one."""
    pages: list[list[Cell]] = []
    waiting: Cell | None = None
    for cell in cells:
        if fits_half(cell) and waiting is None:
            waiting = cell
        elif fits_half(cell) and waiting is not None:
            pages.append([waiting, cell])
            waiting = None
        else:
            if waiting is not None:
                pages.append([waiting])
                waiting = None
            pages.append([cell])
    if waiting is not None:
        pages.append([waiting])
    return pages


def table_html(data: dict) -> str:
    """A table with its caption, numbers right-aligned, its header repeated on each page, and
    its first and last rows kept together so that no page holds fewer than KEEP_ROWS of it."""
    numeric = data.get("numeric") or [False] * len(data["columns"])
    note = f" {escape(data['note'])}" if data.get("note") else ""
    flag = " <span class='flag'>Illustrative (modelled)</span>" if data.get("illustrative") else ""
    text = f"{escape(data['caption'])}{note}{flag}".strip()
    head = "".join(
        f"<th scope='col'{NUM if n else ''}>{escape(c)}</th>"
        for c, n in zip(data["columns"], numeric, strict=True)
    )

    def row(values: list[str], keep: bool) -> str:
        cells = []
        for i, (value, num) in enumerate(zip(values, numeric, strict=True)):
            if i == 0 and not num:
                cells.append(f"<th scope='row'>{escape(str(value))}</th>")
            else:
                cells.append(f"<td{NUM if num else ''}>{escape(str(value))}</td>")
        return f"<tr{KEEP if keep else ''}>{''.join(cells)}</tr>"

    # No page break before the 2nd-4th rows or the last three: a split leaves 4 rows a side.
    rows = data["rows"]
    n = len(rows)
    body = "".join(row(r, 0 < i < KEEP_ROWS or n - KEEP_ROWS < i) for i, r in enumerate(rows))
    body = f"<tbody>{body}</tbody>"
    whole = " whole" if n < 2 * KEEP_ROWS else ""
    cols = "".join(f"<col style='width:{100 * share:.1f}%'>" for share in shares(data))
    return (
        f"<table class='data{whole}'>"
        f"<caption>{text}</caption>"
        f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>{body}</table>"
    )


def place(pages: list[list[Cell]]) -> None:
    """Fix each chart's drawn size to the room it has: drawn to the column's width and the
    height left, but never squeezed below 90% of its own height (its legend and notes would
    crush the plot); a chart that would be is drawn taller and shown scaled down to fit."""
    for page in pages:
        for cell in page:
            cell.wide = len(page) == 1 and cell.figure is not None
            width = WIDE_CHART_MM if cell.wide else HALF_MM
            if cell.figure is not None:
                height = max(chart_mm(cell, width), MIN_CHART_MM)
                layout = cell.figure.get("layout", {})
                own = int(layout.get("height") or 450) * width / HALF_MM
                drawn = max(height * PX_PER_MM, 0.9 * own)
                cell.size = (round(width * PX_PER_MM), round(drawn))
                cell.shown = (width * height * PX_PER_MM / drawn, height)


def _img(cell: Cell) -> str:
    if cell.image is None:
        return ""
    width, height = cell.shown
    mime = "image/png" if cell.image.startswith(b"\x89PNG") else "image/svg+xml"
    uri = f"data:{mime};base64," + base64.b64encode(cell.image).decode("ascii")
    alt = cell.block.summary or cell.block.title
    return (
        f"<div class='chart'><img src='{uri}' alt='{escape(alt, quote=True)}' "
        f"style='width:{width:.1f}mm;height:{height:.1f}mm'></div>"
    )


def cell_html(cell: Cell) -> str:
    """A chart with its heading, flag, summary, source line, notes and short tables: in half
    a page, or on a page of its own with its words beside it."""
    block = cell.block
    head = [
        f"<h2>{escape(cell.section)}</h2>"
        if cell.first
        else f"<p class='kicker'>{escape(cell.section)}</p>",
        f"<h3>{escape(block.title)}</h3>",
    ]
    if block.illustrative:
        head.append(f"<p class='flag'>{escape(ILLUSTRATIVE)}</p>")
    words = []
    if block.summary:
        words.append(f"<p class='summary'>{escape(block.summary)}</p>")
    if block.meta:
        words.append(f"<p class='meta'>{escape(block.meta)}</p>")
    if block.notes:
        words.append(
            "<ul class='notes'>" + "".join(f"<li>{escape(n)}</li>" for n in block.notes) + "</ul>"
        )
    words += [table_html(t) for t in cell.tables]
    words += [
        f"<p class='moved'>Its data table: {escape(m)}, in the appendix.</p>" for m in cell.moved
    ]
    for extra in cell.extras:
        words.append(f"<h3 class='extra'>{escape(extra.title)}</h3>")
        if extra.notes:
            words.append(
                "<ul class='notes'>"
                + "".join(f"<li>{escape(n)}</li>" for n in extra.notes)
                + "</ul>"
            )
        words += [table_html(t) for t in extra.tables]
    if cell.wide:
        body = (
            f"<div class='chartcol'>{_img(cell)}</div><div class='textcol'>{''.join(words)}</div>"
        )
    else:
        body = _img(cell) + "".join(words)
    return f"<article class='cell'>{''.join(head)}{body}</article>"


def card_html(card: dict) -> str:
    """A headline card: what, how many, the verdicts and changes in words, when/where/source."""
    lines = "".join(
        f"<li{FLAG if line.startswith('[Illustrative') else ''}>{escape(line)}</li>"
        for line in card["lines"]
    )
    return (
        "<div class='card'>"
        f"<h3>{escape(card['title'])}</h3>"
        f"<p class='value'>{escape(card['value'])}</p>"
        f"<ul>{lines}</ul>"
        f"<p class='meta'>{escape(card['meta'])}<br>{escape(card['source'])}</p>"
        "</div>"
    )


def pack_html(
    cover: dict[str, str],
    headline: list[tuple[str, Block]],
    pages: list[list[Cell]],
    appendix: list[tuple[str, str, dict]],
    caveats: list[str],
    methods: list[str],
    licence: str,
    css: str,
) -> str:
    """The whole pack as one HTML document (lang en-GB, titled, headings in order)."""
    title = f"ASB Oversight Board pack: {cover.get('Area', '')}, {cover.get('Period', '')}"
    facts = "".join(
        f"<dt>{escape(k)}:</dt><dd>{escape(v)}</dd>" for k, v in cover.items() if k != "Note"
    )
    out = [
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title>",
        "<meta name='author' content='ASB Oversight Dashboard'>",
        f"<meta name='description' content='{escape(title, quote=True)}'>",
        f"<style>{css}</style></head><body>",
        "<section class='cover'><h1>ASB Oversight Board pack</h1>",
        f"<p class='subtitle'>{escape(cover.get('Area', ''))} · "
        f"{escape(cover.get('Period', ''))}</p>",
        f"<dl>{facts}</dl>",
    ]
    if cover.get("Note"):
        out.append(f"<p class='flag note'>{escape(cover['Note'])}</p>")
    out.append(f"<p class='licence'>{escape(licence)}</p></section>")

    if headline:
        cards = [c for _, block in headline for c in block.cards]
        out.append("<section class='headline'><h2>Headline figures</h2>")
        out.append(f"<div class='cards n{min(len(cards), 6)}'>")
        out += [card_html(c) for c in cards]
        out.append("</div>")
        for _, block in headline:
            for data in block.tables:
                out.append(f"<h3 class='extra'>{escape(block.title)}</h3>{table_html(data)}")
        out.append("</section>")

    for page in pages:
        kind = "sheet wide" if page[0].wide else "sheet"
        out.append(f"<section class='{kind}'>" + "".join(cell_html(c) for c in page) + "</section>")

    out.append("<section class='appendix'>")
    if appendix:
        out.append(
            "<h2>Appendix: data tables</h2><p class='lead'>The tables too long to sit beside "
            "their charts. Each is also in the dashboard with CSV and Excel downloads.</p>"
            "<div class='columns'>"
        )
        for number, title, data in appendix:
            out.append(
                f"<div class='long'><h3>{escape(number)}: {escape(title)}</h3>"
                f"{table_html(data)}</div>"
            )
        out.append("</div>")
    out.append("<div class='columns'><h2>Caveats</h2><ul class='list'>")
    out += [f"<li>{escape(c)}</li>" for c in caveats]
    out.append("</ul><h2>Methods</h2><ul class='list'>")
    out += [f"<li>{escape(m)}</li>" for m in methods]
    out.append("</ul></div></section></body></html>")
    return "".join(out)

"""The board pack as PowerPoint slides (python-pptx), for secretariats who paste into decks.

Same content as the PDF (`board_pack.Section`s built from the pages' own models), one message a
slide: a cover; the headline figures as tiles (value large, its change under it); one slide per
chart with its one-line summary, its period/area/source line and an "Illustrative" flag where
the chart is modelled; the caveats. Tables stay in the PDF and the dashboard's CSV/Excel
downloads, where they are usable. The slides are made from a template's layouts
(slide_template.py), laid out to its slide size, and every text is sized to fit its box
(slide_text.py).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Cm, Pt

from dashboard.render.board_pack import Block, Section
from dashboard.render.exports import LICENCE
from dashboard.render.slide_template import (
    FOOTERS,
    TITLES,
    Box,
    configured_template,
    content_box,
    footer_top,
    layout,
    open_template,
)
from dashboard.render.slide_text import Para, fit, height, write

TITLE = "ASB Oversight Board pack"
MAX_CHARS = 600  # of text on any one slide
MAX_TILES = 6  # headline figures on one slide
GREY = RGBColor(0x4A, 0x4A, 0x4A)
AMBER_INK, AMBER_BG = RGBColor(0x5C, 0x43, 0x00), RGBColor(0xFF, 0xF4, 0xCE)
GREEN_INK = RGBColor(0x0C, 0x51, 0x27)
ILLUSTRATIVE = "Illustrative data (modelled)"
GAP = Cm(0.4)
RENDER_WIDTH = 1200  # px: the width the board pack's charts are drawn at
SQUASH = 0.8  # the least share of its plot area's height a chart keeps on a slide


@dataclass
class Deck:
    """The presentation being built and the facts every slide's footer repeats."""

    prs: Any
    footer: str

    @property
    def width(self) -> int:
        """The template's slide width."""
        return self.prs.slide_width

    @property
    def height(self) -> int:
        """The template's slide height."""
        return self.prs.slide_height


def build_pptx(
    cover: dict[str, str],
    sections: list[Section],
    caveats: list[str],
    render: Callable[[list[dict]], list[bytes]],
    template: Path | None = None,
) -> bytes:
    """The board pack as .pptx bytes: cover, headline tiles, a slide per chart, then caveats.

    `template` (else ASB_PPTX_TEMPLATE, else the shipped one) is opened before any chart is
    drawn, so a bad template fails at once with slide_template.TemplateUnusable."""
    prs = open_template(template or configured_template())
    period, covid = _period_and_covid(cover.get("Period", ""))
    covid = cover.get("Covid breaches") or covid  # the cover says it apart from the period
    deck = Deck(prs, " · ".join(x for x in (TITLE, cover.get("Area", ""), period) if x))
    chart_layout = layout(prs, "chart")
    room = content_box(prs, chart_layout)
    planned = [(b, f, _chart_text(b, room)) for s in sections for b in s.blocks for f in b.figures]
    pngs = render([_sized(figure, room, text) for _, figure, text in planned])
    charts = iter(zip(planned, pngs, strict=True))

    _cover(deck, cover, period, covid)
    for section in sections:
        cards = [c for b in section.blocks for c in b.cards]
        if cards:
            _headline(deck, section.title, cards, cover.get("Area", ""), period)
        for block in section.blocks:
            for _ in block.figures:  # the charts in the order they were planned and drawn
                (chart_block, figure, text), png = next(charts)
                _chart(deck, chart_layout, chart_block, figure, png, text)
    _caveats(deck, caveats)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _period_and_covid(period: str) -> tuple[str, str]:
    """'12 months to March 2021, including Covid breaches' as its period and its Covid choice."""
    head, _, tail = period.partition(", ")
    if "covid" in tail.lower():
        return head, tail[:1].upper() + tail[1:]
    return period, ""


def _short(line: str) -> str:
    """A card line without its long parenthetical detail (the test, its statistics)."""
    out = re.sub(r"\s*\((?:[^()]|\([^()]*\))*\)", lambda m: m[0] if len(m[0]) <= 24 else "", line)
    return re.sub(r"\s{2,}", " ", out).strip()


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])", text.strip(), maxsplit=1)[0]


# Slides ---------------------------------------------------------------------------------------


def _new_slide(deck: Deck, kind_or_layout, title: str | None, max_pt: float = 28):
    lay = layout(deck.prs, kind_or_layout) if isinstance(kind_or_layout, str) else kind_or_layout
    slide = deck.prs.slides.add_slide(lay)
    if title is not None:
        ph = _placeholder(slide, TITLES)
        if ph is None:  # a layout without a title: a text box where a title goes
            box = content_box(deck.prs, lay)
            ph = slide.shapes.add_textbox(box.left, int(deck.height * 0.03), box.width, Cm(2.4))
        write(ph.text_frame, fit([Para(title, max_pt, bold=True)], ph.width, ph.height))
    return slide


def _placeholder(slide, kinds):
    for ph in slide.placeholders:
        if ph.placeholder_format.type in kinds:
            return ph
    return None


def _drop_unused(slide, keep) -> None:
    """Remove the layout's placeholders the slide does not fill (they show 'Click to add')."""
    for ph in list(slide.placeholders):
        if ph not in keep:
            ph._element.getparent().remove(ph._element)


def _footer(deck: Deck, slide) -> None:
    """The layout's footer and slide-number placeholders, filled (python-pptx leaves them off)."""
    number = len(deck.prs.slides._sldIdLst)
    for ph in slide.slide_layout.placeholders:
        kind = ph.placeholder_format.type
        if kind not in FOOTERS or kind == PP_PLACEHOLDER.DATE:
            continue
        slide.shapes.clone_placeholder(ph)
        made = slide.placeholders[ph.placeholder_format.idx]
        text = deck.footer if kind == PP_PLACEHOLDER.FOOTER else str(number)
        write(made.text_frame, fit([Para(text, 11)], made.width, made.height, smallest=0.7))
        if kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            _as_slide_number(made.text_frame.paragraphs[0])


def _as_slide_number(paragraph) -> None:
    """The run made a slide-number field, so the number stays right when slides are moved."""
    run = paragraph.runs[0]._r
    field = OxmlElement("a:fld")
    paragraph._p.append(field)
    field.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
    field.set("type", "slidenum")
    field.append(run.find(qn("a:rPr")))
    field.append(run.find(qn("a:t")))
    paragraph._p.remove(run)
    end = paragraph._p.find(qn("a:endParaRPr"))
    if end is not None:
        paragraph._p.remove(end)
        paragraph._p.append(end)


def _cover(deck: Deck, cover: dict[str, str], period: str, covid: str) -> None:
    slide = _new_slide(deck, "cover", TITLE, max_pt=40)
    title = _placeholder(slide, TITLES)
    body = _placeholder(
        slide, (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
    )
    if body is None:  # a cover layout without a subtitle: a centred box under the title
        top = (title.top + title.height + GAP) if title is not None else int(deck.height * 0.3)
        left = int(deck.width * 0.08)
        body = slide.shapes.add_textbox(left, top, deck.width - 2 * left, deck.height - top - GAP)
    _drop_unused(slide, [title, body])
    room = footer_top(deck.prs, slide.slide_layout) - GAP - body.top
    if room > body.height:  # a template's small subtitle box: let the cover's facts use the page
        # all four set: a placeholder's inherited position is lost when one alone is set
        body.left, body.top, body.width, body.height = body.left, body.top, body.width, room
    centre = PP_ALIGN.CENTER
    paras = [
        Para(cover.get("Area", ""), 28, bold=True, align=centre),
        Para(period, 22, align=centre, space_before=4),
    ]
    if covid:
        paras.append(Para(covid, 22, align=centre, space_before=2))
    small = [
        ("Data to", cover.get("Data to", "")),
        ("Generated", cover.get("Generated", "")),
        ("Filters not used", cover.get("Filters not used", "")),
    ]
    paras += [Para(f"{k}: {v}", 13, align=centre, space_before=10) for k, v in small if v]
    # The licence line also says illustrative values are modelled (the PDF's cover note points
    # to its Methods section, which the slides do not have).
    paras.append(Para(LICENCE, 11, align=centre, space_before=14))
    write(body.text_frame, fit(paras, body.width, body.height), MSO_ANCHOR.TOP)


def _tile_paras(card: dict, area: str, period: str) -> list[Para]:
    """A headline tile: the measure, its value large, its change in one line, where it differs
    the period or area it covers, and its illustrative/published flags."""
    lines = [line for line in card["lines"] if not line.startswith("[")]
    flags = [line.strip("[]") for line in card["lines"] if line.startswith("[")]
    change = next((line for line in lines if " on the previous" in line), None)
    change = change or next(
        (line for line in lines if not line.startswith(("Latest month", "SPC assurance"))), ""
    )
    meta = dict(part.split(": ", 1) for part in card.get("meta", "").split(" · ") if ": " in part)
    where = [
        _short(meta[key])
        for key, pack in (("Period", period), ("Area", area))
        if meta.get(key) and not meta[key].startswith(pack)
    ]
    text = MSO_THEME_COLOR.TEXT_1
    paras = [
        Para(card["title"], 16, bold=True, color=text),
        Para(card["value"], 40, bold=True, color=MSO_THEME_COLOR.ACCENT_1, space_before=2),
        Para(_short(change), 14, color=text, space_before=4),
    ]
    if where:
        paras.append(Para(" · ".join(where), 11, color=GREY, space_before=4))
    for flag in flags:
        illustrative = "llustrative" in flag
        shown = ILLUSTRATIVE if illustrative else flag
        paras.append(
            Para(
                shown, 11, bold=True, color=AMBER_INK if illustrative else GREEN_INK, space_before=4
            )
        )
    return paras


def _chunks(tiles: list[list[Para]], title_chars: int) -> list[list[list[Para]]]:
    """Tiles split evenly over as few slides as keep each within MAX_TILES and MAX_CHARS."""
    for slides in range(math.ceil(len(tiles) / MAX_TILES), len(tiles) + 1):
        per = math.ceil(len(tiles) / slides)
        chunks = [tiles[i : i + per] for i in range(0, len(tiles), per)]
        if all(title_chars + _chars(c) <= MAX_CHARS for c in chunks):
            return chunks
    return [[tile] for tile in tiles]


def _chars(tiles: list[list[Para]]) -> int:
    return sum(len(p.text) for tile in tiles for p in tile)


def _headline(deck: Deck, section: str, cards: list[dict], area: str, period: str) -> None:
    tiles = [_tile_paras(card, area, period) for card in cards]
    title = f"{section}: headline figures"
    chunks = _chunks(tiles, len(title) + 8)
    for number, chunk in enumerate(chunks, start=1):
        shown = title if len(chunks) == 1 else f"{title} ({number} of {len(chunks)})"
        slide = _new_slide(deck, "chart", shown)
        _drop_unused(slide, [_placeholder(slide, TITLES)])
        box = content_box(deck.prs, slide.slide_layout)
        columns = {1: 1, 2: 2, 4: 2}.get(len(chunk), 3)
        rows = math.ceil(len(chunk) / columns)
        tile_w = (box.width - (columns - 1) * GAP) // columns
        tile_h = min((box.height - (rows - 1) * GAP) // rows, Cm(8))
        top = box.top + (box.height - rows * tile_h - (rows - 1) * GAP) // 2
        for i, paras in enumerate(chunk):
            row, col = divmod(i, columns)
            left = box.left + col * (tile_w + GAP)
            _tile(slide, Box(left, top + row * (tile_h + GAP), tile_w, tile_h), paras)
        _footer(deck, slide)


def _tile(slide, box: Box, paras: list[Para]) -> None:
    back = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, box.left, box.top, box.width, box.height)
    back.fill.solid()
    back.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_1
    back.fill.fore_color.brightness = 0.9
    back.line.fill.background()
    back.shadow.inherit = False
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, box.left, box.top, Cm(0.25), box.height)
    bar.fill.solid()
    bar.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_1
    bar.line.fill.background()
    bar.shadow.inherit = False
    pad = Cm(0.5)
    text = slide.shapes.add_textbox(
        box.left + pad, box.top + Cm(0.2), box.width - pad - Cm(0.2), box.height - Cm(0.4)
    )
    write(text.text_frame, fit(paras, text.width, text.height), MSO_ANCHOR.TOP)


@dataclass(frozen=True)
class ChartText:
    """What goes under a chart's picture, and the height it needs there."""

    summary: list[Para]
    meta: list[Para]
    flag: bool
    meta_width: int
    height: int


FLAG_WIDTH = Cm(6.2)


def _chart_text(block: Block, room: Box) -> ChartText:
    """The summary's first sentence, and the period/area/source line (without the data-to
    date, which the chart's own picture states, when the slide would hold too many characters)."""
    summary = _first_sentence(block.summary)
    meta = block.meta
    budget = MAX_CHARS - len(block.title) - len(summary) - len(ILLUSTRATIVE)
    if len(meta) > budget:
        meta = meta.rsplit(" · Data to: ", 1)[0]
    if len(meta) > budget:
        meta = _short(meta)
    if len(meta) > budget:
        meta = meta[: max(0, budget - 1)].rsplit(" ", 1)[0] + "…"
    flag = block.illustrative
    meta_width = room.width - (FLAG_WIDTH + GAP if flag else 0)
    summary_paras = fit([Para(summary, 16, color=MSO_THEME_COLOR.TEXT_1)], room.width, Cm(2.4))
    meta_paras = fit([Para(meta, 11, color=GREY)], meta_width, Cm(1.8))
    text_h = height(summary_paras, room.width) + 2
    meta_h = max(height(meta_paras, meta_width) + 2, 22.0 if flag else 0.0)
    return ChartText(
        summary_paras, meta_paras, flag, meta_width, Pt(text_h) + GAP // 2 + Pt(meta_h)
    )


def _sized(figure: dict, room: Box, text: ChartText) -> dict:
    """The figure redrawn nearer the shape of the room left for it at the slide's full width.

    Its plot area may shrink to SQUASH of its height (or grow); legends, notes and titles outside
    the plot keep their distance from it in pixels, as the figure placed them."""
    layout_ = figure.get("layout", {})
    old_h = int(layout_.get("height") or 450)
    margin = layout_.get("margin") or {}
    edges = int(margin.get("t", 100)) + int(margin.get("b", 80))
    plot = max(old_h - edges, 1)
    slot_h = room.height - text.height - GAP
    want = round(RENDER_WIDTH * slot_h / room.width)
    new_h = min(max(want, old_h - round((1 - SQUASH) * plot), 300), 1000)
    ratio = plot / max(new_h - edges, 1)

    def moved(y):
        if not isinstance(y, int | float):
            return y
        return y * ratio if y < 0 else 1 + (y - 1) * ratio if y > 1 else y

    def outside(item: dict) -> dict:
        if item.get("yref", "paper") == "paper" and "y" in item:
            return {**item, "y": moved(item["y"])}
        return item

    new_layout = {**layout_, "height": new_h}
    title = layout_.get("title")
    if (
        isinstance(title, dict)
        and isinstance(title.get("y"), int | float)
        and title.get("yref", "container") == "container"
    ):  # the same pixels from the top
        new_layout["title"] = {**title, "y": 1 - (1 - title["y"]) * old_h / new_h}
    if isinstance(layout_.get("legend"), dict):
        new_layout["legend"] = outside(layout_["legend"])
    if layout_.get("annotations"):
        new_layout["annotations"] = [outside(a) for a in layout_["annotations"]]
    return {**figure, "layout": new_layout}


def _chart(deck: Deck, lay, block: Block, figure: dict, png: bytes, text: ChartText) -> None:
    slide = _new_slide(deck, lay, block.title)
    _drop_unused(slide, [_placeholder(slide, TITLES)])
    room = content_box(deck.prs, lay)
    slot_h = room.height - text.height - GAP
    fig_h = int(_sized(figure, room, text)["layout"]["height"])
    pic_w, pic_h = room.width, int(room.width * fig_h / RENDER_WIDTH)
    if pic_h > slot_h:  # a 4:3 slide, or a chart that needs its height: keep its shape
        pic_w, pic_h = int(slot_h * RENDER_WIDTH / fig_h), slot_h
    slide.shapes.add_picture(
        io.BytesIO(png), room.left + (room.width - pic_w) // 2, room.top, pic_w, pic_h
    )
    top = room.top + pic_h + GAP
    summary_h = Pt(height(text.summary, room.width) + 2)
    summary = slide.shapes.add_textbox(room.left, top, room.width, summary_h)
    write(summary.text_frame, text.summary)
    top += summary_h + GAP // 2
    meta_h = room.bottom - top
    left = room.left
    if text.flag:
        flag = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, FLAG_WIDTH, Pt(22))
        flag.fill.solid()
        flag.fill.fore_color.rgb = AMBER_BG
        flag.line.color.rgb = RGBColor(0xC9, 0xA2, 0x27)
        flag.shadow.inherit = False
        write(
            flag.text_frame,
            fit(
                [Para(ILLUSTRATIVE, 11, bold=True, color=AMBER_INK, align=PP_ALIGN.CENTER)],
                flag.width,
                flag.height,
            ),
            MSO_ANCHOR.MIDDLE,
        )
        left += FLAG_WIDTH + GAP
    meta = slide.shapes.add_textbox(left, top, text.meta_width, meta_h)
    write(meta.text_frame, text.meta)
    _footer(deck, slide)


def _caveats(deck: Deck, caveats: list[str]) -> None:
    """The caveats as bullets, over as few slides as keep each within MAX_CHARS, evenly."""
    for number, page in enumerate(_pages(caveats, MAX_CHARS - 30), start=1):
        title = "Caveats" if number == 1 else "Caveats (continued)"
        slide = _new_slide(deck, "text", title)
        heading = _placeholder(slide, TITLES)
        body = _placeholder(slide, (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT))
        bullets = body is not None
        if body is None:
            box = content_box(deck.prs, slide.slide_layout)
            body = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
        _drop_unused(slide, [heading, body])
        paras = [
            Para(c if bullets else f"• {c}", 24, space_before=10, bullet=bullets) for c in page
        ]
        write(body.text_frame, fit(paras, body.width, body.height), MSO_ANCHOR.TOP)
        _footer(deck, slide)


def _pages(items: list[str], budget: int) -> list[list[str]]:
    """Items in order over the fewest pages of at most `budget` characters, about evenly."""
    total = sum(map(len, items))
    for count in range(max(1, math.ceil(total / budget)), len(items) + 1):
        target = total / count
        pages: list[list[str]] = [[]]
        for item in items:
            used = sum(map(len, pages[-1]))
            if pages[-1] and (used >= target or used + len(item) > budget):
                pages.append([])
            pages[-1].append(item)
        if len(pages) <= count:
            return pages
    return [[item] for item in items]

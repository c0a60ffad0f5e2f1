"""The board pack as PowerPoint slides (python-pptx), for secretariats who paste into decks.

Same content as the PDF (`board_pack.Section`s built from the pages' own components): a cover,
the headline cards, one slide per chart with its summary and period/area/source line, and the
caveats. Tables stay in the PDF and the dashboard's CSV/Excel downloads, where they are usable.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Cm, Pt

from dashboard.render.board_pack import Section
from dashboard.render.exports import LICENCE

WIDTH, HEIGHT = Cm(33.867), Cm(19.05)  # 16:9


def _text_slide(deck, title: str, lines: list[str], size: int = 14) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[1])  # title and content
    slide.shapes.title.text = title
    body = slide.placeholders[1].text_frame
    body.word_wrap = True
    body.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for i, line in enumerate(lines):
        para = body.paragraphs[0] if i == 0 else body.add_paragraph()
        para.text = line
        para.font.size = Pt(size)


def build_pptx(
    cover: dict[str, str],
    sections: list[Section],
    caveats: list[str],
    render: Callable[[list[dict]], list[bytes]],
) -> bytes:
    """The board pack as .pptx bytes: cover, headline cards, a slide per chart, then caveats."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    figures = [f for s in sections for b in s.blocks for f in b.figures]
    images = iter(render(figures))

    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = "ASB Oversight Board pack"
    slide.placeholders[1].text = "\n".join(f"{k}: {v}" for k, v in cover.items())
    for para in slide.placeholders[1].text_frame.paragraphs:
        para.font.size = Pt(14)

    for section in sections:
        for block in section.blocks:
            if block.cards:
                lines = [
                    f"{c['title']}: {c['value']} — {'; '.join(c['lines'])} ({c['meta']})"
                    for c in block.cards
                ]
                _text_slide(deck, f"{section.title}: headline figures", lines, size=12)
            for figure in block.figures:
                png = next(images)
                slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
                slide.shapes.title.text = f"{section.title}: {block.title}"
                slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(24)
                fig_h = int(figure.get("layout", {}).get("height") or 450)
                img_w = Cm(24)
                img_h = int(img_w * fig_h / 1200)
                top = Cm(3.2)
                if img_h > HEIGHT - top - Cm(2.5):  # keep room for the summary
                    img_h = HEIGHT - top - Cm(2.5)
                    img_w = int(img_h * 1200 / fig_h)
                slide.shapes.add_picture(
                    io.BytesIO(png), int((WIDTH - img_w) / 2), top, img_w, img_h
                )
                box = slide.shapes.add_textbox(Cm(1.5), top + img_h, WIDTH - Cm(3), Cm(2.4))
                frame = box.text_frame
                frame.word_wrap = True
                frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
                frame.text = block.summary
                frame.paragraphs[0].font.size = Pt(11)
                meta = frame.add_paragraph()
                meta.text = block.meta
                meta.font.size = Pt(9)
    _text_slide(deck, "Caveats", [*caveats, LICENCE], size=11)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()

"""Text on a slide that fits its box: measured, wrapped and shrunk before it is written.

PowerPoint does not lay text out when a file is written (its "shrink on overflow" only acts when
someone edits the box), so the slides choose font sizes that fit here. Widths are Helvetica Bold's
(the metrics of Arial and Liberation Sans, at their widest weight) with a safety margin, so text
measured to fit also fits in Arial, Calibri and most sans-serif template fonts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Cm, Emu, Pt

# Advance widths (1/1000 em) of Helvetica Bold for " " to "~"; other characters count as 0.6 em.
_WIDTHS = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
    722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
    611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
    500, 389, 280, 389, 584,
)  # fmt: skip
SAFETY = 1.08  # wider than measured, for fonts a little wider than Arial
LINE = 1.2  # line height as a multiple of the font size (PowerPoint's single spacing)
INSET = Cm(0.15)  # every box's inner margin, set explicitly so measuring knows it
EMU_PER_PT = 12700
BULLETED = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
BULLET_INDENT = 27.0  # points a bullet's text is indented by (PowerPoint's default, 0.375 in)


@dataclass(frozen=True)
class Para:
    """One paragraph to write: its text, size in points and look."""

    text: str
    pt: float
    bold: bool = False
    color: RGBColor | MSO_THEME_COLOR | None = None
    align: PP_ALIGN | None = None
    space_before: float = 0.0  # points
    bullet: bool = False  # in a bulleted placeholder: the text is indented past the bullet


def text_width(text: str, pt: float) -> float:
    """The width of `text` at `pt` points, in points (generous: see SAFETY)."""
    units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else 600 for c in text)
    return units * pt / 1000 * SAFETY


def wrap(text: str, width_pt: float, pt: float) -> list[str]:
    """`text` broken into lines no wider than `width_pt` (a word too long for a line is split)."""
    lines: list[str] = []
    for hard in text.split("\n"):
        line = ""
        for word in hard.split(" "):
            trial = f"{line} {word}" if line else word
            if text_width(trial, pt) <= width_pt:
                line = trial
                continue
            if line:
                lines.append(line)
            line = word
            while text_width(line, pt) > width_pt and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and text_width(line[:cut], pt) > width_pt:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def height(paras: list[Para], width_emu: int) -> float:
    """The height in points the paragraphs take in a box `width_emu` wide (insets included)."""
    inner = (width_emu - 2 * INSET) / EMU_PER_PT
    total = 2 * INSET / EMU_PER_PT
    for i, p in enumerate(paras):
        indent = max(BULLET_INDENT, 1.5 * p.pt) if p.bullet else 0.0
        lines = len(wrap(p.text, inner - indent, p.pt))
        total += lines * p.pt * LINE + (p.space_before if i else 0)
    return total


def fit(paras: list[Para], width_emu: int, height_emu: int, smallest: float = 0.45) -> list[Para]:
    """The paragraphs scaled down together (to `smallest` of their size) until they fit; if even
    that is too big, the last paragraphs are shortened with an ellipsis."""
    room = height_emu / EMU_PER_PT
    scale = 1.0
    while True:
        scaled = [
            replace(p, pt=round(p.pt * scale, 1), space_before=p.space_before * scale)
            for p in paras
        ]
        if height(scaled, width_emu) <= room:
            return scaled
        if scale <= smallest:
            break
        scale = max(smallest, scale - 0.05)
    while scaled and height(scaled, width_emu) > room:
        last = scaled[-1]
        words = last.text.split(" ")
        if len(words) <= 1:
            scaled.pop()
            continue
        scaled[-1] = replace(last, text=" ".join(words[:-1]).rstrip(" ,;:…") + "…")
    return scaled


def write(frame, paras: list[Para], anchor: MSO_ANCHOR | None = None) -> None:
    """Write paragraphs into a text frame, with the sizes given and the insets `height` assumes."""
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = INSET
    frame.margin_top = frame.margin_bottom = INSET
    if anchor is not None:
        frame.vertical_anchor = anchor
    for i, p in enumerate(paras):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if p.align is not None:
            para.alignment = p.align
        if i and p.space_before:
            para.space_before = Pt(p.space_before)
        run = para.add_run()
        run.text = p.text
        run.font.size = Pt(p.pt)
        run.font.bold = p.bold
        if isinstance(p.color, RGBColor):
            run.font.color.rgb = p.color
        elif p.color is not None:
            run.font.color.theme_color = p.color


def written(frame, bullets: bool = False) -> list[Para]:
    """The paragraphs a text frame holds, as `height` measures them (runs without a size: 18 pt,
    PowerPoint's default)."""
    paras = []
    for para in frame.paragraphs:
        # runs and fields (a slide number) alike: every run property's size, in 1/100 pt
        sizes = [int(rpr.get("sz")) / 100 for rpr in para._p.iter(qn("a:rPr")) if rpr.get("sz")]
        space = para.space_before.pt if para.space_before is not None else 0.0
        paras.append(Para(para.text, max(sizes, default=18.0), space_before=space, bullet=bullets))
    return paras


def overflows(shape) -> bool:
    """Whether a shape's text is taller than the shape (as measured here)."""
    if not shape.has_text_frame or not shape.text_frame.text.strip():
        return False
    bullets = shape.is_placeholder and shape.placeholder_format.type in BULLETED
    paras = written(shape.text_frame, bullets)
    return height(paras, int(shape.width)) > Emu(shape.height) / EMU_PER_PT

"""Write the example slide template, dashboard/templates/board_slides_template.pptx.

Run from the repository root: .venv/bin/python scripts/make_pptx_template.py

It starts from python-pptx's own default template and makes it 16:9 (33.867 x 19.05 cm) in the
dashboard's blue (#0b3d91): Arial, blue titles, a blue cover, and a blue footer bar carrying the
footer text and slide number. A force's own template needs only the layouts the README names;
this script is an example of one, and the way to regenerate the shipped copy.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Cm

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dashboard" / "templates" / "board_slides_template.pptx"
BLUE = "0B3D91"
WIDTH, HEIGHT = Cm(33.867), Cm(19.05)
MARGIN = Cm(1.5)
BAR = Cm(1.1)  # the footer bar's height
FONT = "Arial"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
KEEP = ("Title Slide", "Title and Content", "Title Only", "Blank")


def _theme(prs) -> None:
    """Colours and fonts: the dashboard's blue as dark 2 and accent 1, Arial throughout."""
    master = prs.slide_masters[0]
    theme_part = next(
        rel.target_part for rel in master.part.rels.values() if rel.reltype.endswith("/theme")
    )
    theme = etree.fromstring(theme_part.blob)
    theme.set("name", "ASB board pack")
    scheme = theme.find(f".//{qn('a:clrScheme')}")
    scheme.set("name", "ASB board pack")
    colours = {
        "dk2": BLUE,
        "accent1": BLUE,
        "accent2": "C9A227",
        "accent3": "5AA877",
        "accent4": "4A4A4A",
        "hlink": BLUE,
    }
    for name, value in colours.items():
        slot = scheme.find(qn(f"a:{name}"))
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, qn("a:srgbClr"), val=value)
    fonts = theme.find(f".//{qn('a:fontScheme')}")
    fonts.set("name", "ASB board pack")
    for kind in ("a:majorFont", "a:minorFont"):
        fonts.find(f"{qn(kind)}/{qn('a:latin')}").set("typeface", FONT)
    theme_part._blob = etree.tostring(
        theme, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = int(left), int(top), int(width), int(height)


def _fill(def_rpr, scheme: str) -> None:
    for old in def_rpr.findall(qn("a:solidFill")):
        def_rpr.remove(old)
    fill = etree.Element(qn("a:solidFill"))
    etree.SubElement(fill, qn("a:schemeClr"), val=scheme)
    def_rpr.insert(0, fill)


def _level_style(shape, size: int, bold: bool, scheme: str, align: str) -> None:
    """A placeholder's first-level text look, in its own list style (as PowerPoint writes it)."""
    body = shape._element.get_or_add_txBody()
    lst = body.find(qn("a:lstStyle"))
    if lst is None:
        lst = etree.SubElement(body, qn("a:lstStyle"))
        body.insert(1, lst)
    for old in list(lst):
        lst.remove(old)
    level = etree.SubElement(lst, qn("a:lvl1pPr"), algn=align)
    etree.SubElement(level, qn("a:buNone"))
    rpr = etree.SubElement(level, qn("a:defRPr"), sz=str(size * 100), b="1" if bold else "0")
    _fill(rpr, scheme)


def _master(prs) -> None:
    """Title, body and footer placeholders placed for 16:9; the blue footer bar."""
    master = prs.slide_masters[0]
    for ph in master.placeholders:
        kind = ph.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            _place(ph, MARGIN, Cm(0.5), WIDTH - 2 * MARGIN, Cm(2.0))
        elif kind == PP_PLACEHOLDER.BODY:
            _place(ph, MARGIN, Cm(2.9), WIDTH - 2 * MARGIN, HEIGHT - BAR - Cm(3.4))
        elif kind == PP_PLACEHOLDER.FOOTER:
            _place(ph, MARGIN, HEIGHT - BAR, WIDTH - 2 * MARGIN - Cm(3), BAR)
            _level_style(ph, 11, False, "bg1", "l")
        elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            _place(ph, WIDTH - MARGIN - Cm(3), HEIGHT - BAR, Cm(3), BAR)
            _level_style(ph, 11, True, "bg1", "r")
        elif kind == PP_PLACEHOLDER.DATE:
            ph._element.getparent().remove(ph._element)  # the generated-at date is on the cover
    bar = etree.fromstring(
        f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="90" name="Footer bar"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr><a:xfrm>'
        f'<a:off x="0" y="{int(HEIGHT - BAR)}"/><a:ext cx="{int(WIDTH)}" cy="{int(BAR)}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="{BLUE}"/>'
        "</a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>"
    )
    master.shapes._spTree.insert(2, bar)  # behind the footer placeholders
    styles = master._element.find(qn("p:txStyles"))
    title = styles.find(f"{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
    title.set("algn", "l")
    rpr = title.find(qn("a:defRPr"))
    rpr.set("sz", "2800")
    rpr.set("b", "1")
    _fill(rpr, "tx2")
    body = styles.find(qn("p:bodyStyle"))
    for number, size in ((1, 2000), (2, 1800), (3, 1600), (4, 1400), (5, 1400)):
        level = body.find(qn(f"a:lvl{number}pPr"))
        level.find(qn("a:defRPr")).set("sz", str(size))


def _cover(layout) -> None:
    """The Title Slide layout: a blue page, white centred title and subtitle, no footer bar."""
    layout._element.set("showMasterSp", "0")
    c_sld = layout._element.find(qn("p:cSld"))
    bg = etree.fromstring(
        f'<p:bg xmlns:p="{P}" xmlns:a="{A}"><p:bgPr>'
        '<a:solidFill><a:schemeClr val="tx2"/></a:solidFill><a:effectLst/></p:bgPr></p:bg>'
    )
    c_sld.insert(0, bg)
    for ph in list(layout.placeholders):
        kind = ph.placeholder_format.type
        if kind == PP_PLACEHOLDER.CENTER_TITLE:
            _place(ph, Cm(2.5), Cm(2.6), WIDTH - Cm(5), Cm(4.2))
            _level_style(ph, 40, True, "bg1", "ctr")
        elif kind == PP_PLACEHOLDER.SUBTITLE:
            _place(ph, Cm(2.5), Cm(7.4), WIDTH - Cm(5), HEIGHT - Cm(8.6))
            _level_style(ph, 20, False, "bg1", "ctr")
        else:
            ph._element.getparent().remove(ph._element)


def _fit_layouts(prs) -> None:
    """Drop the layouts the slides never use; let the rest take the master's 16:9 positions."""
    layouts = prs.slide_layouts
    for lay in list(layouts):
        if lay.name not in KEEP:
            layouts.remove(lay)
    for lay in layouts:
        if lay.name == "Title Slide":
            _cover(lay)
            continue
        for ph in list(lay.placeholders):
            if ph.placeholder_format.type == PP_PLACEHOLDER.DATE:
                ph._element.getparent().remove(ph._element)
                continue
            xfrm = ph._element.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
            if xfrm is not None:
                xfrm.getparent().remove(xfrm)  # inherit the master's 16:9 position


def build() -> bytes:
    """The template's bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _theme(prs)
    _master(prs)
    _fit_layouts(prs)
    prs.core_properties.title = "ASB Oversight Board pack template"
    prs.core_properties.author = "ASB Oversight Dashboard"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def main() -> None:
    """Write the template where the dashboard looks for it."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    sys.exit(main())

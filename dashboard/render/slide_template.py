"""The slide template a force may replace (ASB_PPTX_TEMPLATE): opened, checked, its layouts found
by name, and the room each layout leaves for content.

The slides are made from the template's own layouts, so its masters and theme (fonts, colours,
logo, footer) carry through. Layouts are looked up by name with fallbacks, and everything is laid
out to the template's own slide size, so a 4:3 template gives 4:3 slides that fit.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError
from pptx.util import Cm

from dashboard.core.settings import Settings

DEFAULT_TEMPLATE = (
    Path(__file__).resolve().parent.parent / "templates" / "board_slides_template.pptx"
)
# Which of the template's layouts each kind of slide uses: the first name found, else a fallback.
LAYOUTS = {
    "cover": ("Title Slide",),
    "chart": ("Title Only", "Title and Content", "Blank"),
    "text": ("Title and Content", "Title Only", "Blank"),
}
FOOTERS = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE)
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
GAP = Cm(0.4)


class TemplateUnusable(RuntimeError):
    """The configured slide template is missing or is not a PowerPoint file we can read."""


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        """Its lower edge."""
        return self.top + self.height


def configured_template() -> Path:
    """ASB_PPTX_TEMPLATE if it is set, else the template shipped with the dashboard."""
    return Settings.from_env().pptx_template or DEFAULT_TEMPLATE


def open_template(path: Path):
    """The template as an empty presentation (any slides it holds are dropped), or
    TemplateUnusable with a message a user can act on."""
    setting = "" if path == DEFAULT_TEMPLATE else " (ASB_PPTX_TEMPLATE)"
    if not path.is_file():
        raise TemplateUnusable(
            f"The slides could not be made: the slide template {path}{setting} does not exist. "
            "Ask the administrator to correct it; the PDF board pack still works."
        )
    try:
        deck = Presentation(str(path))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        # (lxml's XMLSyntaxError, for a broken part, is a SyntaxError)
        raise TemplateUnusable(
            f"The slides could not be made: the slide template {path}{setting} is not a "
            f"PowerPoint .pptx file that can be read ({type(exc).__name__}; a .potx template "
            "must be saved as .pptx). Ask the administrator to correct it; the PDF board pack "
            "still works."
        ) from exc
    ids = deck.slides._sldIdLst  # python-pptx has no public "delete slide"
    for slide_id in list(ids):
        deck.part.drop_rel(slide_id.rId)
        ids.remove(slide_id)
    return deck


def layout(deck, kind: str):
    """The template's layout for a kind of slide: by name, else the first with a title."""
    by_name = {lay.name.strip().lower(): lay for lay in deck.slide_layouts}
    for name in LAYOUTS[kind]:
        if name.lower() in by_name:
            return by_name[name.lower()]
    titled = [lay for lay in deck.slide_layouts if _title(lay) is not None]
    return titled[0] if titled else deck.slide_layouts[0]


def _title(shapes_owner):
    for ph in shapes_owner.placeholders:
        if ph.placeholder_format.type in TITLES:
            return ph
    return None


def content_box(deck, layout_) -> Box:
    """The room a layout leaves under its title and above its footer, within the slide."""
    width, height = deck.slide_width, deck.slide_height
    title = _title(layout_)
    if title is not None and title.width:
        left = max(0, title.left)
        right = min(width, title.left + title.width)
        top = title.top + title.height + GAP
    else:
        left, right, top = int(width * 0.05), int(width * 0.95), int(height * 0.06)
    bottom = footer_top(deck, layout_) - GAP
    return Box(left, top, right - left, max(0, bottom - top))


def footer_top(deck, layout_) -> int:
    """Where the footer (placeholders or the master's own shapes in the lowest quarter) starts."""
    height = deck.slide_height
    tops = [height - int(height * 0.03)]
    for owner in (layout_, layout_.slide_master):
        for shape in owner.shapes:
            low = shape.top is not None and shape.top > height * 0.75
            footer = shape.is_placeholder and shape.placeholder_format.type in FOOTERS
            if low and (footer or not shape.is_placeholder):
                tops.append(shape.top)
    return min(tops)

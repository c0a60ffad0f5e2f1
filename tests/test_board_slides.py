"""The board pack as slides: 16:9 from the shipped template, every shape on the slide, no wall of
text, headline tiles carrying the page model's values, a force's own template used, a bad one
refused in words. Charts are stand-in pictures here (no Chromium) except in the end-to-end test."""

from __future__ import annotations

import io
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Cm

from dashboard.builders.filters import filters_from_params
from dashboard.builders.methods import CAVEATS
from dashboard.builders.registry import BY_ID
from dashboard.core import ids
from dashboard.core.settings import BadSetting, Settings
from dashboard.core.viewer import Viewer
from dashboard.model import Card, Chart, walk
from dashboard.render import board_slides
from dashboard.render.slide_template import DEFAULT_TEMPLATE, TemplateUnusable
from dashboard.render.slide_text import overflows
from dashboard.web.board_pack import failure_message, sections_for
from tests.conftest import skip_or_fail
from tests.pages_payload import board_pack_file, poll_board_pack, start_board_pack

FORCE = {"area": "force", "to": "2021-03", "covid": "include"}
FOOTERS = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE)


def _png(width: int, height: int) -> bytes:
    """A plain grey PNG of the size a chart would be drawn at (a stand-in for kaleido's)."""
    row = b"\x00" + b"\xcc" * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


class Drawn:
    """A stand-in for render_figures that remembers the figures it was asked to draw."""

    def __init__(self) -> None:
        self.figures: list[dict] = []

    def __call__(self, figures: list[dict]) -> list[bytes]:
        self.figures += figures
        return [_png(120, int(f["layout"]["height"]) // 10) for f in figures]


@pytest.fixture(scope="module")
def force_pack(dash_app, default_db_url):
    """The force's cover and sections for 12 months to March 2021, from the shipped data."""
    from dashboard.core.database import db

    db.configure(default_db_url)
    with dash_app.server.app_context():
        _, cover, sections = sections_for(FORCE, Viewer.system())
    return cover, sections


@pytest.fixture(scope="module")
def overview_cards(dash_app, default_db_url) -> list[Card]:
    """The Overview page model's headline cards, built as the screen builds them."""
    from dashboard.core.database import db

    db.configure(default_db_url)
    viewer = Viewer.system()
    with dash_app.server.app_context():
        filters, _, choices = filters_from_params(FORCE, viewer, ids.OVERVIEW)
        page = BY_ID[ids.OVERVIEW].build(filters, choices, viewer)
    return [b for b in walk(page.blocks) if isinstance(b, Card)]


def _deck(pack, template: Path | None = None) -> tuple[object, Drawn]:
    cover, sections = pack
    drawn = Drawn()
    content = board_slides.build_pptx(cover, sections, CAVEATS, drawn, template)
    return Presentation(io.BytesIO(content)), drawn


@pytest.fixture(scope="module")
def deck(force_pack):
    return _deck(force_pack)[0]


def _title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def _content_chars(slide) -> int:
    """Characters of text on a slide, leaving out the footer and slide number."""
    return sum(
        len(shape.text_frame.text)
        for shape in slide.shapes
        if shape.has_text_frame
        and not (shape.is_placeholder and shape.placeholder_format.type in FOOTERS)
    )


def _headline_tiles(deck) -> list[list[str]]:
    """Each headline tile's paragraphs, in order, from the headline slides."""
    tiles = []
    for slide in deck.slides:
        if "headline figures" in _title(slide):
            boxes = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX]
            tiles += [[p.text for p in box.text_frame.paragraphs] for box in boxes]
    return tiles


def test_slides_are_16_9_with_the_shipped_template(deck):
    assert (deck.slide_width, deck.slide_height) == (Cm(33.867), Cm(19.05))
    assert round(deck.slide_width / deck.slide_height, 3) == round(16 / 9, 3)


@pytest.mark.parametrize("template", ["shipped", "python-pptx 4:3"])
def test_every_shape_is_on_the_slide_and_no_text_overflows(force_pack, tmp_path, template):
    path = None
    if template != "shipped":
        path = tmp_path / "plain.pptx"
        Presentation().save(path)  # python-pptx's own default: 4:3, Calibri
    deck, _ = _deck(force_pack, path)
    width, height = deck.slide_width, deck.slide_height
    if path is not None:
        assert (width, height) == (Cm(25.4), Cm(19.05))  # laid out to the template's own size
    cover = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    for expected in ("Essex Police (force)", "12 months to March 2021", "Generated", "Licence"):
        assert expected in cover, expected  # all there, none cut short to fit
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            where = f"slide {number} ({_title(slide)!r}), {shape.name}"
            assert shape.width > 0 and shape.height > 0, where
            assert shape.left >= 0 and shape.top >= 0, where
            assert shape.left + shape.width <= width, where
            assert shape.top + shape.height <= height, where
            assert not overflows(shape), f"{where}: {shape.text_frame.text[:80]!r}"
        assert _content_chars(slide) <= board_slides.MAX_CHARS, f"slide {number}"


def test_overflow_is_detected():
    """The overflow check above can fail: a long text at a large size in a small box."""
    from dashboard.render.slide_text import Para, write

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Cm(1), Cm(1), Cm(6), Cm(1.5))
    write(box.text_frame, [Para(" ".join(CAVEATS), 24)])
    assert overflows(box)
    write(box.text_frame, [Para("Caveats", 24)])
    assert not overflows(box)


def test_one_message_a_slide(deck, force_pack):
    cover, sections = force_pack
    slides = list(deck.slides)
    first = slides[0]
    text = " ".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert _title(first) == "ASB Oversight Board pack"
    for expected in (
        cover["Area"],  # "Essex Police (force)"
        "12 months to March 2021",
        "Including Covid breaches",
        "Data to: force incidents March 2021",
        f"Generated: {cover['Generated']}",
        "Open Government Licence v3.0",
    ):
        assert expected in text, expected
    # One slide per chart, titled with its block, with its picture, summary and source line.
    blocks = [b for s in sections for b in s.blocks for _ in b.figures]
    charts = [s for s in slides if any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in s.shapes)]
    assert len(charts) == len(blocks) >= 10
    for slide, block in zip(charts, blocks, strict=True):
        assert _title(slide) == block.title
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert board_slides._first_sentence(block.summary) in text
        assert "Source:" in text and "Period:" in text
        assert ("Illustrative data (modelled)" in text) == block.illustrative, block.title
        picture = next(sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE)
        assert picture.width >= 0.7 * (deck.slide_width - Cm(3))  # the chart uses the width
    assert any(b.illustrative for b in blocks) and not all(b.illustrative for b in blocks)
    assert _title(slides[-1]).startswith("Caveats")
    caveats = " ".join(
        s.text_frame.text for sl in slides if _title(sl).startswith("Caveats") for s in sl.shapes
        if s.has_text_frame
    )  # fmt: skip
    for caveat in CAVEATS:
        assert caveat in caveats


def test_illustrative_flag_follows_the_page_models_charts(force_pack, dash_app):
    with dash_app.server.app_context():
        filters, _, choices = filters_from_params(FORCE, Viewer.system(), ids.ATTENDANCE)
        page = BY_ID[ids.ATTENDANCE].build(filters, choices, Viewer.system())
    charts = {c.title: c.illustrative for c in walk(page.blocks) if isinstance(c, Chart)}
    _, sections = force_pack
    blocks = {b.title: b.illustrative for s in sections for b in s.blocks if b.figures}
    assert charts and all(blocks[title] == flag for title, flag in charts.items())


def test_headline_tiles_show_the_page_models_values(deck, overview_cards):
    tiles = _headline_tiles(deck)
    assert len(tiles) == len(overview_cards) >= 4  # one tile per KPI
    for card, tile in zip(overview_cards, tiles, strict=True):
        assert tile[0] == card.title and tile[1] == card.value
        assert len(tile) <= 7  # the value, one line of change, where/flags; not every line
    values = [t[1] for t in tiles]
    assert "60,391" in values and "56%" in values  # the published force figures
    headline = [s for s in deck.slides if "headline figures" in _title(s)]
    assert len(headline) == 1  # four KPIs fit on one slide
    assert _content_chars(headline[0]) <= board_slides.MAX_CHARS
    incidents = tiles[values.index("60,391")]
    assert incidents[2].startswith("+46% on the previous 12 months")
    assert "quasi-Poisson" not in incidents[2]  # the test's details stay on the page


def test_many_kpis_split_across_slides(force_pack):
    cover, sections = force_pack
    cards = [c for s in sections for b in s.blocks for c in b.cards]
    many = [*cards, *cards, *cards]  # 12 tiles
    section = type(sections[0])("Overview", [type(sections[0].blocks[0])("H", cards=many)])
    content = board_slides.build_pptx(cover, [section], [], Drawn())
    deck = Presentation(io.BytesIO(content))
    headline = [s for s in deck.slides if "headline figures" in _title(s)]
    assert len(headline) >= 2 and _title(headline[0]).endswith(f"(1 of {len(headline)})")
    assert len(_headline_tiles(deck)) == 12
    for slide in headline:
        boxes = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX]
        assert len(boxes) <= board_slides.MAX_TILES
        assert _content_chars(slide) <= board_slides.MAX_CHARS


def _custom_template(path: Path) -> Path:
    """A force's template: 4:3, Georgia as the theme's fonts, and a layout renamed 'Title Only'
    that the slides must pick by name (it is not the one python-pptx's default calls that)."""
    prs = Presentation()
    master = prs.slide_masters[0]
    theme = next(r.target_part for r in master.part.rels.values() if r.reltype.endswith("/theme"))
    from lxml import etree

    root = etree.fromstring(theme.blob)
    for latin in root.iter(qn("a:latin")):
        latin.set("typeface", "Georgia")
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    layouts = {lay.name: lay for lay in prs.slide_layouts}
    layouts["Title Only"].name = "Old title only"
    layouts["Title and Content"].name = "Title Only"  # our chart slides must land here
    prs.save(path)
    return path


def test_a_forces_own_template_is_used(force_pack, tmp_path, monkeypatch):
    template = _custom_template(tmp_path / "force.pptx")
    monkeypatch.setenv("ASB_PPTX_TEMPLATE", str(template))
    Settings.from_env().check_pptx_template()  # startup accepts it
    deck, _ = _deck(force_pack)  # no template argument: ASB_PPTX_TEMPLATE chooses
    assert (deck.slide_width, deck.slide_height) == (Cm(25.4), Cm(19.05))
    theme = next(
        r.target_part
        for r in deck.slide_masters[0].part.rels.values()
        if r.reltype.endswith("/theme")
    )
    assert b'typeface="Georgia"' in theme.blob
    charts = [s for s in deck.slides if any(sh.shape_type == 13 for sh in s.shapes)]
    assert charts and {s.slide_layout.name for s in charts} == {"Title Only"}
    # the layout's body placeholder was not wanted on a chart slide, so it is not left empty
    for slide in charts:
        kinds = {ph.placeholder_format.type for ph in slide.placeholders}
        assert PP_PLACEHOLDER.OBJECT not in kinds
    assert deck.slides[0].slide_layout.name == "Title Slide"


def test_a_bad_template_is_refused_in_words(force_pack, tmp_path, monkeypatch):
    cover, sections = force_pack
    missing = tmp_path / "nowhere" / "force.pptx"
    not_pptx = tmp_path / "notes.pptx"
    not_pptx.write_text("not a presentation")
    for path, words in ((missing, "does not exist"), (not_pptx, "is not a PowerPoint .pptx")):
        monkeypatch.setenv("ASB_PPTX_TEMPLATE", str(path))
        drawn = Drawn()
        with pytest.raises(TemplateUnusable) as caught:
            board_slides.build_pptx(cover, sections, CAVEATS, drawn)
        message = failure_message(caught.value)  # what the page shows
        assert str(path) in message and words in message and "ASB_PPTX_TEMPLATE" in message
        assert drawn.figures == []  # refused before any chart was drawn
        with pytest.raises(BadSetting, match="Refusing to start: ASB_PPTX_TEMPLATE"):
            Settings.from_env().check_pptx_template()
    monkeypatch.delenv("ASB_PPTX_TEMPLATE")
    Settings.from_env().check_pptx_template()  # unset: the shipped template, nothing to check
    assert Settings.from_env().pptx_template is None and DEFAULT_TEMPLATE.is_file()


def test_a_bad_template_is_a_message_in_the_page(dash_app, client, tmp_path, monkeypatch):
    monkeypatch.setenv("ASB_PPTX_TEMPLATE", str(tmp_path / "missing.pptx"))
    job_id = start_board_pack(dash_app, client, "pptx", "?area=force&to=2021-03&covid=include")
    last = str(poll_board_pack(dash_app, client, job_id)[-1])
    assert "slide template" in last and "does not exist" in last
    assert "Traceback" not in last


def test_the_template_script_makes_the_shipped_template():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_pptx_template", Path(__file__).parent.parent / "scripts" / "make_pptx_template.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = Presentation(io.BytesIO(module.build()))
    shipped = Presentation(str(DEFAULT_TEMPLATE))
    for prs in (made, shipped):
        assert (prs.slide_width, prs.slide_height) == (Cm(33.867), Cm(19.05))
        names = {lay.name for lay in prs.slide_layouts}
        assert {"Title Slide", "Title Only", "Title and Content", "Blank"} <= names
        assert len(prs.slides) == 0
    assert [lay.name for lay in made.slide_layouts] == [lay.name for lay in shipped.slide_layouts]


def test_resized_charts_keep_legend_and_notes_clear_of_the_plot(force_pack):
    """Redrawn to fit the slide, a chart's legend and source line stay the same pixels below
    its plot area (as figures.py placed them), so they do not run into the axes."""
    _, sections = force_pack
    _, drawn = _deck(force_pack)
    originals = [f for s in sections for b in s.blocks for f in b.figures]
    assert len(drawn.figures) == len(originals)
    for before, after in zip(originals, drawn.figures, strict=True):
        old, new = before["layout"], after["layout"]
        edges = old["margin"]["t"] + old["margin"]["b"]
        plot_old, plot_new = old["height"] - edges, new["height"] - edges
        assert plot_new >= 0.8 * plot_old - 1  # the plot keeps most of its height
        if "legend" in old and "y" in old["legend"]:
            assert new["legend"]["y"] * plot_new == pytest.approx(old["legend"]["y"] * plot_old)
        for a, b in zip(old.get("annotations", []), new.get("annotations", []), strict=True):
            if a.get("yref") == "paper" and a["y"] < 0:
                assert b["y"] * plot_new == pytest.approx(a["y"] * plot_old)


@pytest.mark.browser
def test_background_pptx_with_real_charts(dash_app, client):
    """The page's "as slides" button: a .pptx with the cover, the headline and real charts."""
    if not shutil.which("chromium"):
        skip_or_fail("browser", "the board pack needs Debian's chromium to draw charts")
    job_id = start_board_pack(dash_app, client, "pptx", "?area=force&to=2021-03&covid=include")
    name, content = board_pack_file(poll_board_pack(dash_app, client, job_id)[-1])
    assert name == "asb-board-pack_essex-police-force_12m-to-2021-03.pptx"
    deck = Presentation(io.BytesIO(content))
    titles = [_title(s) for s in deck.slides]
    text = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert titles[0] == "ASB Oversight Board pack" and titles[-1].startswith("Caveats")
    assert "Essex Police (force)" in text and "60,391" in text
    pictures = [sh for s in deck.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) >= 10  # one slide per chart
    assert all(p.image.size[0] == 1800 for p in pictures)  # drawn by kaleido, 1200 px at 1.5x

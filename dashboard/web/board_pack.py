"""The board pack: every KPI page for the current filters, as a PDF or PowerPoint, and its
Flask routes: `GET /board-pack.pdf?<filters>` builds the PDF synchronously for scripts, and
`GET /board-pack/file/<job>` serves a finished background job's file again.

The page's buttons (callbacks/board_pack.py) start a background job (dashboard.web.jobs) and
poll its progress, so the request returns at once and other users are not held up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, has_app_context, request

from dashboard.builders.common import covid_text, data_to_items, month_of, slug
from dashboard.builders.filters import filters_from_params
from dashboard.builders.methods import CAVEATS, METHODS
from dashboard.builders.registry import PAGES
from dashboard.core import ids
from dashboard.core.periods import period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.render import board_pack, board_slides
from dashboard.render.exports import ImageExportUnavailable
from dashboard.render.slide_template import TemplateUnusable
from dashboard.web.auth.current import audit, request_viewer
from queries._cache import data_version
from queries.areas import area_by_selector
from queries.export_jobs import job_file, job_status

log = logging.getLogger(__name__)
bp = Blueprint("board_pack", __name__)
FORMATS = {
    "pdf": ("PDF", "application/pdf"),
    "pptx": (
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
Progress = Callable[[int, int, str], None]


def _quiet(_step: int, _steps: int, _message: str) -> None:
    return None


def sections_for(
    params: dict, viewer: Viewer, progress: Progress = _quiet
) -> tuple[Filters, dict[str, str], list[board_pack.Section]]:
    """The cover facts and each page's content for the filters in `params`, as `viewer` may
    see them (the viewer is passed in: a job's thread has no request to ask)."""
    filters, messages, choices = filters_from_params(params, viewer, ids.OVERVIEW)
    if filters.area not in choices.area_selectors:
        raise PermissionError("No area this user may see")  # a restricted user, no areas
    area = area_by_selector(filters.area)
    if area is None:  # checked above; an area removed since by a load
        raise PermissionError("No area this user may see")
    pages = [p for p in PAGES if p.id != ids.DISTRICT or area.kind == "district"]
    sections = []
    for number, spec in enumerate(pages, start=1):
        page, title, build = spec.id, spec.title, spec.build
        progress(number - 1, len(pages) + 1, f"Gathering page {number} of {len(pages)}: {title}")
        page_filters, _, choices = filters_from_params(
            {"area": filters.area, "to": filters.to, "covid": filters.covid}, viewer, page
        )
        model = build(page_filters, choices, viewer)
        sections.append(board_pack.Section(title, board_pack.blocks_from_page(model)))
    covid = covid_text(filters)
    cover = {  # the filters in words, never the query string
        "Area": area.label,
        "Period": period_label(month_of(filters.to)),
        "Covid breaches": covid[0].upper() + covid[1:],
        "Data to": " · ".join(f"{what} {when}" for what, when in data_to_items()),
        "Data version": f"data load {data_version()}",
        "Generated": board_pack.generated_at(),
        "Note": "Figures marked illustrative are modelled from the published force totals, not "
        "real force data; see the Methods section.",
    }
    if messages:
        cover["Filters not used"] = " ".join(messages)
    return filters, cover, sections


def make_pack(
    params: dict, fmt: str, viewer: Viewer, progress: Progress = _quiet
) -> tuple[str, bytes]:
    """(file name, content) of the board pack for `params` as "pdf" or "pptx", for `viewer`."""
    warm = board_pack.warm_charts()  # Chromium opens while the pages are built
    try:
        return _make_pack(params, fmt, viewer, progress)
    finally:
        board_pack.stop_charts(warm)


def _make_pack(params: dict, fmt: str, viewer: Viewer, progress: Progress) -> tuple[str, bytes]:
    filters, cover, sections = sections_for(params, viewer, progress)
    pages = len(sections)
    figures = sum(len(b.figures) for s in sections for b in s.blocks)
    steps = pages + figures + 1

    def render(figs: list[dict], **options) -> list[bytes]:
        def drawn(done: int, total: int) -> None:
            progress(pages + done, steps, f"Drawing chart {done} of {total}")

        progress(pages, steps, f"Drawing chart 1 of {len(figs)}")
        return board_pack.render_figures(figs, drawn, **options)

    if fmt == "pptx":
        # this app's own template setting (create_app's overrides included), else the shipped one
        template = current_app.config.get("ASB_PPTX_TEMPLATE") if has_app_context() else None
        content = board_slides.build_pptx(cover, sections, CAVEATS, render, template)
    else:
        content = board_pack.build_pdf(cover, sections, CAVEATS, METHODS, render)
    progress(steps, steps, "Finishing the document")
    # The file name is built from validated filters, never the raw query text.
    name = f"asb-board-pack_{slug(cover['Area'])}_12m-to-{filters.to}.{fmt}"
    return name, content


def failure_message(exc: Exception) -> str:
    """A failed pack's message for its user: why charts could not be drawn or the slide template
    could not be used, else no internals."""
    if isinstance(exc, ImageExportUnavailable | TemplateUnusable):
        return str(exc)
    return (
        "The board pack could not be made because of an unexpected error (it has been logged). "
        "Try again; the chart and table downloads on each page still work."
    )


@bp.get("/board-pack.pdf", endpoint="board_pack")
def board_pack_pdf() -> Response:
    """Synchronous PDF for scripts and links: GET /board-pack.pdf?area=...&to=..."""
    viewer = request_viewer()
    if not viewer.may("export"):
        abort(403)
    audit("export", f"board pack pdf: {request.query_string.decode()[:300]}")
    try:
        name, pdf = make_pack(request.args.to_dict(), "pdf", viewer)
    except PermissionError:
        abort(403)
    except ImageExportUnavailable as exc:
        log.warning("Board pack failed: %s", exc.__cause__)
        back = "/?" + request.query_string.decode() if request.query_string else "/"
        body = (
            "<!doctype html><html lang='en-GB'><title>Board pack unavailable</title>"
            f"<h1>The board pack could not be made</h1><p>{exc}</p>"
            f"<p><a href='{back}'>Back to the dashboard</a></p></html>"
        )
        return Response(body, status=503, mimetype="text/html")
    return _attachment(name, pdf, "pdf")


def _attachment(name: str, content: bytes, fmt: str) -> Response:
    return Response(
        content,
        mimetype=FORMATS[fmt][1],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/board-pack/file/<job_id>", endpoint="board_pack_file")
def finished_file(job_id: str) -> Response:
    """A finished job's file again (the page links to it in case the download was blocked)."""
    job = job_status(job_id)
    if job is None or not owns(job, request_viewer()):
        abort(404)  # the same answer whether or not the job exists
    found = job_file(job_id)
    if found is None:
        abort(404)
    name, content = found
    return _attachment(name, content, name.rsplit(".", 1)[-1])


def owns(job, viewer: Viewer) -> bool:
    """An exporter's own job, or any job for an admin."""
    return viewer.may("export") and (job.owner == viewer.username or viewer.may("admin"))

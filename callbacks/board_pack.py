"""The board pack: every KPI page for the current filters, as a PDF or PowerPoint.

The page's buttons start a background job (dashboard.web.jobs) and poll its progress, so the
request returns at once and other users are not held up; the finished file arrives as a
download. `GET /board-pack.pdf?<filters>` builds the PDF synchronously for scripts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qsl

import dash_bootstrap_components as dbc
from dash import MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update
from flask import Response, abort, current_app, request

from dashboard.builders.common import covid_text, data_to_items, month_of, slug
from dashboard.builders.filters import filters_from_params
from dashboard.builders.methods import CAVEATS, METHODS
from dashboard.builders.registry import PAGES
from dashboard.core import ids
from dashboard.core.periods import period_label
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.model import Page
from dashboard.render import board_pack, board_slides
from dashboard.render.components import board_pack_progress
from dashboard.render.exports import ImageExportUnavailable
from dashboard.web.auth.current import audit, request_viewer
from dashboard.web.jobs import overdue, run_in_background
from queries.areas import area_by_selector
from queries.export_jobs import (
    create_job,
    fail_job,
    finish_job,
    job_file,
    job_status,
    report_progress,
)

log = logging.getLogger(__name__)
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
    pages = [p for p in PAGES if p.id != ids.DISTRICT or area.kind == "district"]
    sections = []
    for number, spec in enumerate(pages, start=1):
        page, title, build = spec.id, spec.title, spec.build
        progress(number - 1, len(pages) + 1, f"Gathering page {number} of {len(pages)}: {title}")
        page_filters, _, choices = filters_from_params(
            {"area": filters.area, "to": filters.to, "covid": filters.covid}, viewer, page
        )
        content = build(page_filters, choices, viewer)
        blocks = (
            board_pack.blocks_from_page(content)
            if isinstance(content, Page)
            else board_pack.blocks_of(content)
        )
        sections.append(board_pack.Section(title, blocks))
    cover = {
        "Area": area.label,
        "Period": f"{period_label(month_of(filters.to))}, {covid_text(filters)}",
        "Data to": " · ".join(f"{what} {when}" for what, when in data_to_items()),
        "Generated": board_pack.generated_at(),
        "Filters": filters.query_string(),
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
    filters, cover, sections = sections_for(params, viewer, progress)
    pages = len(sections)
    figures = sum(len(b.figures) for s in sections for b in s.blocks)
    steps = pages + figures + 1

    def render(figs: list[dict]) -> list[bytes]:
        def drawn(done: int, total: int) -> None:
            progress(pages + done, steps, f"Drawing chart {done} of {total}")

        progress(pages, steps, f"Drawing chart 1 of {len(figs)}")
        return board_pack.render_figures(figs, drawn)

    if fmt == "pptx":
        content = board_slides.build_pptx(cover, sections, CAVEATS, render)
    else:
        content = board_pack.build_pdf(cover, sections, CAVEATS, METHODS, render)
    progress(steps, steps, "Finishing the document")
    # The file name is built from validated filters, never the raw query text.
    name = f"asb-board-pack_{slug(cover['Area'])}_12m-to-{filters.to}.{fmt}"
    return name, content


def failure_message(exc: Exception) -> str:
    if isinstance(exc, ImageExportUnavailable):
        return str(exc)
    return (
        "The board pack could not be made because of an unexpected error (it has been logged). "
        "Try again; the chart and table downloads on each page still work."
    )


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


def finished_file(job_id: str) -> Response:
    """A finished job's file again (the page links to it in case the download was blocked)."""
    job = job_status(job_id)
    if job is None or not _owns(job, request_viewer()):
        abort(404)  # the same answer whether or not the job exists
    found = job_file(job_id)
    if found is None:
        abort(404)
    name, content = found
    return _attachment(name, content, name.rsplit(".", 1)[-1])


def _owns(job, viewer: Viewer) -> bool:
    """An exporter's own job, or any job for an admin."""
    return viewer.may("export") and (job.owner == viewer.username or viewer.may("admin"))


def start_job(clicks: list, query: str | None, current: str | None):
    if not ctx.triggered_id or not any(clicks or []):
        return no_update, no_update, no_update
    viewer = request_viewer()  # captured now, handed to the job: its thread has no request
    if not viewer.may("export"):
        return (
            no_update,
            True,
            dbc.Alert("Your role does not include board packs.", color="warning"),
        )
    if current:
        running = job_status(current)
        timeout = current_app.config["ASB_EXPORT_TIMEOUT"]
        if running and running.status in ("queued", "running") and not overdue(running, timeout):
            return no_update, no_update, no_update  # one pack at a time per page
    fmt = ctx.triggered_id["fmt"]
    # Check the filters here, in the user's request, so the job sees only areas they may.
    filters, _, choices = filters_from_params(dict(parse_qsl((query or "").lstrip("?"))), viewer)
    if filters.area not in choices.area_selectors:
        return no_update, True, dbc.Alert("There is no area you may see.", color="warning")
    params = {"area": filters.area, "to": filters.to, "covid": filters.covid}
    job_id = create_job(f"board_pack_{fmt}", filters.query_string(), viewer.username)
    audit("export", f"board pack {fmt}: {filters.query_string()}")

    def work() -> None:
        def progress(step: int, steps: int, message: str) -> None:
            report_progress(job_id, step, steps, message)

        name, content = make_pack(params, fmt, viewer, progress)
        finish_job(job_id, name, content)

    run_in_background(current_app._get_current_object(), job_id, work, failure_message)
    label = FORMATS[fmt][0]
    return job_id, False, board_pack_progress(0, 1, f"Starting the board pack ({label})…")


def poll_job(_n: int, job_id: str | None):
    """Progress while the job runs; then the download, or a clear message."""
    if not job_id:
        return no_update, no_update, True
    job = job_status(job_id)
    if job is not None and not _owns(job, request_viewer()):
        job = None
    if job is None:
        lost = "The board pack job was not found (it may have expired). Please start it again."
        return no_update, dbc.Alert(lost, color="warning", className="py-2"), True
    timeout = current_app.config["ASB_EXPORT_TIMEOUT"]
    if overdue(job, timeout):
        fail_job(
            job_id,
            f"The board pack took longer than {timeout} seconds without progress, so it was "
            "stopped. Please try again; if it keeps happening, tell the dashboard's administrator.",
        )
        job = job_status(job_id)
    if job.status == "failed":
        return no_update, dbc.Alert(job.message, color="danger", className="py-2"), True
    if job.status == "done":
        found = job_file(job_id)
        if found is None:
            return no_update, dbc.Alert("The finished file has expired.", color="warning"), True
        name, content = found
        done = html.P(
            [
                f"Board pack ready: {name} ({job.size / 1_000_000:.1f} MB). ",
                html.A("Download it again", href=f"board-pack/file/{job_id}"),
            ],
            className="small mb-0",
        )
        return dcc.send_bytes(content, name), done, True
    return no_update, board_pack_progress(job.step, job.steps, job.message), False


def register(app: Dash) -> None:
    app.server.add_url_rule("/board-pack.pdf", "board_pack", board_pack_pdf)
    app.server.add_url_rule("/board-pack/file/<job_id>", "board_pack_file", finished_file)
    page = MATCH
    app.callback(
        Output({"type": ids.BOARD_PACK_JOB, "page": page}, "data"),
        Output({"type": ids.BOARD_PACK_POLL, "page": page}, "disabled"),
        Output({"type": ids.BOARD_PACK_STATUS, "page": page}, "children"),
        Input({"type": ids.BOARD_PACK_BUTTON, "page": page, "fmt": "pdf"}, "n_clicks"),
        Input({"type": ids.BOARD_PACK_BUTTON, "page": page, "fmt": "pptx"}, "n_clicks"),
        State({"type": ids.URL_SYNC, "page": page}, "data"),
        State({"type": ids.BOARD_PACK_JOB, "page": page}, "data"),
        prevent_initial_call=True,
    )(lambda pdf, pptx, query, current: start_job([pdf, pptx], query, current))
    app.callback(
        Output({"type": ids.BOARD_PACK_DOWNLOAD, "page": page}, "data"),
        Output({"type": ids.BOARD_PACK_STATUS, "page": page}, "children", allow_duplicate=True),
        Output({"type": ids.BOARD_PACK_POLL, "page": page}, "disabled", allow_duplicate=True),
        Input({"type": ids.BOARD_PACK_POLL, "page": page}, "n_intervals"),
        State({"type": ids.BOARD_PACK_JOB, "page": page}, "data"),
        prevent_initial_call=True,
    )(poll_job)

"""The board pack buttons: start a background job (dashboard.web.jobs) and poll its progress,
so the request returns at once and other users are not held up; the finished file arrives as a
download. The pack itself and its Flask routes are in dashboard/web/board_pack.py.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import dash_bootstrap_components as dbc
from dash import MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update
from flask import current_app

from dashboard.builders.filters import filters_from_params
from dashboard.core import ids
from dashboard.render.components import board_pack_progress
from dashboard.web.auth.current import audit, request_viewer
from dashboard.web.board_pack import FORMATS, failure_message, make_pack, owns
from dashboard.web.jobs import overdue, run_in_background
from queries.export_jobs import (
    create_job,
    fail_job,
    finish_job,
    job_file,
    job_status,
    report_progress,
)


def start_job(clicks: list, query: str | None, current: str | None):
    """Start a board pack for the page's checked filters in the background, or say why not."""
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

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_in_background(app, job_id, work, failure_message)
    label = FORMATS[fmt][0]
    return job_id, False, board_pack_progress(0, 1, f"Starting the board pack ({label})…")


def poll_job(_n: int, job_id: str | None):
    """Progress while the job runs; then the download, or a clear message."""
    if not job_id:
        return no_update, no_update, True
    job = job_status(job_id)
    if job is not None and not owns(job, request_viewer()):
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
        if job is None:
            lost = "The board pack job was not found (it may have expired). Please start it again."
            return no_update, dbc.Alert(lost, color="warning", className="py-2"), True
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
    """Wire each page's board-pack buttons to a background job, and its poll to the progress."""
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

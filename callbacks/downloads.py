"""Downloads of any data table as CSV or Excel: exactly the rows and columns on screen."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlparse

from dash import MATCH, Dash, Input, Output, State, ctx, dcc, no_update
from flask import request

from dashboard import exports, ids
from dashboard.auth.current import audit, may

log = logging.getLogger(__name__)


def download_table(_clicks, stored: dict | None):
    if not ctx.triggered_id or not stored or not any(_clicks or []):
        return no_update
    if not may("export"):  # the request guard refuses first; this is the second lock
        return no_update
    fmt = ctx.triggered_id["fmt"]
    frame = exports.typed_frame(stored["columns"], stored["rows"])
    stem = exports.file_stem(stored["caption"])
    audit("export", f"table as {fmt}: {stored['caption'][:200]}")
    if fmt == "csv":
        return dcc.send_bytes(exports.to_csv(frame), f"{stem}.csv")
    page = request.referrer or ""  # the page the button is on, with its filters
    filters = dict(parse_qsl(urlparse(page).query))
    about = exports.about_sheet(stored["caption"], filters, page)
    return dcc.send_bytes(exports.to_xlsx(frame, about), f"{stem}.xlsx")


def download_chart(png_clicks, svg_clicks, figure: dict | None, filename: str | None):
    if not ctx.triggered_id or not figure or not (png_clicks or svg_clicks):
        return no_update, no_update
    if not may("export"):
        return no_update, "Your role does not include exports."
    fmt = ctx.triggered_id["fmt"]
    audit("export", f"chart as {fmt}: {filename}")
    try:
        image = exports.render_image(figure, fmt)
    except exports.ImageExportUnavailable as exc:
        log.warning("Image export failed: %s", exc.__cause__)
        return no_update, str(exc)
    return dcc.send_bytes(image, f"{filename or 'chart'}.{fmt}"), ""


def register(app: Dash) -> None:
    app.callback(
        Output({"type": ids.CHART_DOWNLOAD, "chart": MATCH}, "data"),
        Output({"type": ids.CHART_STATUS, "chart": MATCH}, "children"),
        Input({"type": ids.CHART_IMAGE_BUTTON, "chart": MATCH, "fmt": "png"}, "n_clicks"),
        Input({"type": ids.CHART_IMAGE_BUTTON, "chart": MATCH, "fmt": "svg"}, "n_clicks"),
        State({"type": ids.CHART_FIGURE, "chart": MATCH}, "data"),  # drawn or not yet
        State({"type": ids.CHART_FILENAME, "chart": MATCH}, "data"),
        prevent_initial_call=True,
    )(download_chart)
    app.callback(
        Output({"type": ids.TABLE_DOWNLOAD, "table": MATCH}, "data"),
        Input({"type": ids.TABLE_DOWNLOAD_BUTTON, "table": MATCH, "fmt": "csv"}, "n_clicks"),
        Input({"type": ids.TABLE_DOWNLOAD_BUTTON, "table": MATCH, "fmt": "xlsx"}, "n_clicks"),
        State({"type": ids.TABLE_DATA, "table": MATCH}, "data"),
        prevent_initial_call=True,
    )(lambda csv_clicks, xlsx_clicks, stored: download_table([csv_clicks, xlsx_clicks], stored))

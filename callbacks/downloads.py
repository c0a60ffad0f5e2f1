"""Downloads of a table (CSV, Excel) or a chart (PNG, SVG), rebuilt on the server.

The browser says only which page, filters and table or chart it wants; the content comes from
the page's own builder for those filters and this viewer (served from the page cache), never
from data or figures in the request. A figure from the request could make the server's browser
fetch any URL or read local files into the image; a table from the request could be anything.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, no_update

from callbacks.common import page_model
from dashboard.builders.filters import filters_from_params
from dashboard.builders.registry import BUILDERS
from dashboard.core import ids
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.model import Page, find_chart, find_table
from dashboard.render import exports
from dashboard.render.images import chart_figure
from dashboard.web.auth.current import audit, request_viewer

log = logging.getLogger(__name__)
GONE = "This page's figures have changed since it was opened: reload the page and try again."


def server_content(pages: list, queries: list, viewer: Viewer) -> tuple[str, Filters, Page] | None:
    """(page, its checked filters, its content as this viewer may see it), or None if the
    request does not name one page with filters of its own."""
    if len(pages) != 1 or len(queries) != 1 or not isinstance(pages[0], dict):
        return None
    page = pages[0].get("page")
    if not isinstance(page, str) or page not in BUILDERS or not isinstance(queries[0], str):
        return None
    build = BUILDERS[page]
    params = dict(parse_qsl(queries[0].lstrip("?")))
    filters, messages, choices = filters_from_params(params, viewer, page)
    if messages or filters.area not in choices.area_selectors:
        return None  # the filters were not the page's own: refuse rather than guess
    return page, filters, page_model(page, build, filters, choices, viewer)


def download_table(clicks: list, pages: list, queries: list):
    """A table's CSV or Excel file, rebuilt from the page's own model for this viewer."""
    if not ctx.triggered_id or not any(clicks or []):
        return no_update
    viewer = request_viewer()
    if not viewer.may("export"):  # the request guard refuses first; this is the second lock
        return no_update
    found = server_content(pages, queries, viewer)
    if found is None:
        return no_update
    page, filters, content = found
    table = find_table(content, ctx.triggered_id["table"])
    if table is None:
        return no_update
    caption, illustrative = table.caption, table.illustrative
    frame = table.export_frame()
    fmt = ctx.triggered_id["fmt"]
    frame = exports.flag_illustrative(frame, illustrative)
    stem = exports.file_stem(caption)
    audit("export", f"table as {fmt}: {caption[:200]}")
    if fmt == "csv":
        return dcc.send_bytes(exports.to_csv(frame), f"{stem}.csv")
    # The checked filters, not the text the browser sent.
    query = filters.query_string()
    path = "/" if page == ids.OVERVIEW else f"/{page}"  # every other page's path is its id
    about = exports.about_sheet(
        caption, dict(parse_qsl(query.lstrip("?"))), f"{path}{query}", illustrative
    )
    return dcc.send_bytes(exports.to_xlsx(frame, about), f"{stem}.xlsx")


def download_chart(png_clicks, svg_clicks, pages: list, queries: list):
    """A chart's PNG or SVG, rebuilt from the page's own model; or why it cannot be."""
    if not ctx.triggered_id or not (png_clicks or svg_clicks):
        return no_update, no_update
    viewer = request_viewer()
    if not viewer.may("export"):
        return no_update, "Your role does not include exports."
    chart = ctx.triggered_id["chart"]
    found = server_content(pages, queries, viewer)
    if found is None:
        return no_update, GONE
    model = find_chart(found[2], chart)
    if model is None:
        return no_update, GONE
    figure, filename = chart_figure(model), model.filename
    fmt = ctx.triggered_id["fmt"]
    audit("export", f"chart as {fmt}: {filename}")
    try:
        image = exports.render_image(figure, fmt)
    except exports.ImageExportUnavailable as exc:
        log.warning("Image export failed: %s", exc.__cause__)
        return no_update, str(exc)
    return dcc.send_bytes(image, f"{filename}.{fmt}"), ""


# The page and its canonical filters (one URL_SYNC store per page): what to rebuild.
PAGE_STATE = (
    State({"type": ids.URL_SYNC, "page": ALL}, "id"),
    State({"type": ids.URL_SYNC, "page": ALL}, "data"),
)


def register(app: Dash) -> None:
    """Wire every table's and chart's download buttons to files rebuilt on the server."""
    app.callback(
        Output({"type": ids.CHART_DOWNLOAD, "chart": MATCH}, "data"),
        Output({"type": ids.CHART_STATUS, "chart": MATCH}, "children"),
        Input({"type": ids.CHART_IMAGE_BUTTON, "chart": MATCH, "fmt": "png"}, "n_clicks"),
        Input({"type": ids.CHART_IMAGE_BUTTON, "chart": MATCH, "fmt": "svg"}, "n_clicks"),
        *PAGE_STATE,
        prevent_initial_call=True,
    )(download_chart)
    app.callback(
        Output({"type": ids.TABLE_DOWNLOAD, "table": MATCH}, "data"),
        Input({"type": ids.TABLE_DOWNLOAD_BUTTON, "table": MATCH, "fmt": "csv"}, "n_clicks"),
        Input({"type": ids.TABLE_DOWNLOAD_BUTTON, "table": MATCH, "fmt": "xlsx"}, "n_clicks"),
        *PAGE_STATE,
        prevent_initial_call=True,
    )(lambda csv, xlsx, pages, queries: download_table([csv, xlsx], pages, queries))

"""Downloads of a table (CSV, Excel) or a chart (PNG, SVG), rebuilt on the server.

The browser says only which page, filters and table or chart it wants; the content comes from
the page's own builder for those filters and this viewer (served from the page cache), never
from data or figures in the request. A figure from the request could make the server's browser
fetch any URL or read local files into the image; a table from the request could be anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import parse_qsl

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, no_update

from callbacks.common import page_model
from dashboard.builders import methods
from dashboard.builders.common import areas_for
from dashboard.builders.filters import filters_from_params
from dashboard.builders.registry import BUILDERS
from dashboard.core import ids
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.core.vocab import slug
from dashboard.model import Page, Table, find_chart, find_table
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


def area_part(filters: Filters) -> str:
    """The selected area as a file name says it: "district-colchester", "force-essex-police"."""
    area = areas_for(filters)[1]
    return f"{area.kind}-{slug(area.name)}"


def table_file(
    table: Table, fmt: str, page: str, filters: Filters, content: Page
) -> tuple[bytes, str]:
    """(the file, its name) of a table of a filtered page: typed columns headed with their
    units, the illustrative flag on every row of a modelled table, and in Excel each column's
    number format and the About sheet."""
    stem = exports.table_file_stem(content, table, area_part(filters), filters.to)
    if fmt == "csv":
        frame = exports.flag_illustrative(table.export_frame(), table.illustrative)
        return exports.to_csv(frame), f"{stem}.csv"
    # The checked filters, not the text the browser sent.
    query = filters.query_string()
    path = "/" if page == ids.OVERVIEW else f"/{page}"  # every other page's path is its id
    kept = table.export_columns()
    about = exports.about_sheet(
        table.caption,
        dict(parse_qsl(query.lstrip("?"))),
        f"{path}{query}",
        table.illustrative,
        exports.table_context(content, table, filters.to),
        [c.header for c in table.columns if c not in kept],
    )
    frame = exports.flag_illustrative(table.export_frame(months="date"), table.illustrative)
    return exports.to_xlsx(frame, about, exports.number_formats(kept)), f"{stem}.xlsx"


def methods_table_file(page: Page, table: Table, fmt: str) -> tuple[bytes, str]:
    """(the file, its name) of a Methods table: no area or period, so named by its day."""
    stem = exports.file_name(exports.table_title(page, table), f"as-of-{dt.date.today()}")
    if fmt == "csv":
        return exports.to_csv(table.export_frame()), f"{stem}.csv"
    about = exports.about_sheet(table.caption, {}, "/methods", table.illustrative)
    formats = exports.number_formats(table.export_columns())
    return exports.to_xlsx(table.export_frame(months="date"), about, formats), f"{stem}.xlsx"


def download_table(clicks: list, pages: list, queries: list):
    """A table's CSV or Excel file, rebuilt from the page's own model for this viewer."""
    if not ctx.triggered_id or not any(clicks or []):
        return no_update
    viewer = request_viewer()
    if not viewer.may("export"):  # the request guard refuses first; this is the second lock
        return no_update
    key, fmt = ctx.triggered_id["table"], ctx.triggered_id["fmt"]
    if fmt not in ("csv", "xlsx"):
        return no_update
    if not pages and not queries:
        # Methods has no filters (and so no URL_SYNC store): its tables are the same for all.
        content = methods.build()
        table = find_table(content, key)
        if table is None:
            return no_update
        audit("export", f"table as {fmt}: {table.caption[:200]}")
        return dcc.send_bytes(*methods_table_file(content, table, fmt))
    found = server_content(pages, queries, viewer)
    if found is None:
        return no_update
    page, filters, content = found
    table = find_table(content, key)
    if table is None:
        return no_update
    audit("export", f"table as {fmt}: {table.caption[:200]}")
    return dcc.send_bytes(*table_file(table, fmt, page, filters, content))


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
    _page, filters, content = found
    model = find_chart(content, chart)
    if model is None:
        return no_update, GONE
    figure = chart_figure(model)
    filename = exports.chart_file_stem(model, area_part(filters), filters.to)
    fmt = ctx.triggered_id["fmt"]
    if fmt not in ("png", "svg"):
        return no_update, no_update
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

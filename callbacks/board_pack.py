"""The board pack route: the current filters, every KPI page, one PDF."""

from __future__ import annotations

import logging

from dash import MATCH, Dash, Input, Output
from flask import Response, request

from callbacks import attendance, district, incidents, msg, overview, perception, targets
from callbacks.common import covid_text, data_to, month_of, slug
from callbacks.methods import CAVEATS, METHODS
from dashboard import board_pack, ids
from dashboard.exports import ImageExportUnavailable
from dashboard.filter_options import filters_from_params
from dashboard.periods import period_label
from dashboard.urlstate import Filters
from queries.areas import area_by_selector

log = logging.getLogger(__name__)
PAGES = [
    ("Overview", ids.OVERVIEW, overview.build),
    ("Incidents", ids.INCIDENTS, incidents.build),
    ("Attendance", ids.ATTENDANCE, attendance.build),
    ("Public perception and confidence", ids.PERCEPTION, perception.build),
    ("Most Similar Group", ids.MSG, msg.build),
    ("Plan targets", ids.TARGETS, targets.build),
    ("District view", ids.DISTRICT, district.build),
]


def sections_for(params: dict) -> tuple[Filters, dict[str, str], list[board_pack.Section]]:
    """The cover facts and each page's content for the filters in `params`."""
    filters, messages, _ = filters_from_params(params, ids.OVERVIEW)
    area = area_by_selector(filters.area)
    sections = []
    for title, page, build in PAGES:
        if page == ids.DISTRICT and area.kind != "district":
            continue
        page_filters, _, choices = filters_from_params(
            {"area": filters.area, "to": filters.to, "covid": filters.covid}, page
        )
        sections.append(
            board_pack.Section(title, board_pack.blocks_of(build(page_filters, choices)))
        )
    cover = {
        "Area": area.label,
        "Period": f"{period_label(month_of(filters.to))}, {covid_text(filters)}",
        "Data to": board_pack._text(board_pack._json(data_to())).replace("Data to: ", ""),
        "Generated": board_pack.generated_at(),
        "Filters": filters.query_string(),
        "Note": "Figures marked illustrative are modelled from the published force totals, not "
        "real force data; see the Methods section.",
    }
    if messages:
        cover["Filters not used"] = " ".join(messages)
    return filters, cover, sections


def board_pack_pdf() -> Response:
    filters, cover, sections = sections_for(request.args.to_dict())
    try:
        pdf = board_pack.build_pdf(cover, sections, CAVEATS, METHODS)
    except ImageExportUnavailable as exc:
        log.warning("Board pack failed: %s", exc.__cause__)
        back = "/?" + request.query_string.decode() if request.query_string else "/"
        body = (
            "<!doctype html><html lang='en-GB'><title>Board pack unavailable</title>"
            f"<h1>The board pack could not be made</h1><p>{exc}</p>"
            f"<p><a href='{back}'>Back to the dashboard</a></p></html>"
        )
        return Response(body, status=503, mimetype="text/html")
    name = (
        "asb-board-pack_"
        + slug(cover["Area"])
        + "_12m-to-"
        + filters.to  # validated: never the raw query text
        + ".pdf"
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def register(app: Dash) -> None:
    app.server.add_url_rule("/board-pack.pdf", "board_pack", board_pack_pdf)
    # Keep each page's "Board pack" link on the page's current filters.
    app.clientside_callback(
        "function(search) { return 'board-pack.pdf' + (search || ''); }",
        Output({"type": ids.BOARD_PACK_LINK, "page": MATCH}, "href"),
        Input({"type": ids.URL_SYNC, "page": MATCH}, "data"),
    )

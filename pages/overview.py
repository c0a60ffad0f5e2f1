"""Overview: the board's headline KPIs for one area and period."""

from __future__ import annotations

from dash import html

from callbacks.common import first_view
from dashboard.builders.filters import filters_from_params
from dashboard.core import ids
from dashboard.render.components import standard_page
from dashboard.web.auth.current import request_viewer

PATH = "/"
TITLE = "Overview"
NAME = "Overview"
DESCRIPTION = "Headline ASB KPIs: volume, attendance, confidence and MSG position."


def layout(**params: object) -> html.Div:
    """The Overview page for this link's filters; its callback fills in the headline figures."""
    viewer = request_viewer()
    filters, messages, choices = filters_from_params(params, viewer, ids.OVERVIEW)
    return standard_page(
        ids.OVERVIEW,
        "Overview",
        "Is ASB going down, are we attending it, does the public think we deal with it, and how "
        "do we compare with our Most Similar Group?",
        filters,
        choices,
        messages,
        can_export=viewer.may("export"),
        content=first_view(ids.OVERVIEW, filters, messages, choices, viewer) or (),
    )

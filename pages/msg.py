"""Most Similar Group: how do we compare with similar forces?"""

from __future__ import annotations

from dash import html

from callbacks.common import first_view
from dashboard.builders.filters import filters_from_params
from dashboard.core import ids
from dashboard.render.components import standard_page
from dashboard.web.auth.current import request_viewer

PATH = "/msg"
TITLE = "Most Similar Group"
NAME = "MSG"
DESCRIPTION = "ASB per 1,000 population across the Most Similar Group, rank and funnel plot."


def layout(**params: object) -> html.Div:
    """The Most Similar Group page for this link's filters; its callback fills in the figures."""
    viewer = request_viewer()
    filters, messages, choices = filters_from_params(params, viewer, ids.MSG)
    return standard_page(
        ids.MSG,
        "Most Similar Group",
        "How do we compare with our Most Similar Group of forces? Rates per 1,000 population, "
        "the group's averages, our position over time, and a funnel plot that shows which "
        "differences are larger than chance.",
        filters,
        choices,
        messages,
        can_export=viewer.may("export"),
        content=first_view(ids.MSG, filters, messages, choices, viewer) or (),
    )

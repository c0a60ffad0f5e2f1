"""District view: one page for a district commander."""

from __future__ import annotations

from dash import html

from callbacks.common import first_view
from dashboard.builders.filters import filters_from_params, not_a_district
from dashboard.core import ids
from dashboard.render.components import choose_district, standard_page
from dashboard.web.auth.current import request_viewer

PATH = "/district"
TITLE = "District view"
NAME = "District"
DESCRIPTION = "A district's KPIs, trend against its LPA and the force, rank, map and hot spots."


def layout(**params: object) -> html.Div:
    """The District view for this link's filters, its area control labelled 'District'."""
    viewer = request_viewer()
    filters, messages, choices = filters_from_params(params, viewer, ids.DISTRICT)
    return standard_page(
        ids.DISTRICT,
        "District view",
        "For a district commander: the district's figures, its trend against its LPA and the "
        "force, its rank among the districts, and where its ASB is concentrated.",
        filters,
        choices,
        messages,
        area_label="District",
        can_export=viewer.may("export"),
        # with no district in use or at home, the page asks (its callback leaves this be)
        content=first_view(ids.DISTRICT, filters, messages, choices, viewer)
        or [choose_district(filters, choices.areas, not_a_district(params, viewer))],
    )

"""Public perception and confidence: does the public think we deal with ASB?"""

from __future__ import annotations

from dash import html

from callbacks.common import first_view
from dashboard.builders.filters import filters_from_params
from dashboard.core import ids
from dashboard.render.components import standard_page
from dashboard.web.auth.current import request_viewer

PATH = "/perception"
TITLE = "Perception and confidence"
NAME = "Perception"
DESCRIPTION = "CSEW perception of ASB with MSG and national ranks; confidence survey Q8a."


def layout(**params: object) -> html.Div:
    """The Perception page for this link's filters; its callback fills in the survey figures."""
    viewer = request_viewer()
    filters, messages, choices = filters_from_params(params, viewer, ids.PERCEPTION)
    return standard_page(
        ids.PERCEPTION,
        "Public perception and confidence",
        "Does the public think we deal with ASB? The Crime Survey's perception measures with the "
        "force's position in its Most Similar Group and nationally, and the force's own "
        "confidence survey.",
        filters,
        choices,
        messages,
        can_export=viewer.may("export"),
        content=first_view(ids.PERCEPTION, filters, messages, choices, viewer) or (),
    )

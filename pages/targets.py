"""Plan targets: are we on track for the Police and Crime Plan?"""

from __future__ import annotations

from dash import html

from callbacks.common import first_view
from dashboard.builders.filters import filters_from_params
from dashboard.core import ids
from dashboard.render.components import standard_page
from dashboard.web.auth.current import request_viewer

PATH = "/targets"
TITLE = "Plan targets"
NAME = "Targets"
DESCRIPTION = "Each Police and Crime Plan target: trajectory, SPC assurance and forecast."


def layout(**params: object) -> html.Div:
    """The Plan targets page for this link's filters; its callback fills in each target."""
    viewer = request_viewer()
    filters, messages, choices = filters_from_params(params, viewer, ids.TARGETS)
    return standard_page(
        ids.TARGETS,
        "Plan targets",
        "Are we on track for the Police and Crime Plan? Every target in the targets table, "
        "with its baseline, trajectory, latest value and status.",
        filters,
        choices,
        messages,
        can_export=viewer.may("export"),
        content=first_view(ids.TARGETS, filters, messages, choices, viewer) or (),
    )

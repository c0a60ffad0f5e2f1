"""Attendance: are we attending ASB? % attended by period and area, with SPC."""

from __future__ import annotations

from dash import html

from callbacks.common import first_view
from dashboard.builders.filters import filters_from_params
from dashboard.core import ids
from dashboard.render.components import standard_page
from dashboard.web.auth.current import request_viewer

PATH = "/attendance"
TITLE = "Attendance"
NAME = "Attendance"
DESCRIPTION = "Incidents attended and % attended by period, district, with SPC."


def layout(**params: object) -> html.Div:
    """The Attendance page for this link's filters; its callback fills in the figures."""
    viewer = request_viewer()
    filters, messages, choices = filters_from_params(params, viewer, ids.ATTENDANCE)
    return standard_page(
        ids.ATTENDANCE,
        "Attendance",
        "Are we attending ASB? Incidents attended by period and district, and whether the "
        "monthly % attended is stable.",
        filters,
        choices,
        messages,
        can_export=viewer.may("export"),
        content=first_view(ids.ATTENDANCE, filters, messages, choices, viewer) or (),
    )

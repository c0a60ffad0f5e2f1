"""Methods and data: definitions, sources, licences, caveats and what is illustrative."""

from __future__ import annotations

from dash import dcc, html

from dashboard.core import ids

PATH = "/methods"
TITLE = "Methods and data"
NAME = "Methods"
DESCRIPTION = "Definitions, methods, sources, licences, caveats and illustrative values."


def layout(**_params: object) -> html.Div:
    """The Methods page's heading; a callback fills in the content once the page loads."""
    return html.Div(
        [
            html.H1("Methods and data"),
            html.P(
                "How every figure is defined and computed, where it comes from, what it cannot "
                "tell you, and which values are modelled rather than real.",
                className="lead",
            ),
            dcc.Store(id=f"{ids.METHODS}-trigger", data=1),
            dcc.Loading(html.Div(id=ids.content_id(ids.METHODS)), type="dot", delay_show=400),
        ]
    )

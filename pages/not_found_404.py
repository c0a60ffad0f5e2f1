"""The page for any path that is not one of the dashboard's pages."""

from __future__ import annotations

from dash import dcc, html

PATH = None  # Dash uses the module named not_found_404 for unknown paths
TITLE = "Page not found"


def layout(**_params: object) -> html.Div:
    """What Dash shows at an unknown address: a short note and a link to the Overview."""
    return html.Div(
        [
            html.H1("Page not found"),
            html.P(
                "There is no page at this address. It may have moved, or the link may be mistyped."
            ),
            html.P(dcc.Link("Go to the Overview", href="/")),
        ]
    )

"""The Methods page's content: rebuilt on each visit, so it lists the latest loads."""

from __future__ import annotations

from dash import Dash, Input, Output

from dashboard.builders.methods import build
from dashboard.core import ids
from dashboard.render.dash_page import render_page
from dashboard.web.auth.current import request_viewer


def update(_trigger) -> list:
    """The page rendered for this viewer (download buttons for those who may export)."""
    return render_page(build(), request_viewer().may("export"))


def register(app: Dash) -> None:
    """Rebuild the Methods page's content on each visit, so it lists the latest loads."""
    app.callback(
        Output(ids.content_id(ids.METHODS), "children"),
        Input(f"{ids.METHODS}-trigger", "data"),
    )(update)

"""The Methods page's content: rebuilt on each visit, so it lists the latest loads."""

from __future__ import annotations

from dash import Dash, Input, Output

from dashboard.builders.methods import build
from dashboard.core import ids


def register(app: Dash) -> None:
    app.callback(
        Output(ids.content_id(ids.METHODS), "children"),
        Input(f"{ids.METHODS}-trigger", "data"),
    )(build)

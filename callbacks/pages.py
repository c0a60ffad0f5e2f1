"""Every filtered page's callbacks, from the registry: one loop, nothing per page."""

from __future__ import annotations

from dash import Dash

from callbacks.common import register_page
from dashboard.builders.registry import PAGES


def register(app: Dash) -> None:
    """Wire each registered page's filters to its content and the address bar."""
    for spec in PAGES:
        register_page(app, spec.id, spec.build, spec.extra_filters)

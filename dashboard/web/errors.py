"""What failures look like: the outage 503, a 404 for unknown paths, a banner for callbacks."""

from __future__ import annotations

import logging
from collections.abc import Collection

from dash import set_props
from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify, request

from dashboard.core import ids
from dashboard.core.outage import DATABASE_ERRORS, outage_log
from dashboard.web.outage_response import DatabaseUnavailable, outage_response

log = logging.getLogger(__name__)


def on_callback_error(exc: Exception) -> None:
    """Show a banner instead of failing silently; keep details in the log, never on screen.

    A database outage is a 503 (logged once, not per request), which the page's script turns
    into the outage banner; anything else is logged and shown as a general error.
    """
    if isinstance(exc, DATABASE_ERRORS):
        outage_log.failed(exc)
        raise DatabaseUnavailable() from exc
    log.exception("Callback failed", exc_info=exc)
    message = "Something went wrong updating this part of the page. The error was logged."
    set_props(ids.ERROR_BANNER, {"children": message, "is_open": True})
    set_props(ids.CHECK_BANNER, {"disabled": False})


def register_error_handlers(server: Flask) -> None:
    """The database down is the outage answer (a 503), anywhere in any request."""
    for error in (*DATABASE_ERRORS, DatabaseUnavailable):
        server.register_error_handler(error, outage_response)
    # A component-suite path Dash has not registered ("..%2f..%2fdash.py") is not found: a 404,
    # not Dash's exception, a 500 and a traceback in the log.
    server.register_error_handler(
        DependencyException, lambda _exc: (jsonify(message="Not found."), 404)
    )


def not_found_status(server: Flask, page_paths: Collection[str]) -> None:
    """Unknown paths still get the app's helpful 404 page, but with a real 404 status."""

    def set_status(response: Response) -> Response:
        if (
            request.method == "GET"
            and request.url_rule is not None
            and "<path:" in request.url_rule.rule  # Dash's catch-all, not our own routes
            and response.status_code == 200
            and response.mimetype == "text/html"
            and request.path not in page_paths
        ):
            response.status_code = 404
        return response

    server.after_request(set_status)

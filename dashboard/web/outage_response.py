"""The answer to a request that met the database down: a 503 with the outage message, never
a 500 or a traceback. The app's script (assets/outage.js) shows the banner and reloads."""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import ServiceUnavailable

from dashboard.core.outage import MESSAGE, RETRY_SECONDS, outage_log


class DatabaseUnavailable(ServiceUnavailable):
    """Raised where a database error ends a request; answered as a 503 (see outage_response)."""

    description = MESSAGE


def outage_response(exc: BaseException | None = None) -> Response:
    """503 for a request that met the database down: JSON for the app's own requests (its
    script shows the banner), else a page that reloads itself until the database is back."""
    if exc is not None:
        outage_log.failed(exc)
    if request.path.startswith("/_dash") or request.method != "GET":
        response = jsonify(message=MESSAGE, outage=True)
    else:
        response = Response(
            "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
            f"<meta http-equiv='refresh' content='{RETRY_SECONDS * 2}'>"
            "<title>Database unavailable · ASB Oversight Dashboard</title></head><body>"
            "<main><h1>The dashboard is waiting for its database</h1>"
            f"<p role='alert'>{MESSAGE}</p></main></body></html>",
            mimetype="text/html",
        )
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    return response

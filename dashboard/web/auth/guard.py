"""The request guard: every request is authenticated and authorised here, server-side.

Dash sends every callback to one URL, so the guard reads which outputs a callback request is
for and demands the permission those outputs need (exports need "export"). Pages and their
filter callbacks need "view"; /admin needs "admin". Buttons a role may not use are also
hidden, but hiding is a courtesy: this is the check.
"""

from __future__ import annotations

import json
import logging

from flask import Response, jsonify, redirect, request, url_for
from flask_wtf.csrf import CSRFProtect

from dashboard.core import ids
from dashboard.core.outage import DATABASE_ERRORS
from dashboard.web.auth.current import current_user
from dashboard.web.outage_response import outage_response
from queries.audit import record_event

log = logging.getLogger(__name__)
csrf = CSRFProtect()

PUBLIC_PATHS = {"/login", "/healthz", "/_favicon.ico"}
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/auth/oidc/")
# Callback outputs that deliver data out of the app.
EXPORT_OUTPUTS = (
    ids.TABLE_DOWNLOAD,
    ids.CHART_DOWNLOAD,
    ids.BOARD_PACK_JOB,
    ids.BOARD_PACK_DOWNLOAD,
)
EXPORT_ROUTES = ("/board-pack",)
ADMIN_ROUTES = ("/admin",)


def _callback_outputs() -> set[str]:
    """The component types a Dash callback request writes to."""
    payload = request.get_json(silent=True) or {}
    outputs = payload.get("outputs") if isinstance(payload, dict) else None
    if isinstance(outputs, dict):
        outputs = [outputs]
    found: set[str] = set()
    for output in outputs if isinstance(outputs, list) else []:
        component = output.get("id") if isinstance(output, dict) else None
        if isinstance(component, dict):
            found.add(str(component.get("type")))
        elif component is not None:
            found.add(str(component))
    text = payload.get("output") if isinstance(payload, dict) else ""
    for kind in EXPORT_OUTPUTS:  # the output key names them too; trust neither alone
        if isinstance(text, str) and json.dumps(kind) in text:
            found.add(kind)
    return found


def required_permission() -> str:
    """What this request needs: 'admin', 'export' (export routes and outputs), else 'view'."""
    path = request.path
    if path.startswith(ADMIN_ROUTES):
        return "admin"
    if path.startswith(EXPORT_ROUTES):
        return "export"
    if path == "/_dash-update-component" and _callback_outputs() & set(EXPORT_OUTPUTS):
        return "export"
    return "view"


def _wants_json() -> bool:
    return request.path.startswith("/_dash") or request.method != "GET"


def _deny(status: int, message: str) -> Response:
    if _wants_json():
        response = jsonify(message=message)
        response.status_code = status
        return response
    return Response(
        "<!doctype html><html lang='en-GB'><title>Not allowed</title>"
        f"<h1>Not allowed</h1><p>{message}</p><p><a href='/'>Back to the dashboard</a></p>",
        status=status,
        mimetype="text/html",
    )


def authorise():
    """before_request: sign-in first, then the role the request needs."""
    path = request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    try:
        user = current_user()
    except DATABASE_ERRORS as exc:  # accounts are in the database: answer 503, not 500
        return outage_response(exc)
    if user is None:
        if request.method == "GET" and not path.startswith("/_dash"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return _deny(401, "Please sign in again: your session has ended.")
    needed = required_permission()
    if not user.may(needed):
        record_event(user.username, "denied", f"{request.method} {path} needs {needed}", _addr())
        log.warning("Denied %s %s to %s (%s)", request.method, path, user.username, user.role)
        return _deny(403, f"Your role ({user.role}) does not allow this.")
    return None


def _addr() -> str:
    return request.remote_addr or ""

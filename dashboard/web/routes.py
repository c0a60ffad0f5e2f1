"""The app's own plain Flask routes (Dash serves the pages): the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify

from dashboard.core.outage import DATABASE_ERRORS
from queries._cache import data_version
from queries.meta import database_ok

bp = Blueprint("routes", __name__)


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        if database_ok():
            return jsonify(status="ok", database="ok", data_version=data_version())
    except DATABASE_ERRORS:
        pass
    return jsonify(status="error", database="unreachable"), 503

"""The schema check: migrate (and build the default data) once the database answers."""

from __future__ import annotations

from flask import Flask, request

from dashboard.core.extensions import db
from dashboard.core.outage import DATABASE_ERRORS, outage_log
from dashboard.loaders.bootstrap import ensure_database
from dashboard.web.outage_response import outage_response


class SchemaCheck:
    """Migrates the schema (and builds the default data into an empty database) once the
    database answers: at start if it can, else at the first request that finds it up.

    Workers never fail to boot on a database that is down; `asb-dashboard upgrade-db` does the
    same as a deploy step.
    """

    PUBLIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/healthz")

    def __init__(self, app: Flask, auto_init: bool) -> None:
        self.app = app
        self.auto_init = auto_init
        self.ready = False

    def try_now(self) -> bool:
        """Migrate if the database answers; log one line and carry on if it does not."""
        try:
            ensure_database(db.engine_for(self.app), self.auto_init)
        except DATABASE_ERRORS as exc:
            outage_log.failed(exc)
            return False
        self.ready = True
        return True

    def before_request(self):
        """Until the schema is known current, check it first; 503 while the database is down."""
        if self.ready or request.path.startswith(self.PUBLIC):
            return None
        if not self.try_now():
            return outage_response()
        return None


def check_schema(app: Flask, auto_init: bool) -> SchemaCheck:
    """Check now (a database that is down does not stop the app starting), and before each
    request until a check succeeds."""
    schema = SchemaCheck(app, auto_init)
    schema.try_now()
    app.before_request(schema.before_request)
    return schema

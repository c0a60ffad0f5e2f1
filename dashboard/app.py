"""The app factory: settings -> database -> cache -> Dash pages and callbacks."""

from __future__ import annotations

import logging
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html, set_props
from flask import Flask, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError

from callbacks import attendance as attendance_callbacks
from callbacks import board_pack as board_pack_callbacks
from callbacks import district as district_callbacks
from callbacks import downloads as downloads_callbacks
from callbacks import incidents as incidents_callbacks
from callbacks import methods as methods_callbacks
from callbacks import msg as msg_callbacks
from callbacks import overview as overview_callbacks
from callbacks import perception as perception_callbacks
from callbacks import shell as shell_callbacks
from callbacks import targets as targets_callbacks
from dashboard import ids
from dashboard.bootstrap import ensure_database
from dashboard.extensions import cache, db
from dashboard.settings import INSECURE_DEFAULT_KEY, Settings
from dashboard.theme import register_template
from pages import (
    attendance,
    district,
    incidents,
    methods,
    msg,
    not_found_404,
    overview,
    perception,
    targets,
)
from queries._cache import data_version
from queries.meta import database_ok

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    overview,
    incidents,
    attendance,
    perception,
    msg,
    targets,
    district,
    methods,
    not_found_404,
)
APP_TITLE = "ASB Oversight Dashboard"


def _on_callback_error(exc: Exception) -> None:
    """Show a banner instead of failing silently; keep details in the log, never on screen."""
    if isinstance(exc, OperationalError | DBAPIError):
        log.error("Database error in a callback: %s", exc)
        message = (
            "The database is not answering just now, so these figures could not be updated. "
            "The page will refresh by itself when it is back."
        )
    else:
        log.exception("Callback failed", exc_info=exc)
        message = "Something went wrong updating this part of the page. The error was logged."
    set_props(ids.ERROR_BANNER, {"children": message, "is_open": True})
    set_props(ids.CHECK_BANNER, {"disabled": False})


def _shell(settings: Settings) -> html.Div:
    nav = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values()
        if page["module"] != not_found_404.__name__
    ]
    return html.Div(
        [
            html.A("Skip to main content", href="#main-content", className="skip-link"),
            html.Header(
                dbc.Navbar(
                    dbc.Container(
                        [
                            html.A(
                                [
                                    html.Img(
                                        src=dash.get_asset_url("logo.svg"),
                                        alt="",
                                        height="32",
                                        className="me-2",
                                    ),
                                    html.Span(APP_TITLE),
                                ],
                                href="/",
                                className="navbar-brand d-flex align-items-center",
                            ),
                            dbc.Nav(nav, navbar=True, className="ms-auto"),
                        ],
                        fluid=True,
                    ),
                    color="dark",
                    dark=True,
                    className="app-navbar",
                ),
            ),
            html.Div(
                "Demonstration mode: sign-in is off and the data shown is the shipped public "
                "and illustrative dataset.",
                className="demo-banner",
                role="note",
            )
            if settings.demo
            else None,
            dbc.Alert(
                id=ids.ERROR_BANNER,
                is_open=False,
                color="danger",
                dismissable=True,
                className="m-3",
            ),
            dcc.Interval(id=ids.CHECK_BANNER, interval=10_000, disabled=True),
            html.Main(
                dbc.Container(dash.page_container, fluid=True, className="py-3"),
                id="main-content",
                tabIndex="-1",
            ),
            html.Footer(
                dbc.Container(
                    [
                        html.P(
                            "Contains public sector information licensed under the Open "
                            "Government Licence v3.0 (police.uk, ONS). Contains Ordnance Survey "
                            "data © Crown copyright and database right 2014. Figures marked "
                            "illustrative are modelled, not real force data."
                        )
                    ],
                    fluid=True,
                ),
                className="app-footer",
            ),
        ]
    )


def create_app(settings: Settings | dict | None = None) -> Dash:
    """Build the Dash app. `settings` may be a Settings, or a dict of overrides to the env."""
    if not isinstance(settings, Settings):
        settings = Settings.from_env(settings)
    logging.basicConfig(level=settings.log_level)
    if settings.secret_key == INSECURE_DEFAULT_KEY:
        log.warning("SECRET_KEY is not set: using an insecure development key")

    server = Flask(__name__)
    server.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=50 * 1024 * 1024,
        ASB_EXPORT_TIMEOUT=settings.export_timeout,
        ASB_EXPORT_WORKERS=settings.export_workers,
    )
    if not settings.database_url:
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
    db.configure(settings.resolved_database_url)
    ensure_database(db.engine, settings.auto_init)
    cache.init_app(server, config=settings.cache_config)
    register_template()

    # Dash keeps the page registry module-global; start clean so a second app (tests) is the same.
    dash.page_registry.clear()
    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        title=APP_TITLE,
        update_title=None,
        on_error=_on_callback_error,
        suppress_callback_exceptions=False,
    )
    # Screen readers need the page language (WCAG 3.1.1).
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">', 1)
    for module in PAGES:
        options = {"title": f"{module.TITLE} · {APP_TITLE}", "layout": module.layout}
        if module.PATH is not None:
            options.update(
                path=module.PATH,
                name=module.NAME,
                order=module.ORDER,
                description=module.DESCRIPTION,
            )
        dash.register_page(module.__name__, **options)
    app.layout = _shell(settings)

    shell_callbacks.register(app)
    for module in (
        overview_callbacks,
        incidents_callbacks,
        attendance_callbacks,
        perception_callbacks,
        msg_callbacks,
        targets_callbacks,
        district_callbacks,
        methods_callbacks,
        downloads_callbacks,
        board_pack_callbacks,
    ):
        module.register(app)

    # After a failure, poll the health check and reload (filters are in the URL) once it passes.
    app.clientside_callback(
        """
        async function(n) {
            try {
                const response = await fetch("healthz", {cache: "no-store"});
                if (response.ok) { window.location.reload(); }
            } catch (e) { /* still down: try again at the next tick */ }
            return window.dash_clientside.no_update;
        }
        """,
        Output(ids.CHECK_BANNER, "max_intervals"),
        Input(ids.CHECK_BANNER, "n_intervals"),
        prevent_initial_call=True,
    )

    page_paths = {
        page["relative_path"]
        for page in dash.page_registry.values()
        if page["module"] != not_found_404.__name__
    }

    @server.after_request
    def _not_found_status(response):
        """Unknown paths still get the app's helpful 404 page, but with a real 404 status."""
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.mimetype == "text/html"
            and request.path not in page_paths
        ):
            response.status_code = 404
        return response

    @server.get("/healthz")
    def healthz():
        """For load balancers: 200 when the database answers, 503 when it does not."""
        if not database_ok():
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok", data_version=data_version())

    return app

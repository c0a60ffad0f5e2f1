"""The app factory: settings -> database -> cache -> Dash pages and callbacks."""

from __future__ import annotations

import datetime as dt
import json
import logging

import dash
import dash_bootstrap_components as dbc
from authlib.integrations.flask_client import OAuth
from dash import Dash, Input, Output, dcc, html, set_props
from dash.exceptions import DependencyException
from flask import Flask, jsonify, request
from flask_compress import Compress
from flask_wtf.csrf import generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from callbacks import board_pack as board_pack_callbacks
from callbacks import charts as chart_callbacks
from callbacks import downloads as downloads_callbacks
from callbacks import methods as methods_callbacks
from callbacks import pages as page_callbacks
from callbacks import shell as shell_callbacks
from dashboard.core import ids
from dashboard.core.extensions import db, page_cache, query_cache
from dashboard.core.outage import DATABASE_ERRORS, MESSAGE, outage_log
from dashboard.core.paths import assets_folder
from dashboard.core.settings import INSECURE_DEFAULT_KEY, Settings
from dashboard.core.theme import register_template
from dashboard.loaders.bootstrap import ensure_database
from dashboard.web import board_pack as board_pack_routes
from dashboard.web.auth import views as auth_views
from dashboard.web.auth.current import current_user
from dashboard.web.auth.guard import authorise, csrf, security_headers
from dashboard.web.outage_response import DatabaseUnavailable, outage_response
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
# Callback payloads are small; the largest request is a board pack poll. Uploads go through
# the CLI, so nothing legitimate comes near this.
MAX_REQUEST_BYTES = 2 * 1024 * 1024


def _on_callback_error(exc: Exception) -> None:
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


def _account_menu(settings: Settings) -> html.Div | None:
    """Who is signed in, the admins' audit log, and sign-out (a POST with its CSRF token)."""
    user = current_user()
    if settings.demo or user is None:
        return None
    items: list = [html.Span(f"{user.display_name} ({user.role})", className="me-2 small")]
    if user.may("admin"):
        items.append(html.A("Audit log", href="/admin/audit", className="me-2 small"))
    items.append(
        html.Form(
            [
                dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                html.Button("Sign out", type="submit", className="btn btn-sm btn-light"),
            ],
            method="post",
            action="/logout",
            className="d-inline",
        )
    )
    return html.Div(items, className="account-menu ms-3 d-flex align-items-center")


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
                            _account_menu(settings),
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


class SchemaCheck:
    """Migrates the schema (and builds the default data into an empty database) once the
    database answers: at start if it can, else at the first request that finds it up.

    Workers never fail to boot on a database that is down; `asb-dashboard upgrade-db` does the
    same as a deploy step.
    """

    PUBLIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/healthz")

    def __init__(self, auto_init: bool) -> None:
        self.auto_init = auto_init
        self.ready = False

    def try_now(self) -> bool:
        """Migrate if the database answers; log one line and carry on if it does not."""
        try:
            ensure_database(db.engine, self.auto_init)
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


def create_app(settings: Settings | dict | None = None) -> Dash:
    """Build the Dash app. `settings` may be a Settings, or a dict of overrides to the env."""
    if not isinstance(settings, Settings):
        settings = Settings.from_env(settings)
    logging.basicConfig(level=settings.log_level)
    settings.check_production()
    if settings.secret_key == INSECURE_DEFAULT_KEY:
        log.warning("SECRET_KEY is not set: demo mode, using an insecure development key")

    server = Flask(__name__)
    server.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        ASB_DEMO=settings.demo,
        ASB_EXPORT_TIMEOUT=settings.export_timeout,
        ASB_EXPORT_WORKERS=settings.export_workers,
        ASB_LOCKOUT_ATTEMPTS=settings.lockout_attempts,
        ASB_LOCKOUT_MINUTES=settings.lockout_minutes,
        ASB_OIDC_ENABLED=bool(settings.oidc_issuer and settings.oidc_client_id),
        ASB_OIDC_ROLE_CLAIM=settings.oidc_role_claim,
        ASB_OIDC_ROLE_MAP=settings.role_map,
        ASB_OIDC_DEFAULT_ROLE=settings.oidc_default_role,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="asb_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=False,  # Referer checks break behind some proxies; SameSite covers it
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)
    csrf.init_app(server)
    # gzip/brotli for pages, callback JSON and the (large) component bundles: the Incidents
    # response falls from about 200 KB to 30 KB on the wire.
    server.config.update(COMPRESS_ALGORITHM=["br", "gzip"], COMPRESS_LEVEL=6, COMPRESS_BR_LEVEL=4)
    Compress(server)
    server.register_blueprint(auth_views.bp)
    if server.config["ASB_OIDC_ENABLED"]:
        oauth = OAuth(server)
        oauth.register(
            "oidc",
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            server_metadata_url=settings.oidc_issuer.rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": settings.oidc_scopes},
        )
    if not settings.database_url:
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
    db.init_app(server, settings.resolved_database_url)
    schema = SchemaCheck(settings.auto_init)
    schema.try_now()  # a database that is down does not stop the app starting
    server.before_request(schema.before_request)  # before sign-in checks, which need it
    server.before_request(authorise)
    for error in (*DATABASE_ERRORS, DatabaseUnavailable):
        server.register_error_handler(error, outage_response)
    # A component-suite path Dash has not registered ("..%2f..%2fdash.py") is not found: a 404,
    # not Dash's exception, a 500 and a traceback in the log.
    server.register_error_handler(
        DependencyException, lambda _exc: (jsonify(message="Not found."), 404)
    )
    query_cache.init_app(server, config=settings.cache_config_for("query"))
    page_cache.init_app(server, config=settings.cache_config_for("page"))
    register_template()

    # Dash keeps the page registry module-global; start clean so a second app (tests) is the same.
    dash.page_registry.clear()
    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(assets_folder()),
        title=APP_TITLE,
        update_title=None,
        on_error=_on_callback_error,
        suppress_callback_exceptions=False,
    )
    # Screen readers need the page language (WCAG 3.1.1). The outage banner is static HTML so
    # that assets/outage.js can show it when the app's own requests fail.
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">', 1).replace(
        "{%app_entry%}",
        f'<p id="outage-banner" class="outage-banner" role="alert" hidden>{MESSAGE}</p>'
        "{%app_entry%}",
        1,
    )
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
    app.layout = lambda: _shell(settings)  # per request: it names who is signed in

    shell_callbacks.register(app)
    for module in (
        page_callbacks,
        methods_callbacks,
        downloads_callbacks,
        board_pack_callbacks,
        chart_callbacks,
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
            and request.url_rule is not None
            and "<path:" in request.url_rule.rule  # Dash's catch-all, not our own routes
            and response.status_code == 200
            and response.mimetype == "text/html"
            and request.path not in page_paths
        ):
            response.status_code = 404
        return response

    @server.before_request
    def _well_formed_callback():
        """A callback request Dash could not dispatch is a 400 here, not a 500 inside Dash."""
        if request.path != "/_dash-update-component" or request.method != "POST":
            return None
        body = request.get_json(silent=True)

        def item_matches(item, spec: dict) -> bool:
            """One input or state as the callback declares it: a list of matches for an ALL
            wildcard, else one {id, property} with the declared property."""
            if _is_multi(spec.get("id")):
                return isinstance(item, list) and all(
                    isinstance(i, dict) and i.get("property") == spec.get("property") for i in item
                )
            return (
                isinstance(item, dict)
                and isinstance(item.get("id"), str | dict)
                and item.get("property") == spec.get("property")
            )

        def items_match(given, expected) -> bool:
            return (
                isinstance(given, list)
                and len(given) == len(expected)
                and all(item_matches(i, e) for i, e in zip(given, expected, strict=True))
            )

        output = body.get("output") if isinstance(body, dict) else None
        spec = app.callback_map.get(output) if isinstance(output, str) else None
        well_formed = (
            isinstance(spec, dict)
            and isinstance(body.get("outputs"), dict | list)
            and items_match(body.get("inputs"), spec.get("inputs", []))
            and items_match(body.get("state", []), spec.get("state", []))
            and isinstance(body.get("changedPropIds", []), list)
            and all(isinstance(c, str) for c in body.get("changedPropIds", []))
        )
        if not well_formed:
            return jsonify(message="Malformed callback request."), 400
        return None

    @server.get("/healthz")
    def healthz():
        """For load balancers: 200 when the database answers, 503 when it does not."""
        try:
            if database_ok():
                return jsonify(status="ok", database="ok", data_version=data_version())
        except DATABASE_ERRORS:
            pass
        return jsonify(status="error", database="unreachable"), 503

    server.register_blueprint(board_pack_routes.bp)
    # The CSP allows the app's own scripts plus, by hash, the inline ones Dash writes.
    server.after_request(security_headers(server, lambda: content_security_policy(app)))
    return app


def _is_multi(component_id: object) -> bool:
    """Whether a declared id (as the callback map holds it: JSON text for a pattern) is an ALL
    or ALLSMALLER wildcard, for which the browser sends a list of matches."""
    if isinstance(component_id, str) and component_id.startswith("{"):
        component_id = json.loads(component_id)
    return isinstance(component_id, dict) and any(
        value in (["ALL"], ["ALLSMALLER"]) for value in component_id.values()
    )


def content_security_policy(app: Dash) -> str:
    scripts = " ".join(app.csp_hashes())
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {scripts}",
            "style-src 'self' 'unsafe-inline'",  # Plotly and Dash set styles inline
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",  # the district map's renderer runs in a worker
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

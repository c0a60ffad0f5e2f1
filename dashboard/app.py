"""The app factory: it wires settings, extensions, the Dash pages and callbacks, and the web edge
(dashboard/web/), each of which does its own job."""

from __future__ import annotations

import dash
from dash import Dash
from flask import Flask
from flask_compress import Compress

from callbacks import board_pack as board_pack_callbacks
from callbacks import charts as chart_callbacks
from callbacks import downloads as downloads_callbacks
from callbacks import methods as methods_callbacks
from callbacks import pages as page_callbacks
from callbacks import shell as shell_callbacks
from dashboard.core.extensions import db, page_cache, query_cache
from dashboard.core.settings import Settings
from dashboard.core.theme import register_template
from dashboard.web import board_pack, routes
from dashboard.web.auth import views as auth_views
from dashboard.web.auth.guard import authorise, csrf
from dashboard.web.auth.oidc import init_oidc
from dashboard.web.callback_guard import guard_callback_payloads
from dashboard.web.config import database_url, flask_config, trust_proxies
from dashboard.web.errors import not_found_status, register_error_handlers
from dashboard.web.logs import configure_logging
from dashboard.web.schema import check_schema
from dashboard.web.security import add_security_headers
from dashboard.web.shell import APP_TITLE, make_dash, page_paths, shell
from pages import layout_modules, not_found_404

CALLBACKS = (
    shell_callbacks,
    page_callbacks,
    methods_callbacks,
    downloads_callbacks,
    board_pack_callbacks,
    chart_callbacks,
)


def create_app(settings: Settings | dict | None = None) -> Dash:
    """Build the Dash app. `settings` may be a Settings, or a dict of overrides to the env."""
    if not isinstance(settings, Settings):
        settings = Settings.from_env(settings)
    configure_logging(settings)
    settings.check_production()

    server = Flask(__name__)
    server.config.update(flask_config(settings))
    trust_proxies(server, settings.trusted_proxies)
    csrf.init_app(server)
    Compress(server)
    server.register_blueprint(auth_views.bp)
    init_oidc(server, settings)
    db.init_app(server, database_url(settings))
    check_schema(server, settings.auto_init)  # before sign-in checks, which need it
    server.before_request(authorise)
    register_error_handlers(server)
    query_cache.init_app(server, config=settings.cache_config_for("query"))
    page_cache.init_app(server, config=settings.cache_config_for("page"))
    register_template()

    app = make_dash(server, __name__)
    register_pages()
    app.layout = lambda: shell(settings, not_found_404.__name__)
    for module in CALLBACKS:
        module.register(app)
    shell_callbacks.register_recovery(app)

    not_found_status(server, page_paths(not_found_404.__name__))
    guard_callback_payloads(app)
    server.register_blueprint(routes.bp)
    server.register_blueprint(board_pack.bp)
    add_security_headers(app)
    finish_first_request_setup(server)
    return app


def finish_first_request_setup(server: Flask) -> None:
    """Run Dash's first-request set-up now, once, before any request is served.

    Dash does it in a before_request hook that marks itself done before it has finished, so on
    a threaded server (gunicorn's threads, werkzeug's) a second request arriving meanwhile was
    answered from a half-built callback map: the browser reported "ID not found in layout" for
    every page's outputs, and now and then a page never filled in. One request through the test
    client runs the hooks to the end first (GET /healthz: public, and answers in an outage too).
    """
    server.test_client().get("/healthz")


def register_pages() -> None:
    """Each page module's layout at its path, titled "<page> · ASB Oversight Dashboard"."""
    for order, module in enumerate(layout_modules()):
        options = {"title": f"{module.TITLE} · {APP_TITLE}", "layout": module.layout}
        if module.PATH is not None:
            options.update(
                path=module.PATH,
                name=module.NAME,
                order=order,  # the registry's order
                description=module.DESCRIPTION,
            )
        dash.register_page(module.__name__, **options)

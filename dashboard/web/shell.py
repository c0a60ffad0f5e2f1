"""The Dash app and the shell around every page: header, navigation, banners, footer."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Dash, dcc, html
from flask import Flask
from flask_wtf.csrf import generate_csrf

from dashboard.core import ids
from dashboard.core.outage import MESSAGE
from dashboard.core.paths import assets_folder
from dashboard.core.settings import Settings
from dashboard.web.auth.current import current_user
from dashboard.web.errors import on_callback_error

APP_TITLE = "ASB Oversight Dashboard"
BOOTSTRAP_URL = "/assets/vendor/bootstrap.min.css"
BOOTSTRAP_IGNORE = r"^bootstrap\.min\.css$"


def make_dash(server: Flask, import_name: str) -> Dash:
    """The Dash app on `server`, its pages registered by the caller (dash.register_page)."""
    # Dash keeps the page registry module-global; start clean so a second app (tests) is the same.
    dash.page_registry.clear()
    app = Dash(
        import_name,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(assets_folder()),
        # Bootstrap first, then the app's own stylesheet over it. Dash adds the assets folder's
        # stylesheets in path order, which would put vendor/ after style.css and let Bootstrap
        # override it; so Bootstrap is left out of that walk and named here, ahead of them.
        assets_ignore=BOOTSTRAP_IGNORE,
        external_stylesheets=[BOOTSTRAP_URL],
        title=APP_TITLE,
        update_title=None,
        on_error=on_callback_error,
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
    # Dash wraps its scripts in a <footer>, a second contentinfo landmark beside the page's own.
    app.index_string = app.index_string.replace(
        "<footer>", '<div class="dash-scripts">', 1
    ).replace("</footer>", "</div>", 1)
    return app


def page_paths(not_found_module: str) -> set[str]:
    """The paths of the registered pages (all but the not-found page)."""
    return {
        page["relative_path"]
        for page in dash.page_registry.values()
        if page["module"] != not_found_module
    }


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


def shell(settings: Settings, not_found_module: str) -> html.Div:
    """The layout around the current page (built per request: it names who is signed in)."""
    nav = [
        dbc.NavItem(
            dbc.NavLink(
                page["name"],
                href=page["relative_path"],
                id=ids.nav_link_id(page["relative_path"]),
            )
        )
        for page in dash.page_registry.values()
        if page["module"] != not_found_module
    ]
    return html.Div(
        [
            html.A("Skip to main content", href="#main-content", className="skip-link"),
            html.Header(
                [
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
                                # On a phone the links fold behind a menu button, so the page's
                                # first figures are in the first screen.
                                html.Button(
                                    [html.Span(className="navbar-toggler-icon"), " Menu"],
                                    id=ids.NAV_TOGGLE,
                                    className="navbar-toggler",
                                    type="button",
                                    n_clicks=0,
                                    **{"aria-controls": ids.NAV_COLLAPSE, "aria-expanded": "false"},
                                ),
                                dbc.Collapse(
                                    [
                                        dbc.Nav(nav, navbar=True, className="ms-auto"),
                                        _account_menu(settings),
                                    ],
                                    id=ids.NAV_COLLAPSE,
                                    navbar=True,
                                    is_open=False,
                                ),
                            ],
                            fluid=True,
                        ),
                        dark=True,
                        expand="lg",
                        className="app-navbar",
                    ),
                    # Inside the header landmark, so every line of the page sits in a landmark.
                    html.Div(
                        [
                            html.Span("Demonstration mode: ", className="d-none d-sm-inline"),
                            html.Span("Demo: ", className="d-sm-none"),
                            "sign-in is off; the data is the shipped public and illustrative "
                            "set.",
                        ],
                        className="demo-banner",
                        role="note",
                    )
                    if settings.demo
                    else None,
                ]
            ),
            dcc.Interval(id=ids.CHECK_BANNER, interval=10_000, disabled=True),
            html.Main(
                [
                    dbc.Alert(
                        id=ids.ERROR_BANNER,
                        is_open=False,
                        color="danger",
                        dismissable=True,
                        className="m-3",
                    ),
                    dbc.Container(dash.page_container, fluid=True, className="py-3"),
                ],
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

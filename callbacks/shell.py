"""App-wide callbacks: keep the address bar in step with the filters; recover after a failure."""

from __future__ import annotations

import json

from dash import ALL, MATCH, Dash, Input, Output, State

from dashboard.core import ids


def register(app: Dash) -> None:
    """Keep the address bar in step with each page's checked filters, without a navigation."""
    # replaceState changes the address without a navigation, so the page is not rebuilt and the
    # focused control keeps focus; reloading or sharing the link gives the same view.
    app.clientside_callback(
        """
        function(search) {
            if (search && window.location.search !== search) {
                window.history.replaceState(window.history.state, "",
                    window.location.pathname + search);
            }
            return search || "";
        }
        """,
        Output({"type": ids.URL_SYNC_DONE, "page": MATCH}, "data"),
        Input({"type": ids.URL_SYNC, "page": MATCH}, "data"),
    )
    register_navigation(app)


def register_navigation(app: Dash) -> None:
    """Navigation links that carry the area, period and Covid choice to the next page, and the
    phone's menu button."""
    # Runs after the address bar changes (a page's filters write it, then fill URL_SYNC_DONE /
    # URL_DRAFT), so window.location holds the filters in use.
    app.clientside_callback(
        """
        function() {
            const carried = CARRIED;
            const here = new URLSearchParams(window.location.search);
            const kept = new URLSearchParams();
            carried.forEach(function(name) {
                if (here.get(name)) { kept.set(name, here.get(name)); }
            });
            // ":" kept readable, as the server writes it (area=district:Colchester)
            const query = kept.toString().replace(/%3A/gi, ":");
            const search = query ? "?" + query : "";
            const links = window.dash_clientside.callback_context.outputs_list[0];
            const path = window.location.pathname;
            return [
                links.map(function(link) { return link.id.path + search; }),
                links.map(function(link) { return link.id.path === path; }),
            ];
        }
        """.replace("CARRIED", json.dumps(list(ids.CARRIED_FILTERS))),
        Output({"type": ids.NAV_LINK, "path": ALL}, "href"),
        Output({"type": ids.NAV_LINK, "path": ALL}, "active"),
        Input("_pages_location", "pathname"),
        Input("_pages_location", "search"),
        Input({"type": ids.URL_SYNC_DONE, "page": ALL}, "data"),
        Input({"type": ids.URL_DRAFT, "page": ALL}, "data"),
    )
    app.clientside_callback(
        """
        function(n, open) {
            if (!n) { return [false, "false"]; }
            return [!open, String(!open)];
        }
        """,
        Output(ids.NAV_COLLAPSE, "is_open"),
        Output(ids.NAV_TOGGLE, "aria-expanded"),
        Input(ids.NAV_TOGGLE, "n_clicks"),
        State(ids.NAV_COLLAPSE, "is_open"),
    )


def register_recovery(app: Dash) -> None:
    """After a failure, poll the health check and reload (filters are in the URL) once it passes."""
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

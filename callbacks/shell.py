"""App-wide callbacks: keep the address bar in step with the filters; recover after a failure."""

from __future__ import annotations

from dash import MATCH, Dash, Input, Output

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

"""App-wide callbacks: keep the address bar in step with the filters."""

from __future__ import annotations

from dash import MATCH, Dash, Input, Output

from dashboard.core import ids


def register(app: Dash) -> None:
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

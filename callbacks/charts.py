"""Deferred chart drawing: a chart's figure moves from its store into its graph when the
browser asks (assets/deferred_charts.js sets the chart's CHART_SHOW store)."""

from __future__ import annotations

from dash import MATCH, Dash, Input, Output, State

from dashboard.core import ids


def register(app: Dash) -> None:
    """Move a deferred chart's figure into its graph in the browser once it is asked for."""
    app.clientside_callback(
        """
        function(show, figure) {
            if (!show || !figure) {
                return [window.dash_clientside.no_update, window.dash_clientside.no_update];
            }
            return [figure, "chart-frame"];
        }
        """,
        Output({"type": ids.CHART_GRAPH, "chart": MATCH}, "figure"),
        # The frame's class, not the graph's: dcc.Graph does not re-render for className alone.
        Output({"type": ids.CHART_FRAME, "chart": MATCH}, "className"),
        Input({"type": ids.CHART_SHOW, "chart": MATCH}, "data"),
        State({"type": ids.CHART_FIGURE, "chart": MATCH}, "data"),
        prevent_initial_call=True,
    )

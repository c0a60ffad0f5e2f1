"""What every page's callback does: re-check the filters, build the content, sync the URL."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, ctx, no_update
from flask import has_request_context, request
from plotly.utils import PlotlyJSONEncoder

from dashboard.builders.common import Build
from dashboard.builders.filters import FilterChoices, filters_from_params, not_a_district
from dashboard.builders.registry import BUILDERS
from dashboard.core import ids
from dashboard.core.extensions import page_cache
from dashboard.core.urlstate import Filters
from dashboard.core.viewer import Viewer
from dashboard.model import Page
from dashboard.render.components import choose_district, no_data_notice
from dashboard.render.dash_page import render_page
from dashboard.web.auth.current import request_viewer
from queries._cache import data_version
from queries.incidents import month_range

T = TypeVar("T")


def _cached(key: str, make: Callable[[], T]) -> T:
    """The page cache's value for `key`, else `make()` stored under it; the cache being down
    never stops a page (it is then built every time)."""
    try:
        hit = page_cache.get(key)
    except Exception:
        hit = None
    if hit is not None:
        return hit
    value = make()
    with contextlib.suppress(Exception):
        page_cache.set(key, value)
    return value


def page_model(
    page: str, build: Build, filters: Filters, choices: FilterChoices, viewer: Viewer
) -> Page:
    """A page's model for these filters as this viewer may see it, built once per data version
    (downloads read it; the screen reads its rendered form)."""
    key = f"model:{page}:{filters.query_string()}:{data_version()}:{viewer.scope.key}"
    return _cached(key, lambda: build(filters, choices, viewer))


def page_content(
    page: str, build: Build, filters: Filters, choices: FilterChoices, viewer: Viewer
) -> list:
    """A page's content for these filters, built once per data version and then served from
    the page cache (shared by every worker through Redis). The key holds everything the content
    depends on: the page, the normalised filters, the data version, and what this viewer may
    see (export buttons, restricted areas)."""
    key = (
        f"page:{page}:{filters.query_string()}:{data_version()}:"
        f"{int(viewer.may('export'))}:{viewer.scope.key}"
    )

    def rendered() -> list:
        # Built afresh rather than through page_model's cache: storing the model costs a cold
        # view time, and only a download needs it again (it caches it then). Stored as the JSON
        # Dash sends, so a hit costs no rebuilding of figures or components.
        content = render_page(build(filters, choices, viewer), viewer.may("export"))
        return json.loads(json.dumps(content, cls=PlotlyJSONEncoder))

    return _cached(key, rendered)


def status_line(filters: Filters, choices: FilterChoices) -> str:
    """The sentence a screen reader hears once a filter change has been shown."""
    area = dict(choices.areas).get(filters.area, filters.area)
    period = dict(choices.months).get(filters.to, filters.to)
    covid = "including" if filters.include_covid else "excluding"
    return f"Showing {area}, 12 months to {period}, {covid} Covid breaches."


def _routing() -> bool:
    """Whether this layout call answers Dash's page router (a callback request). Dash also calls
    every page's layout once per worker, on its first request, to check callback ids: building
    every page's default view there would cost that request a second or more."""
    return has_request_context() and request.path.endswith("/_dash-update-component")


def first_view(
    page: str, filters: Filters, messages: Sequence[str], choices: FilterChoices, viewer: Viewer
) -> list | None:
    """The content a page's layout holds when it is first served, as its callback would answer
    (None: the page shows its own ask). Built in the layout, the first chart starts drawing one
    callback round trip sooner; the callback then answers only filter changes."""
    if not _routing():
        return None
    if not choices.areas or month_range("force") is None:
        return [no_data_notice()]
    if not filters.area:  # the District view with no district chosen: its layout asks
        return None
    warnings = [dbc.Alert(" ".join(messages), color="warning")] if messages else []
    return [*warnings, *page_content(page, BUILDERS[page], filters, choices, viewer)]


def register_page(app: Dash, page: str, build: Build, extra: tuple[str, ...] = ()) -> None:
    """Wire a page's filters to its content and to the address bar. The layout holds the first
    view (first_view) and the canonical query string, so this answers changes only."""
    names = ("area", "to", "covid", *extra)

    def update(*values):
        viewer = request_viewer()  # captured here, at the edge, and passed down
        params = dict(zip(names, values, strict=True))
        filters, messages, choices = filters_from_params(params, viewer, page)
        if not choices.areas or month_range("force") is None:
            return [no_data_notice()], filters.query_string(), "No data is loaded yet."
        warnings = [dbc.Alert(" ".join(messages), color="warning")] if messages else []
        if not filters.area:  # the District view with no district chosen: it asks
            if ctx.triggered_id is None:
                return no_update, filters.query_string(), no_update  # the layout's own ask
            notice = not_a_district(params, viewer)
            return (
                [*warnings, choose_district(filters, choices.areas, notice)],
                filters.query_string(),
                "Choose a district.",
            )
        content = page_content(page, build, filters, choices, viewer)
        return [*warnings, *content], filters.query_string(), status_line(filters, choices)

    app.callback(
        Output(ids.content_id(page), "children"),
        Output({"type": ids.URL_SYNC, "page": page}, "data"),
        Output(ids.status_id(page), "children"),
        *[Input(ids.filter_id(page, name), "value") for name in names],
        prevent_initial_call=True,  # the layout holds the first view
    )(update)
    # The choice goes into the address bar in the browser at once, whatever the server does;
    # the server's answer then writes the canonical form (URL_SYNC).
    app.clientside_callback(
        """
        function() {
            const names = NAMES;
            const values = Array.prototype.slice.call(arguments);
            const params = new URLSearchParams(window.location.search);
            names.forEach(function(name, i) {
                const value = values[i];
                if (value === null || value === undefined || value === "") {
                    params.delete(name);
                } else {
                    params.set(name, value);
                }
            });
            const search = "?" + params.toString();
            if (search !== window.location.search) {
                window.history.replaceState(window.history.state, "",
                    window.location.pathname + search);
            }
            return search;
        }
        """.replace("NAMES", json.dumps(list(names))),
        Output({"type": ids.URL_DRAFT, "page": page}, "data"),
        *[Input(ids.filter_id(page, name), "value") for name in names],
        prevent_initial_call=True,
    )

"""Incidents: is ASB going down? Trend, annual table, category split, SPC and forecast."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from callbacks.common import first_view
from dashboard.builders.filters import filters_from_params
from dashboard.core import ids
from dashboard.core.vocab import CATEGORY_LABELS
from dashboard.render.components import select_control, standard_page
from dashboard.web.auth.current import request_viewer

PATH = "/incidents"
TITLE = "Incidents"
NAME = "Incidents"
DESCRIPTION = "Monthly ASB incidents, the annual table, category split, SPC and forecast."


def layout(**params: object) -> html.Div:
    """The Incidents page with its category and SPC controls; its callback fills in the figures."""
    page = ids.INCIDENTS
    viewer = request_viewer()
    filters, messages, choices = filters_from_params(params, viewer, page)
    months = [(m, label) for m, label in choices.all_months]
    extra = [
        select_control(
            ids.filter_id(page, "category"),
            "Category",
            [("all", "All categories"), *CATEGORY_LABELS.items()],
            filters.get("category"),
        ),
        # The analyst's SPC settings fold away (open when a link sets them), so on a phone the
        # first chart is in the first screen.
        dbc.Col(
            html.Details(
                [
                    html.Summary("SPC settings: limits' break and baseline"),
                    dbc.Row(
                        [
                            select_control(
                                ids.filter_id(page, "break"),
                                "SPC: rebase limits from",
                                [("none", "No break"), *months[1:]],
                                filters.get("break"),
                                width=6,
                            ),
                            select_control(
                                ids.filter_id(page, "base"),
                                "SPC: baseline ends",
                                [("auto", "Automatic (all before the break)"), *months],
                                filters.get("base"),
                                width=6,
                            ),
                        ],
                        className="g-3 mt-1",
                    ),
                ],
                open=(filters.get("break"), filters.get("base"))
                != (choices.extra["break"].default, choices.extra["base"].default),
                className="spc-settings",
            ),
            xs=12,
            md=12,
        ),
    ]
    return standard_page(
        page,
        "Incidents",
        "Is ASB going down? Monthly incidents with and without Covid breaches, the report's "
        "annual table, the category split, statistical process control and a forecast.",
        filters,
        choices,
        messages,
        extra,
        can_export=viewer.may("export"),
        content=first_view(page, filters, messages, choices, viewer) or (),
    )

"""Overview: the board's headline KPIs for one area and period."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.components import filter_bar, url_sync
from dashboard.filter_options import filters_from_params

PATH = "/"
TITLE = "Overview"
NAME = "Overview"
ORDER = 0
DESCRIPTION = "Headline ASB KPIs: volume, attendance, confidence and MSG position."


def layout(**params: object) -> html.Div:
    filters, messages, choices = filters_from_params(params)
    return html.Div(
        [
            url_sync(ids.OVW_PAGE),
            html.H1("Overview", id=ids.OVW_HEADING),
            html.P(
                "Is ASB going down, are we attending it, does the public think we deal with it, "
                "and how do we compare with our Most Similar Group?",
                className="lead",
            ),
            filter_bar(filters, choices.areas, choices.months, messages),
            dcc.Loading(
                html.Div(id=ids.OVW_CARDS, className="mt-3", **{"aria-live": "polite"}),
                type="dot",
                delay_show=300,
            ),
            html.Section(
                [
                    html.H2("Districts compared", className="h4 mt-4"),
                    html.Div(id=ids.OVW_DISTRICTS),
                ],
                **{"aria-label": "Districts compared"},
            ),
        ]
    )

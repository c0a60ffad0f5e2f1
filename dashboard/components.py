"""Layout pieces shared by pages: the filter bar, KPI cards, badges. Pure builders, no queries."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.urlstate import Filters

ILLUSTRATIVE_TEXT = (
    "Illustrative: modelled by a seeded generator from the published force totals, not real "
    "force data. See Methods and data."
)


def illustrative_badge() -> html.Span:
    return html.Span(
        "Illustrative data",
        className="badge-illustrative",
        title=ILLUSTRATIVE_TEXT,
        **{"aria-label": "Illustrative data: " + ILLUSTRATIVE_TEXT},
    )


def published_badge(text: str = "Matches the published report") -> html.Span:
    return html.Span(text, className="badge-published")


def filter_bar(
    filters: Filters,
    areas: Sequence[tuple[str, str]],
    months: Sequence[tuple[str, str]],
    messages: Sequence[str] = (),
) -> html.Section:
    """Area, period end and Covid controls, each with a visible label.

    areas: (selector, label) in tree order; months: (value 'YYYY-MM', label), oldest first.
    """
    area_options = [{"label": label, "value": selector} for selector, label in areas]
    month_options = [{"label": label, "value": value} for value, label in reversed(months)]
    return html.Section(
        [
            html.H2("Filters", className="visually-hidden"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.Label("Area", htmlFor=ids.FILTER_AREA, className="form-label"),
                            # A native <select>: labelled, keyboard- and screen-reader-friendly,
                            # with type-ahead ("Col" finds Colchester).
                            dbc.Select(
                                id=ids.FILTER_AREA, options=area_options, value=filters.area
                            ),
                        ],
                        md=5,
                    ),
                    dbc.Col(
                        [
                            html.Label(
                                "12 months to", htmlFor=ids.FILTER_TO, className="form-label"
                            ),
                            dbc.Select(id=ids.FILTER_TO, options=month_options, value=filters.to),
                        ],
                        md=3,
                    ),
                    dbc.Col(
                        html.Fieldset(
                            [
                                html.Legend("Covid-breach incidents", className="form-label"),
                                dbc.RadioItems(
                                    id=ids.FILTER_COVID,
                                    options=[
                                        {"label": "Include", "value": "include"},
                                        {"label": "Exclude", "value": "exclude"},
                                    ],
                                    value=filters.covid,
                                    inline=True,
                                ),
                            ]
                        ),
                        md=4,
                    ),
                ],
                className="g-3 align-items-end",
            ),
            html.Div(
                [
                    dbc.Alert(
                        [
                            html.Strong("Some filters in the link could not be used. "),
                            *[html.Span(m + " ") for m in messages],
                        ],
                        color="warning",
                        className="mt-3 mb-0",
                    )
                ]
                if messages
                else [],
                id=ids.FILTER_MESSAGES,
                role="status",
            ),
        ],
        className="filter-bar",
        **{"aria-label": "Filters"},
    )


def kpi_card(
    title: str,
    value: str,
    lines: Sequence[object],
    period: str,
    area: str,
    source: str,
    badges: Sequence[object] = (),
    testid: str = "",
) -> dbc.Card:
    """A headline figure that says what it is, when, where and from which source."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(title, className="kpi-title"),
                html.P(value, className="kpi-value", **{"data-testid": testid} if testid else {}),
                *[html.P(line, className="kpi-line") for line in lines],
                html.Div(list(badges), className="kpi-badges") if badges else None,
                html.P(
                    [html.Span("Period: "), period, html.Br(), html.Span("Area: "), area],
                    className="kpi-meta",
                ),
                html.P(["Source: ", source], className="kpi-source"),
            ]
        ),
        className="kpi-card h-100",
    )


def data_to_line(items: Sequence[tuple[str, str]]) -> html.P:
    """'Data to: force incidents March 2021 · ...' — the date each source runs to."""
    parts: list[object] = [html.Strong("Data to: ")]
    for i, (what, when) in enumerate(items):
        if i:
            parts.append(" · ")
        parts.append(f"{what} {when}")
    return html.P(parts, className="data-to")


def url_sync(page: str) -> html.Div:
    """A store whose value (a query string) a clientside callback puts in the address bar."""
    return html.Div(
        [
            dcc.Store(id={"type": ids.URL_SYNC, "page": page}),
            dcc.Store(id={"type": ids.URL_SYNC_DONE, "page": page}),
        ],
        hidden=True,
    )

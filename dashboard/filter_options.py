"""What the filter bar may offer, read from the data, and URL parameters checked against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.periods import add_months, month_label
from dashboard.urlstate import Filters, parse_filters
from queries.areas import filter_areas
from queries.incidents import month_range


@dataclass(frozen=True)
class FilterChoices:
    areas: tuple[tuple[str, str], ...]  # (selector, label)
    months: tuple[tuple[str, str], ...]  # (YYYY-MM, label), oldest first

    @property
    def area_selectors(self) -> list[str]:
        return [a[0] for a in self.areas]

    @property
    def month_values(self) -> list[str]:
        return [m[0] for m in self.months]


def filter_choices() -> FilterChoices:
    """Areas of the home force, and every month that closes a complete 12-month period."""
    areas = tuple((a.selector, a.option_label) for a in filter_areas())
    months: list[tuple[str, str]] = []
    span = month_range("force")
    if span:
        month = add_months(span[0], 11)
        while month <= span[1]:
            months.append((f"{month:%Y-%m}", month_label(month)))
            month = add_months(month, 1)
    return FilterChoices(areas, tuple(months))


def filters_from_params(params: Mapping[str, object]) -> tuple[Filters, list[str], FilterChoices]:
    choices = filter_choices()
    filters, messages = parse_filters(params, choices.area_selectors, choices.month_values)
    return filters, messages, choices

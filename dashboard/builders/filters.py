"""What the filter bar may offer, read from the data, and URL parameters checked against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.core.periods import add_months, month_label
from dashboard.core.urlstate import Choice, Filters, parse_filters
from dashboard.core.viewer import Viewer
from dashboard.core.vocab import NSIR_CATEGORIES
from queries.areas import visible_areas
from queries.incidents import month_range

CATEGORY_CHOICES = ("all", *NSIR_CATEGORIES)
DEFAULT_BREAK = "2020-03"  # first Covid lockdown: breaches recorded as ASB from here


@dataclass(frozen=True)
class FilterChoices:
    """What a viewer may choose on one page: the filter bar's options, and what links must match."""

    areas: tuple[tuple[str, str], ...]  # (selector, label) in tree order
    months: tuple[tuple[str, str], ...]  # (YYYY-MM, label), period ends, oldest first
    all_months: tuple[tuple[str, str], ...]  # every month held, oldest first
    extra: dict[str, Choice]
    default_area: str = "force"

    @property
    def area_selectors(self) -> list[str]:
        """The areas the viewer may choose, as URLs name them ('district:Harlow'), in tree order."""
        return [a[0] for a in self.areas]

    @property
    def month_values(self) -> list[str]:
        """The period ends that may be chosen, as 'YYYY-MM', oldest first."""
        return [m[0] for m in self.months]


def _months(first, last) -> list[tuple[str, str]]:
    months = []
    month = first
    while month <= last:
        months.append((f"{month:%Y-%m}", month_label(month)))
        month = add_months(month, 1)
    return months


def filter_choices(viewer: Viewer, page: str = "overview") -> FilterChoices:
    """Areas of the home force (only districts on the district page), and the valid months.

    A user restricted to some areas is offered only those; a user with a home area (a district
    commander) gets it as the default, first in the list.
    """
    records = visible_areas(viewer.scope)
    home = viewer.home_area
    areas = [(a.selector, a.option_label) for a in records]
    if page == "district":
        areas = [a for a in areas if a[0].startswith("district:")]
    span = month_range("force")
    all_months = _months(*span) if span else []
    period_ends = all_months[11:]
    extra: dict[str, Choice] = {}
    if page == "incidents":
        values = [m for m, _ in all_months]
        extra = {
            "category": Choice(
                CATEGORY_CHOICES, "all", "category (all, personal, nuisance or environmental)"
            ),
            "break": Choice(
                ("none", *values[1:]),
                DEFAULT_BREAK if DEFAULT_BREAK in values else "none",
                "SPC break (none, or the first month of the new period)",
            ),
            "base": Choice(
                ("auto", *values),
                "auto",
                "SPC baseline end (auto, or the last month of the baseline)",
            ),
        }
    if page == "district":
        # The District view opens on the district in use, else the home district, else (with a
        # choice to make) asks: it never picks the first district in the alphabet.
        default = home if home in dict(areas) else (areas[0][0] if len(areas) == 1 else "")
    else:
        default = home if home in dict(areas) else (areas[0][0] if areas else "force")
    return FilterChoices(tuple(areas), tuple(period_ends), tuple(all_months), extra, default)


def not_a_district(params: Mapping[str, object], viewer: Viewer) -> str | None:
    """What the District view says when the link names the force or an LPA (the area in use on
    the page before): one message for both, rather than calling a good area invalid."""
    raw = params.get("area")
    if not isinstance(raw, str) or raw.startswith("district:"):
        return None
    labels = {a.selector: a.name for a in visible_areas(viewer.scope)}
    if raw not in labels:
        return None
    where = "the whole force" if raw == "force" else f"{labels[raw]} LPA"
    return (
        f"The District view shows one district at a time, and {where} is not a district: "
        "choose a district."
    )


def filters_from_params(
    params: Mapping[str, object], viewer: Viewer, page: str = "overview"
) -> tuple[Filters, list[str], FilterChoices]:
    """The filters in `params`, checked against what this viewer may choose on this page."""
    choices = filter_choices(viewer, page)
    # parse_filters takes the first area as the default: put the user's default first.
    areas = sorted(choices.area_selectors, key=lambda a: a != choices.default_area)
    if page == "district":
        if not choices.default_area:
            areas = ["", *areas]  # no district yet: the page asks for one
        if not_a_district(params, viewer):
            params = {**params, "area": None}  # said once, by not_a_district, not as an error
    filters, messages = parse_filters(params, areas, choices.month_values, choices.extra)
    return filters, messages, choices

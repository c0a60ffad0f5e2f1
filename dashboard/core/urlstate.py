"""The filters of every page, kept in the URL query string so a link reproduces the view.

`/?area=district:Colchester&to=2021-03&covid=exclude`: `area` is `force`, `lpa:<name>` or
`district:<name>`; `to` is the period's last month, YYYY-MM; `covid` is include or exclude.
A page may add its own parameters (the Incidents page: `category`, `break`, `base`).
Unknown or malformed values fall back to the defaults with a message saying so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

COVID_CHOICES = ("include", "exclude")
BASE_PARAMS = ("area", "to", "covid")


@dataclass(frozen=True)
class Choice:
    """A page-specific parameter: its valid values, default and how to describe it."""

    values: tuple[str, ...]
    default: str
    describe: str


@dataclass(frozen=True)
class Filters:
    """The checked filters of one page view; `extra` holds the page's own parameters."""

    area: str
    to: str
    covid: str
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def include_covid(self) -> bool:
        """Whether Covid-breach incidents count in the figures."""
        return self.covid == "include"

    def get(self, name: str) -> str:
        """The value of one of the page's own parameters (KeyError for one it does not have)."""
        return dict(self.extra)[name]

    def query_string(self) -> str:
        """'?area=...&to=...&covid=...' for the address bar: a link that reproduces this view."""
        params = {"area": self.area, "to": self.to, "covid": self.covid, **dict(self.extra)}
        # no area yet (the District view asking for one) is left out rather than written empty
        params = {name: value for name, value in params.items() if value != ""}
        return "?" + urlencode(params, quote_via=quote, safe=":")


def _single(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        raise ValueError("was given more than once")
    return str(value)


def instead(default: str) -> str:
    """What is shown in place of a value that could not be used."""
    return f"showing '{default}' instead" if default else "choose one instead"


def parse_filters(
    params: Mapping[str, object],
    areas: Sequence[str],
    months: Sequence[str],
    extra: Mapping[str, Choice] | None = None,
) -> tuple[Filters, list[str]]:
    """Filters from query parameters, plus a message for each value that could not be used.

    `areas` are the valid area selectors (the first is the default); `months` the valid period
    ends, oldest first (the newest is the default); `extra` the page's own parameters.
    """
    extra = dict(extra or {})
    messages: list[str] = []
    describe = {
        "area": "district you may see (use district:<name>)"
        if areas and all(a.startswith("district:") or a == "" for a in areas)
        else "area (use force, lpa:<name> or district:<name>)",
        "to": "period end (use a month YYYY-MM that the data covers)",
        "covid": "Covid option (use include or exclude)",
        **{name: choice.describe for name, choice in extra.items()},
    }

    def pick(name: str, valid: Sequence[str], default: str) -> str:
        try:
            value = _single(params.get(name))
        except ValueError as exc:
            messages.append(f"The filter '{name}' {exc}; {instead(default)}.")
            return default
        if value is None or value == "":
            return default
        if value not in valid:
            messages.append(f"'{value}' is not a valid {describe[name]}; {instead(default)}.")
            return default
        return value

    filters = Filters(
        area=pick("area", areas, areas[0] if areas else "force"),
        to=pick("to", months, months[-1] if months else ""),
        covid=pick("covid", COVID_CHOICES, "include"),
        extra=tuple((name, pick(name, c.values, c.default)) for name, c in extra.items()),
    )
    unknown = sorted(k for k in params if k not in (*BASE_PARAMS, *extra))
    if unknown:
        messages.append(f"Ignored unknown parameter(s): {', '.join(unknown)}.")
    return filters, messages

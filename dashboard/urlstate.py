"""The filters of every page, kept in the URL query string so a link reproduces the view.

`/?area=district:Colchester&to=2021-03&covid=exclude`: `area` is `force`, `lpa:<name>` or
`district:<name>`; `to` is the period's last month, YYYY-MM; `covid` is include or exclude.
Unknown or malformed values fall back to the defaults with a message saying so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

COVID_CHOICES = ("include", "exclude")
KNOWN_PARAMS = ("area", "to", "covid")


@dataclass(frozen=True)
class Filters:
    area: str
    to: str
    covid: str

    @property
    def include_covid(self) -> bool:
        return self.covid == "include"

    def query_string(self) -> str:
        return "?" + urlencode(
            {"area": self.area, "to": self.to, "covid": self.covid}, quote_via=quote, safe=":"
        )


def _single(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        raise ValueError("was given more than once")
    return str(value)


def parse_filters(
    params: Mapping[str, object], areas: Sequence[str], months: Sequence[str]
) -> tuple[Filters, list[str]]:
    """Filters from query parameters, plus a message for each value that could not be used.

    `areas` are the valid area selectors (the first is the default); `months` the valid period
    ends, oldest first (the newest is the default).
    """
    messages: list[str] = []
    name_text = {
        "area": "area (use force, lpa:<name> or district:<name>)",
        "to": "period end (use a month YYYY-MM that the data covers)",
        "covid": "Covid option (use include or exclude)",
    }
    default_area = areas[0] if areas else "force"
    default_to = months[-1] if months else ""

    def pick(name: str, valid: Sequence[str], default: str, describe: str) -> str:
        try:
            value = _single(params.get(name))
        except ValueError as exc:
            messages.append(f"The filter '{name}' {exc}; showing {describe(default)}.")
            return default
        if value is None or value == "":
            return default
        if value not in valid:
            messages.append(
                f"'{value}' is not a valid {name_text[name]}; showing {describe(default)} instead."
            )
            return default
        return value

    filters = Filters(
        area=pick("area", areas, default_area, lambda v: f"'{v}'"),
        to=pick("to", months, default_to, lambda v: f"the latest period ({v})"),
        covid=pick("covid", COVID_CHOICES, "include", lambda v: f"Covid breaches {v}d"),
    )
    unknown = sorted(k for k in params if k not in KNOWN_PARAMS)
    if unknown:
        messages.append(f"Ignored unknown parameter(s): {', '.join(unknown)}.")
    return filters, messages

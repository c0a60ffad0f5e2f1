"""Month arithmetic and the labels every figure carries ("12 months to March 2021")."""

from __future__ import annotations

import datetime as dt
import re


def add_months(month: dt.date, n: int) -> dt.date:
    """The first of the month `n` months on (back if negative), across year ends."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    """The last day of the month: the date a period ending that month runs to."""
    return add_months(month, 1) - dt.timedelta(days=1)


def twelve_months_to(end_month: dt.date) -> tuple[dt.date, dt.date]:
    """First and last month (first days) of the 12 months ending with end_month."""
    return add_months(end_month, -11), end_month


def month_label(month: dt.date) -> str:
    """'March 2021': how a single month is named on screen."""
    return f"{month:%B %Y}"


def period_label(end_month: dt.date, months: int = 12) -> str:
    """'12 months to March 2021': the label every rolling figure carries."""
    return f"{months} months to {month_label(end_month)}"


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> dt.date:
    """'2021-03' -> 2021-03-01, the one month parser (files, URLs, settings); ValueError
    with a readable message otherwise."""
    m = _MONTH.match(value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"'{value}' is not a month (expected YYYY-MM, e.g. 2021-03)")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


parse_month_param = parse_month  # the name URL parsing has used

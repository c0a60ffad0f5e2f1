"""How numbers read on screen: the report's conventions (thousands separators, whole %)."""

from __future__ import annotations


def count(n: int | None) -> str:
    """A count with thousands separators, or a dash where the figure is missing."""
    return "—" if n is None else f"{n:,}"


def pct(value: float | None, digits: int = 0) -> str:
    """A percentage, whole by default as the report prints it; a dash where it is missing."""
    return "—" if value is None else f"{value:.{digits}f}%"


def signed_pct(value: float | None, digits: int = 0) -> str:
    """A change in per cent with its sign and a true minus; never "+0%" for one that rounds away."""
    if value is None:
        return "—"
    value = round(value, digits)
    if value == 0:
        return f"{0:.{digits}f}%"  # no "+0%" or "−0%" for a change that rounds away
    text = f"{value:+.{digits}f}%"
    return text.replace("-", "−")  # a true minus sign reads better and screen readers say it


def signed_count(n: int | None) -> str:
    """A change in a count with its sign, a true minus and thousands separators; a dash if none."""
    if n is None:
        return "—"
    return "0" if n == 0 else f"{n:+,}".replace("-", "−")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 11th: a rank as a sentence reads it."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_words(
    rank: int, of: int, noun: str = "", low: str = "lowest", high: str = "highest"
) -> str:
    """A rank read from the nearer end: 9 of 10 by lowest is "2nd highest of 10", not "9th
    lowest of 10", which readers take for good news."""
    from_top = of - rank + 1
    place, end = (rank, low) if rank <= from_top else (from_top, high)
    return f"{ordinal(place)} {end}{' ' + noun if noun else ''} of {of}"


def chance(p: float) -> str:
    """A simulated probability as a board should read it: never a bare "100%" or "0%", which
    the model's own uncertainty cannot support."""
    if p > 0.99:
        return "more than 99%"
    if p < 0.01:
        return "less than 1%"
    return f"{p:.0%}"

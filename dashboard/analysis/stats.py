"""Statistical helpers: pure functions, no database or Dash."""

from __future__ import annotations

from collections.abc import Sequence


def pct_change(current: float | None, previous: float | None) -> float | None:
    """Change from `previous` in per cent; None when either is missing or previous is zero."""
    if current is None or not previous:
        return None
    return 100.0 * (current - previous) / previous


# --- Rolling sums, rates, ranks, averages ---------------------------------------------------


def rolling_sum(months: Sequence, values: Sequence[float], window: int = 12) -> list[float | None]:
    """Rolling total of `window` consecutive months; None where any month of it is missing.

    `months` are first-of-month dates, ascending; a gap in them makes every total spanning the
    gap None rather than a smaller, misleading figure.
    """
    index = [m.year * 12 + m.month for m in months]
    totals: list[float | None] = []
    for i in range(len(values)):
        j = i - window + 1
        if j < 0 or index[i] - index[j] != window - 1:
            totals.append(None)
        else:
            totals.append(float(sum(values[j : i + 1])))
    return totals


def rate_per_1000(count: float, population: float) -> float | None:
    """Incidents per 1,000 people; None without a population rather than a division by zero."""
    return None if not population else 1000.0 * count / population


def rank_with_ties(values: Sequence[float], polarity: str = "lower_is_better") -> list[int]:
    """Competition ranking (1, 2, 2, 4): 1 = best by the measure's polarity."""
    sign = 1 if polarity == "lower_is_better" else -1
    return [1 + sum(1 for w in values if sign * w < sign * v) for v in values]


def weighted_average_rate(counts: Sequence[float], populations: Sequence[float]) -> float:
    """All incidents over all population, per 1,000: each person counts once."""
    return 1000.0 * sum(counts) / sum(populations)


def simple_average(values: Sequence[float]) -> float:
    """The plain mean, each value counting once (beside weighted_average_rate, where people do)."""
    return sum(values) / len(values)

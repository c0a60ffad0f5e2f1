"""A multiplicative seasonal index by calendar month, estimated from a baseline only."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_SEASONAL_BASELINE = 24  # every calendar month seen at least twice, beside a level and a trend
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class SeasonalIndex:
    """Factors by calendar month (January first, mean 1): divide a month by its factor to adjust."""

    factors: tuple[float, ...]
    first_month: dt.date  # the baseline it was estimated from, both ends included
    last_month: dt.date
    months_used: int

    def factor(self, month: dt.date) -> float:
        """The factor for a month's calendar month, so any month of any year can be adjusted."""
        return self.factors[month.month - 1]

    @property
    def label(self) -> str:
        """The baseline in words, so a chart can say where its seasonal shape came from."""
        return f"{self.first_month:%b %Y}–{self.last_month:%b %Y}"


def month_ordinal(month: dt.date) -> int:
    """Months since year 0, so consecutive months differ by exactly one."""
    return month.year * 12 + month.month - 1


def consecutive(months: Sequence[dt.date]) -> bool:
    """True when the months run one after another with no gap or repeat."""
    ords = [month_ordinal(m) for m in months]
    return all(b - a == 1 for a, b in itertools.pairwise(ords))


def poisson_loglinear(y: np.ndarray, x: np.ndarray, iterations: int = 100) -> np.ndarray:
    """Coefficients of a Poisson log-linear model by IRLS: multiplicative effects, zeros allowed."""
    beta = np.linalg.lstsq(x, np.log(y + 0.5), rcond=None)[0]
    for _ in range(iterations):
        eta = x @ beta
        mu = np.exp(eta)
        w = np.sqrt(mu)
        z = eta + (y - mu) / mu
        new = np.linalg.lstsq(x * w[:, None], z * w, rcond=None)[0]
        if np.max(np.abs(new - beta)) < 1e-10:
            return new
        beta = new
    return beta


def seasonal_index(
    values: Sequence[float],
    months: Sequence[dt.date],
    baseline: tuple[int, int] | None = None,
) -> SeasonalIndex:
    """Estimate calendar-month factors from the baseline months (a level, a trend and 12 months).

    The model is Poisson log-linear (quasi-likelihood, so non-integer values work): log E[x_t] =
    a + b·t + s_month(t). The trend keeps a steady fall in the baseline out of the seasonal shape.
    Raises ValueError, with the reason in words, when the baseline cannot support an index.
    """
    if len(values) != len(months):
        raise ValueError("values and months differ in length")
    start, stop = baseline if baseline is not None else (0, len(values))
    start, stop = max(0, start), min(len(values), stop)
    base_months = list(months[start:stop])
    y = np.asarray(values[start:stop], dtype=float)
    if len(y) < MIN_SEASONAL_BASELINE:
        raise ValueError(
            f"a seasonal index needs at least {MIN_SEASONAL_BASELINE} baseline months (each "
            f"calendar month twice); the baseline has {len(y)}"
        )
    if not consecutive(base_months):
        raise ValueError("the baseline months are not consecutive")
    if np.any(y < 0) or not np.all(np.isfinite(y)):
        raise ValueError("a seasonal index needs finite, non-negative values")
    cal = np.array([m.month for m in base_months])
    for k in range(1, 13):
        if not np.any(y[cal == k] > 0):
            raise ValueError(f"every baseline {MONTH_ABBR[k - 1]} is zero: no seasonal factor")
    t = np.arange(len(y), dtype=float) / 12.0
    columns = [np.ones_like(t), t] + [(cal == k).astype(float) for k in range(2, 13)]
    beta = poisson_loglinear(y, np.column_stack(columns))
    raw = np.exp(np.concatenate([[0.0], beta[2:]]))
    factors = raw / raw.mean()
    return SeasonalIndex(
        tuple(float(f) for f in factors), base_months[0], base_months[-1], len(base_months)
    )

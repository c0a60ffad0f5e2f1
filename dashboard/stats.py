"""Statistical helpers: pure functions, no database or Dash."""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_COUNT_FOR_TEST = 20


@dataclass(frozen=True)
class ChangeTest:
    z: float | None
    p: float | None
    significant: bool | None  # None when the counts are too small to test this way

    @property
    def wording(self) -> str:
        if self.significant is None:
            return "too few incidents to test the change"
        if self.significant:
            return "a significant change (Poisson test, p < 0.05)"
        return "not a significant change (Poisson test, p ≥ 0.05)"


def poisson_change_test(current: int, previous: int, alpha: float = 0.05) -> ChangeTest:
    """Test two Poisson counts over equal periods for a difference in rate.

    Conditional on their sum, current ~ Binomial(n, 1/2) under no change; with both counts of at
    least MIN_COUNT_FOR_TEST the normal approximation z = (a - b) / sqrt(a + b) is accurate.
    """
    if min(current, previous) < MIN_COUNT_FOR_TEST:
        return ChangeTest(None, None, None)
    z = (current - previous) / math.sqrt(current + previous)
    p = math.erfc(abs(z) / math.sqrt(2))
    return ChangeTest(z, p, p < alpha)


def pct_change(current: float, previous: float) -> float | None:
    if not previous:
        return None
    return 100.0 * (current - previous) / previous

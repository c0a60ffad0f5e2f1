"""Statistical helpers: pure functions, no database or Dash."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
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


# --- Statistical process control (NHS England "Making Data Count" XmR rules) -------------

XMR_LIMIT = 2.66  # 3 sigma = 2.66 x mean moving range
XMR_TWO_SIGMA = 2.66 * 2 / 3
MR_SCREEN = 3.267  # moving ranges at or above 3.267 x their mean are screened out
RUN_LENGTH = 7
MIN_BASELINE = 12


@dataclass(frozen=True)
class XmrSegment:
    start: int  # index of the first point the limits apply to
    stop: int  # one past the last
    baseline_start: int
    baseline_stop: int
    mean: float
    mean_mr: float

    @property
    def upper(self) -> float:
        return self.mean + XMR_LIMIT * self.mean_mr

    @property
    def lower(self) -> float:
        return self.mean - XMR_LIMIT * self.mean_mr

    @property
    def upper_2s(self) -> float:
        return self.mean + XMR_TWO_SIGMA * self.mean_mr

    @property
    def lower_2s(self) -> float:
        return self.mean - XMR_TWO_SIGMA * self.mean_mr


@dataclass(frozen=True)
class XmrSignal:
    index: int
    rule: str  # "outside limits" | "run of 7 on one side" | "trend of 7" | "2 of 3 beyond 2 sigma"
    direction: str  # "high" | "low"
    meaning: str  # "improvement" | "concern"


@dataclass(frozen=True)
class XmrResult:
    values: tuple[float, ...]
    segments: tuple[XmrSegment, ...]
    signals: tuple[XmrSignal, ...]
    warnings: tuple[str, ...]

    def segment_at(self, i: int) -> XmrSegment:
        return next(s for s in self.segments if s.start <= i < s.stop)

    def limits(self) -> list[tuple[float, float, float]]:
        """(lower, centre, upper) for each point."""
        segments = [self.segment_at(i) for i in range(len(self.values))]
        return [(s.lower, s.mean, s.upper) for s in segments]

    def signals_at(self, i: int) -> list[XmrSignal]:
        return [s for s in self.signals if s.index == i]


def _mean_moving_range(values: Sequence[float]) -> float:
    """Mean moving range after screening out ranges >= 3.267 x the first mean."""
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    if not ranges:
        return 0.0
    first = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < MR_SCREEN * first] or ranges
    return sum(kept) / len(kept)


def _meaning(direction: str, polarity: str) -> str:
    good = "low" if polarity == "lower_is_better" else "high"
    if polarity == "neutral":
        return "neither"
    return "improvement" if direction == good else "concern"


def xmr(
    values: Sequence[float],
    polarity: str = "lower_is_better",
    baseline: tuple[int, int] | None = None,
    rebase_at: int | None = None,
) -> XmrResult:
    """An XmR chart: centre, limits and special-cause signals, optionally rebased at a break.

    baseline: (start, stop) indices whose mean and moving range set the first segment's limits
    (default: every point before the break). After `rebase_at`, limits come from the points from
    the break on. Signals never run across a break.
    """
    values = tuple(float(v) for v in values)
    n = len(values)
    warnings: list[str] = []
    if n == 0:
        return XmrResult(values, (), (), ("No data points.",))
    breaks = [0] + ([rebase_at] if rebase_at and 0 < rebase_at < n else []) + [n]
    segments = []
    for k, (start, stop) in enumerate(itertools.pairwise(breaks)):
        if k == 0 and baseline is not None:
            b_start, b_stop = max(start, baseline[0]), min(stop, baseline[1])
            if b_stop - b_start < 2:
                b_start, b_stop = start, stop
                warnings.append("The baseline chosen has too few points; the whole period is used.")
        else:
            b_start, b_stop = start, stop
        base = values[b_start:b_stop]
        if len(base) < MIN_BASELINE:
            warnings.append(
                f"Limits from {len(base)} points (points {b_start + 1}-{b_stop}): fewer than "
                f"{MIN_BASELINE}, so treat them as provisional."
            )
        mean_mr = _mean_moving_range(base)
        if mean_mr == 0:
            warnings.append("Every baseline point is the same: the limits sit on the mean.")
        segments.append(XmrSegment(start, stop, b_start, b_stop, sum(base) / len(base), mean_mr))
    signals: list[XmrSignal] = []
    for seg in segments:
        signals += _segment_signals(values, seg, polarity)
    signals.sort(key=lambda s: (s.index, s.rule))
    return XmrResult(values, tuple(segments), tuple(signals), tuple(warnings))


def _segment_signals(values: Sequence[float], seg: XmrSegment, polarity: str) -> list[XmrSignal]:
    found: list[XmrSignal] = []

    def add(i: int, rule: str, direction: str) -> None:
        found.append(XmrSignal(i, rule, direction, _meaning(direction, polarity)))

    idx = range(seg.start, seg.stop)
    for i in idx:
        if values[i] > seg.upper:
            add(i, "outside limits", "high")
        elif values[i] < seg.lower:
            add(i, "outside limits", "low")
    # Runs: 7 or more consecutive points on one side of the mean (points on the mean break a run).
    for side, test in (("high", lambda v: v > seg.mean), ("low", lambda v: v < seg.mean)):
        run: list[int] = []
        for i in [*idx, None]:
            if i is not None and test(values[i]):
                run.append(i)
                continue
            if len(run) >= RUN_LENGTH:
                for j in run:
                    add(j, "run of 7 on one side", side)
            run = []
    # Trends: 7 or more points each higher (or lower) than the one before.
    for side, test in (("high", lambda a, b: b > a), ("low", lambda a, b: b < a)):
        run = [seg.start]
        for i in [*range(seg.start + 1, seg.stop), None]:
            if i is not None and test(values[i - 1], values[i]):
                run.append(i)
                continue
            if len(run) >= RUN_LENGTH:
                for j in run:
                    add(j, "trend of 7", side)
            run = [i] if i is not None else []
    # Two of three consecutive points beyond the same 2-sigma limit.
    for start in range(seg.start, seg.stop - 2):
        window = range(start, start + 3)
        for side, test in (
            ("high", lambda v: v > seg.upper_2s),
            ("low", lambda v: v < seg.lower_2s),
        ):
            beyond = [i for i in window if test(values[i])]
            if len(beyond) >= 2:
                for j in beyond:
                    add(j, "2 of 3 beyond 2 sigma", side)
    unique = {(s.index, s.rule, s.direction): s for s in found}
    return list(unique.values())


def assurance(segment: XmrSegment, target: float, direction: str) -> str:
    """Will the process meet the target? By where the target sits against the limits."""
    if direction == "decrease":
        if target >= segment.upper:
            return "consistently passing"
        if target < segment.lower:
            return "consistently failing"
    else:
        if target <= segment.lower:
            return "consistently passing"
        if target > segment.upper:
            return "consistently failing"
    return "inconsistent (hit and miss)"


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
    return None if not population else 1000.0 * count / population


def rank_with_ties(values: Sequence[float], polarity: str = "lower_is_better") -> list[int]:
    """Competition ranking (1, 2, 2, 4): 1 = best by the measure's polarity."""
    sign = 1 if polarity == "lower_is_better" else -1
    return [1 + sum(1 for w in values if sign * w < sign * v) for v in values]


def weighted_average_rate(counts: Sequence[float], populations: Sequence[float]) -> float:
    """All incidents over all population, per 1,000: each person counts once."""
    return 1000.0 * sum(counts) / sum(populations)


def simple_average(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def wilson_interval(pct: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a survey percentage with base n, in percent."""
    p = pct / 100
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def poisson_funnel(rate_per_1000_avg: float, population: float, z: float) -> tuple[float, float]:
    """Control limits for a rate per 1,000 at a given population, from Poisson quantiles."""
    from scipy.stats import norm, poisson

    expected = rate_per_1000_avg * population / 1000
    q = norm.cdf(z)
    low = poisson.ppf(1 - q, expected)
    high = poisson.ppf(q, expected)
    return 1000 * low / population, 1000 * high / population

"""Statistical process control by NHS England's Making Data Count rules: XmR, seasonal XmR, p′.

Every chart returns an `SpcResult` that puts each month in exactly one class (common cause,
special cause improvement, concern, or neither for a measure with no better direction), with the
rule that decided it, so a summary counts months, never signals. No limits, signals or assurance
come from fewer than 12 points since a break.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from dashboard.analysis.seasonal import (
    MIN_SEASONAL_BASELINE,
    SeasonalIndex,
    consecutive,
    seasonal_index,
)
from dashboard.core.vocab import Polarity

Direction = Literal["high", "low"]
Category = Literal[
    "common cause",
    "special cause improvement",
    "special cause concern",
    "special cause neither",
    "no limits",
]

XMR_LIMIT = 2.66  # 3 sigma = 2.66 × mean moving range (3 / d2, d2 = 1.128)
SIGMA_PER_MR = XMR_LIMIT / 3  # one sigma per unit of mean moving range
MR_SCREEN = 3.267  # moving ranges at or above 3.267 × their mean are screened out (D4, n = 2)
RUN_LENGTH = 7  # shift: 7 on one side of the centre; trend: 7 each higher (or lower)
MIN_POINTS = 12  # no limits, signals or assurance from fewer points than this since a break

OUTSIDE = "outside limits"
TWO_OF_THREE = "2 of 3 beyond 2 sigma"
SHIFT = "run of 7 on one side"
TREND = "trend of 7"
# When rules disagree about one month, the first in this order decides: the rules about where the
# month's level sits against the limits say whether it is better or worse than the process; a
# trend says only which way it is moving. (NHSRplotthedots ranks the trend second; see methods.)
RULE_PRIORITY = (OUTSIDE, TWO_OF_THREE, SHIFT, TREND)


@dataclass(frozen=True)
class Limits:
    """One point's limits on the chart's display scale, so a renderer needs no arithmetic."""

    lower: float
    centre: float
    upper: float
    lower_2s: float
    upper_2s: float


@dataclass(frozen=True)
class Segment:
    """Points between two breaks; limits only from enough baseline points to trust them."""

    start: int  # index of the first point the limits apply to
    stop: int  # one past the last
    baseline_start: int
    baseline_stop: int
    centre: float | None  # on the tested scale (seasonally adjusted for the seasonal XmR)
    sigma: float | None  # one process sigma on the tested scale (p′: at the mean denominator)
    mean_mr: float | None  # mean moving range after screening (p′: of the z-scores)
    note: str | None = None  # why there are no limits
    sigma_z: float | None = None  # p′ only: the spread of z-scores that scales binomial limits

    @property
    def has_limits(self) -> bool:
        """Whether this segment may give signals and assurance at all."""
        return self.centre is not None and self.sigma is not None

    @property
    def upper(self) -> float | None:
        """Upper process limit (3 sigma) on the tested scale."""
        return None if not self.has_limits else self.centre + 3 * self.sigma  # type: ignore[operator]

    @property
    def lower(self) -> float | None:
        """Lower process limit (3 sigma) on the tested scale."""
        return None if not self.has_limits else self.centre - 3 * self.sigma  # type: ignore[operator]

    @property
    def points(self) -> int:
        """How many points the segment spans."""
        return self.stop - self.start


@dataclass(frozen=True)
class Signal:
    """One rule firing at one point: kept for audit even when another rule decides the month."""

    index: int
    rule: str
    direction: Direction
    meaning: str  # "improvement" | "concern" | "neither"

    @property
    def text(self) -> str:
        """The rule and what it means, e.g. "trend of 7 (concern)"."""
        return f"{self.rule} ({self.meaning})"


@dataclass(frozen=True)
class MonthVerdict:
    """The one class a month gets, the rule that decided it and any rule it overrode."""

    index: int
    category: Category
    direction: Direction | None = None
    rule: str | None = None
    agreeing: tuple[str, ...] = ()  # other rules that fired the same way
    overridden: tuple[str, ...] = ()  # rules that fired the other way and lost on priority
    note: str | None = None  # why a month has no limits

    @property
    def special(self) -> bool:
        """Whether the month shows special-cause variation."""
        return self.category.startswith("special cause")

    @property
    def reason(self) -> str:
        """The deciding rule in words, naming any rule it overrode, for tooltips and tables."""
        if self.category == "no limits":
            return self.note or "no limits"
        if self.rule is None:
            return "common cause: no rule fired"
        meaning = self.category.removeprefix("special cause ")
        text = f"{self.rule} ({meaning}, {self.direction})"
        if self.overridden:
            text += "; overrides " + ", ".join(self.overridden)
        return text


@dataclass(frozen=True)
class SpcSummary:
    """Months in each class: every month counted once, so the parts add up to the whole."""

    months: int
    common_cause: int
    improvement: int
    concern: int
    neither: int
    no_limits: int

    @property
    def text(self) -> str:
        """One sentence for a board: months, not signals."""
        parts = [f"{self.common_cause} common cause"]
        if self.improvement:
            parts.append(f"{self.improvement} special cause improvement")
        if self.concern:
            parts.append(f"{self.concern} special cause concern")
        if self.neither:
            parts.append(f"{self.neither} special cause (neither better nor worse)")
        if self.no_limits:
            parts.append(f"{self.no_limits} without limits (not enough data)")
        return f"Of {self.months} months: " + ", ".join(parts) + "."


@dataclass(frozen=True)
class SpcResult:
    """A chart's limits, signals and one verdict per month, with the method named for the chart."""

    method: str
    polarity: Polarity
    values: tuple[float, ...]  # as measured: the scale the chart shows
    tested: tuple[float, ...]  # the scale the rules ran on (seasonally adjusted, or the values)
    segments: tuple[Segment, ...]
    limits: tuple[Limits | None, ...]  # per point, display scale; None where no limits
    signals: tuple[Signal, ...]
    verdicts: tuple[MonthVerdict, ...]
    warnings: tuple[str, ...] = ()
    note: str | None = None  # why the chart could not be drawn at all
    seasonal: SeasonalIndex | None = None

    def segment_at(self, i: int) -> Segment | None:
        """The segment a point belongs to (None when the chart has none)."""
        return next((s for s in self.segments if s.start <= i < s.stop), None)

    def signals_at(self, i: int) -> list[Signal]:
        """Every rule that fired at one point."""
        return [s for s in self.signals if s.index == i]

    def summary(self) -> SpcSummary:
        """Count months by class."""
        cats = [v.category for v in self.verdicts]
        return SpcSummary(
            months=len(cats),
            common_cause=cats.count("common cause"),
            improvement=cats.count("special cause improvement"),
            concern=cats.count("special cause concern"),
            neither=cats.count("special cause neither"),
            no_limits=cats.count("no limits"),
        )

    @property
    def latest(self) -> MonthVerdict | None:
        """The last month's verdict: what the variation icon shows."""
        return self.verdicts[-1] if self.verdicts else None


# --- Building blocks -------------------------------------------------------------------------


def _breaks(n: int, rebase_at: int | Sequence[int] | None) -> list[int]:
    """Segment boundaries: 0, each break inside the series, n."""
    if rebase_at is None:
        inner: list[int] = []
    elif isinstance(rebase_at, int):
        inner = [rebase_at]
    else:
        inner = list(rebase_at)
    return [0, *sorted({b for b in inner if 0 < b < n}), n]


def mean_moving_range(values: Sequence[float]) -> float:
    """Mean moving range after screening out ranges at or above 3.267 × the first mean."""
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    if not ranges:
        return 0.0
    first = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < MR_SCREEN * first] or ranges
    return sum(kept) / len(kept)


def _meaning(direction: Direction, polarity: Polarity) -> str:
    if polarity == "neutral":
        return "neither"
    good = "low" if polarity == "lower_is_better" else "high"
    return "improvement" if direction == good else "concern"


def _baseline(k: int, start: int, stop: int, baseline: tuple[int, int] | None) -> tuple[int, int]:
    """The baseline a segment's limits come from: the one given (first segment) or all of it."""
    if k == 0 and baseline is not None:
        return max(start, baseline[0]), min(stop, baseline[1])
    return start, stop


def _short_note(k: int, n_points: int, n_base: int) -> str | None:
    if n_points < MIN_POINTS:
        where = "since the break" if k > 0 else "in the series"
        return f"not enough data {where}: {n_points} points, and limits need {MIN_POINTS}"
    if n_base < MIN_POINTS:
        return f"not enough data in the baseline: {n_base} points, and limits need {MIN_POINTS}"
    return None


def _xmr_segments(
    tested: Sequence[float], breaks: list[int], baseline: tuple[int, int] | None
) -> tuple[list[Segment], list[str]]:
    segments: list[Segment] = []
    warnings: list[str] = []
    for k, (start, stop) in enumerate(itertools.pairwise(breaks)):
        b_start, b_stop = _baseline(k, start, stop, baseline)
        note = _short_note(k, stop - start, max(0, b_stop - b_start))
        if note:
            segments.append(Segment(start, stop, b_start, b_stop, None, None, None, note))
            continue
        base = tested[b_start:b_stop]
        mr = mean_moving_range(base)
        if mr == 0:
            warnings.append(
                f"Every baseline point of points {b_start + 1}-{b_stop} is the same: the limits "
                "sit on the centre."
            )
        centre = sum(base) / len(base)
        segments.append(Segment(start, stop, b_start, b_stop, centre, SIGMA_PER_MR * mr, mr))
    return segments, warnings


def _segment_signals(
    tested: Sequence[float],
    seg: Segment,
    lo3: Sequence[float],
    hi3: Sequence[float],
    lo2: Sequence[float],
    hi2: Sequence[float],
    polarity: Polarity,
) -> list[Signal]:
    """The four Making Data Count rules inside one segment (signals never run across a break)."""
    found: dict[tuple[int, str, str], Signal] = {}
    centre = seg.centre

    def add(i: int, rule: str, direction: Direction) -> None:
        found[(i, rule, direction)] = Signal(i, rule, direction, _meaning(direction, polarity))

    idx = range(seg.start, seg.stop)
    for i in idx:
        if tested[i] > hi3[i]:
            add(i, OUTSIDE, "high")
        elif tested[i] < lo3[i]:
            add(i, OUTSIDE, "low")
    # Shift: RUN_LENGTH or more in a row on one side of the centre. A point on the centre neither
    # counts nor breaks the run; one between counted points is part of it.
    for side, sign in (("high", 1), ("low", -1)):
        run: list[int] = []
        for i in [*idx, None]:
            if i is not None:
                d = sign * (tested[i] - centre)
                if d == 0:
                    continue
                if d > 0:
                    run.append(i)
                    continue
            if len(run) >= RUN_LENGTH:
                for j in range(run[0], run[-1] + 1):
                    add(j, SHIFT, side)  # type: ignore[arg-type]
            run = []
    # Trend: RUN_LENGTH or more distinct values each higher (or lower) than the one before; a
    # repeated value neither counts nor breaks it. A trend runs from the last repeat of its first
    # value to the first of its last, and a turning point belongs to the trend that reaches it.
    groups: list[tuple[int, int]] = []  # (first, last) index of each stretch of equal values
    for i in idx:
        if groups and tested[i] == tested[groups[-1][0]]:
            groups[-1] = (groups[-1][0], i)
        else:
            groups.append((i, i))
    trends: list[tuple[int, int, Direction]] = []
    for side, sign in (("high", 1), ("low", -1)):
        steps = groups[:1]
        for g in [*groups[1:], None]:
            if g is not None and sign * (tested[g[0]] - tested[steps[-1][0]]) > 0:
                steps.append(g)
                continue
            if len(steps) >= RUN_LENGTH:
                trends.append((steps[0][1], steps[-1][0], side))  # type: ignore[arg-type]
            steps = [g] if g is not None else []
    ends: set[int] = set()
    for first, last, side in sorted(trends):
        for j in range(first + (first in ends), last + 1):
            add(j, TREND, side)
        ends.add(last)
    # Two of three consecutive points beyond the same 2-sigma limit: those beyond are flagged.
    for first in range(seg.start, seg.stop - 2):
        window = range(first, first + 3)
        high = [i for i in window if tested[i] > hi2[i]]
        low = [i for i in window if tested[i] < lo2[i]]
        for side, beyond in (("high", high), ("low", low)):
            if len(beyond) >= 2:
                for j in beyond:
                    add(j, TWO_OF_THREE, side)  # type: ignore[arg-type]
    return list(found.values())


def _category(direction: Direction, polarity: Polarity) -> Category:
    meaning = _meaning(direction, polarity)
    return {
        "improvement": "special cause improvement",
        "concern": "special cause concern",
        "neither": "special cause neither",
    }[meaning]  # type: ignore[return-value]


def _classify(
    segments: Sequence[Segment],
    signals: Sequence[Signal],
    polarity: Polarity,
) -> list[MonthVerdict]:
    """Exactly one class per month: the highest-priority rule that fired decides."""
    verdicts: list[MonthVerdict] = []
    for seg in segments:
        for i in range(seg.start, seg.stop):
            if not seg.has_limits:
                verdicts.append(MonthVerdict(i, "no limits", note=seg.note))
                continue
            here = [s for s in signals if s.index == i]
            if not here:
                verdicts.append(MonthVerdict(i, "common cause"))
                continue
            rule = min((s.rule for s in here), key=RULE_PRIORITY.index)
            # One direction per rule and month: a point cannot be beyond both limits, on both
            # sides of the centre, or (turning points going to the trend that reaches them) in
            # two trends.
            direction = next(s.direction for s in here if s.rule == rule)
            chosen = _meaning(direction, polarity)
            others = [s for s in here if (s.rule, s.direction) != (rule, direction)]
            verdicts.append(
                MonthVerdict(
                    i,
                    _category(direction, polarity),
                    direction,
                    rule,
                    agreeing=tuple(s.text for s in others if s.meaning == chosen),
                    overridden=tuple(s.text for s in others if s.meaning != chosen),
                )
            )
    return verdicts


def _assemble(
    method: str,
    polarity: Polarity,
    values: Sequence[float],
    tested: Sequence[float],
    segments: list[Segment],
    lo3: Sequence[float],
    hi3: Sequence[float],
    lo2: Sequence[float],
    hi2: Sequence[float],
    centre: Sequence[float],
    to_display: Sequence[float],
    warnings: list[str],
    seasonal: SeasonalIndex | None = None,
) -> SpcResult:
    """Signals and verdicts from per-point limits on the tested scale; limits mapped for display."""
    signals: list[Signal] = []
    limits: list[Limits | None] = []
    for seg in segments:
        if seg.has_limits:
            signals += _segment_signals(tested, seg, lo3, hi3, lo2, hi2, polarity)
        for i in range(seg.start, seg.stop):
            f = to_display[i]
            limits.append(
                Limits(*(float(x[i] * f) for x in (lo3, centre, hi3, lo2, hi2)))
                if seg.has_limits
                else None
            )
    signals.sort(key=lambda s: (s.index, RULE_PRIORITY.index(s.rule), s.direction))
    verdicts = _classify(segments, signals, polarity)
    return SpcResult(
        method=method,
        polarity=polarity,
        values=tuple(float(v) for v in values),
        tested=tuple(float(v) for v in tested),
        segments=tuple(segments),
        limits=tuple(limits),
        signals=tuple(signals),
        verdicts=tuple(verdicts),
        warnings=tuple(warnings),
        seasonal=seasonal,
    )


def _constant_limits(n: int, segments: Sequence[Segment]) -> tuple[list[float], ...]:
    """Per-point (lo3, hi3, lo2, hi2, centre) from each segment's centre and sigma (NaN if none)."""
    out = [[math.nan] * n for _ in range(5)]
    for seg in segments:
        if not seg.has_limits:
            continue
        c, s = seg.centre, seg.sigma
        for i in range(seg.start, seg.stop):
            out[0][i], out[1][i] = c - 3 * s, c + 3 * s  # type: ignore[operator]
            out[2][i], out[3][i] = c - 2 * s, c + 2 * s  # type: ignore[operator]
            out[4][i] = c  # type: ignore[assignment]
    return tuple(out)


def _empty(method: str, polarity: Polarity, values: Sequence[float], note: str) -> SpcResult:
    """A result that draws no limits and says why: never a silent fallback to another method."""
    n = len(values)
    seg = Segment(0, n, 0, n, None, None, None, note)
    return SpcResult(
        method=method,
        polarity=polarity,
        values=tuple(float(v) for v in values),
        tested=tuple(float(v) for v in values),
        segments=(seg,) if n else (),
        limits=(None,) * n,
        signals=(),
        verdicts=tuple(MonthVerdict(i, "no limits", note=note) for i in range(n)),
        note=note,
    )


# --- Charts ----------------------------------------------------------------------------------


def xmr(
    values: Sequence[float],
    polarity: Polarity = "lower_is_better",
    baseline: tuple[int, int] | None = None,
    rebase_at: int | Sequence[int] | None = None,
) -> SpcResult:
    """XmR chart: centre, limits and one verdict per month, rebased at any breaks given.

    baseline: (start, stop) indices whose mean and moving range set the first segment's limits
    (default: every point before the first break). Each later segment takes its limits from its
    own points. A segment with fewer than 12 points (or a baseline of fewer) gets no limits.
    """
    values = [float(v) for v in values]
    if not values:
        return _empty("XmR", polarity, values, "no data points")
    segments, warnings = _xmr_segments(values, _breaks(len(values), rebase_at), baseline)
    lo3, hi3, lo2, hi2, centre = _constant_limits(len(values), segments)
    ones = [1.0] * len(values)
    return _assemble(
        "XmR", polarity, values, values, segments, lo3, hi3, lo2, hi2, centre, ones, warnings
    )


def seasonal_xmr(
    values: Sequence[float],
    months: Sequence[dt.date],
    polarity: Polarity = "lower_is_better",
    baseline: tuple[int, int] | None = None,
    rebase_at: int | Sequence[int] | None = None,
) -> SpcResult:
    """XmR on seasonally adjusted values, limits mapped back to each month's own scale for display.

    The seasonal index (a factor per calendar month) comes from the baseline only (default: every
    month before the first break) and needs at least 24 baseline months; with fewer, no chart is
    drawn and `note` says why: plain XmR on seasonal counts would flag the seasons themselves.
    The rules run on the adjusted values, so a summer peak is neither a shift nor a trend.
    """
    values = [float(v) for v in values]
    n = len(values)
    plain = "XmR on seasonally adjusted values"
    if len(months) != n:
        raise ValueError("values and months differ in length")
    if n == 0:
        return _empty(plain, polarity, values, "no data points")
    if not consecutive(months):
        return _empty(plain, polarity, values, "the months are not consecutive")
    breaks = _breaks(n, rebase_at)
    b_start, b_stop = _baseline(0, 0, breaks[1], baseline)
    try:
        index = seasonal_index(values, months, (b_start, b_stop))
    except ValueError as err:
        return _empty(
            plain,
            polarity,
            values,
            f"no seasonal adjustment: {err}. Plain XmR is not shown instead, because on "
            "seasonal counts it flags the seasons",
        )
    factors = [index.factor(m) for m in months]
    adjusted = [v / f for v, f in zip(values, factors, strict=True)]
    segments, warnings = _xmr_segments(adjusted, breaks, baseline)
    lo3, hi3, lo2, hi2, centre = _constant_limits(n, segments)
    method = f"{plain} (seasonal index from {index.label})"
    if index.months_used < 2 * MIN_SEASONAL_BASELINE:
        warnings.append(
            f"The seasonal index rests on {index.months_used} months: each calendar month's factor "
            f"from {index.months_used // 12} years."
        )
    return _assemble(
        method,
        polarity,
        values,
        adjusted,
        segments,
        lo3,
        hi3,
        lo2,
        hi2,
        centre,
        factors,
        warnings,
        seasonal=index,
    )


def laney_p_prime(
    successes: Sequence[float],
    totals: Sequence[float],
    polarity: Polarity = "neutral",
    baseline: tuple[int, int] | None = None,
    rebase_at: int | Sequence[int] | None = None,
    *,
    floor_at_binomial: bool = True,
) -> SpcResult:
    """Laney p′ chart of proportions with large denominators, with limits for each point.

    Centre p̄ = Σx/Σn over the baseline; z_i = (p_i − p̄)/√(p̄(1−p̄)/n_i); σ_z from the screened
    mean moving range of the baseline z-scores (× 2.66/3, as the XmR); limits
    p̄ ± 3·σ_z·√(p̄(1−p̄)/n_i), clipped to [0, 1]. With floor_at_binomial, σ_z is at least 1:
    month-to-month variation smaller than binomial sampling noise is not real (smoothed or
    modelled data), and limits narrower than a p chart's would flag that noise. Values are
    proportions (0-1).
    """
    x = np.asarray(successes, dtype=float)
    n_ = np.asarray(totals, dtype=float)
    if x.shape != n_.shape:
        raise ValueError("successes and totals differ in length")
    if np.any(n_ <= 0) or np.any(x < 0) or np.any(x > n_):
        raise ValueError("each month needs a positive total and 0 <= successes <= total")
    p = x / n_ if len(x) else x
    method = "Laney p′ chart"
    if len(p) == 0:
        return _empty(method, polarity, [], "no data points")
    npts = len(p)
    lo3, hi3, lo2, hi2, centre = ([math.nan] * npts for _ in range(5))
    segments: list[Segment] = []
    warnings: list[str] = []
    for k, (start, stop) in enumerate(itertools.pairwise(_breaks(npts, rebase_at))):
        b_start, b_stop = _baseline(k, start, stop, baseline)
        note = _short_note(k, stop - start, max(0, b_stop - b_start))
        pbar = float(x[b_start:b_stop].sum() / n_[b_start:b_stop].sum()) if not note else math.nan
        if pbar in (0.0, 1.0):
            note = f"every baseline month is {pbar:.0%}: no binomial spread to scale"
        if note:
            segments.append(Segment(start, stop, b_start, b_stop, None, None, None, note))
            continue
        sd = np.sqrt(pbar * (1 - pbar) / n_)
        z = (p[b_start:b_stop] - pbar) / sd[b_start:b_stop]
        mr = mean_moving_range([float(v) for v in z])
        sigma_z = SIGMA_PER_MR * mr
        if floor_at_binomial and sigma_z < 1:
            warnings.append(
                f"Points {start + 1}-{stop}: month-to-month variation is below binomial sampling "
                f"noise (σz = {sigma_z:.2f}), so the limits are a p chart's (σz = 1)."
            )
            sigma_z = 1.0
        for i in range(start, stop):
            s = sigma_z * sd[i]
            lo3[i], hi3[i] = max(0.0, pbar - 3 * s), min(1.0, pbar + 3 * s)
            lo2[i], hi2[i] = max(0.0, pbar - 2 * s), min(1.0, pbar + 2 * s)
            centre[i] = pbar
        mean_sd = math.sqrt(pbar * (1 - pbar) / float(n_[start:stop].mean()))
        segments.append(
            Segment(start, stop, b_start, b_stop, pbar, sigma_z * mean_sd, mr, sigma_z=sigma_z)
        )
    ones = [1.0] * npts
    return _assemble(
        method, polarity, list(p), list(p), segments, lo3, hi3, lo2, hi2, centre, ones, warnings
    )


# --- Making Data Count icons as data ----------------------------------------------------------


@dataclass(frozen=True)
class VariationIcon:
    """The Making Data Count variation icon for one month, with its text equivalent."""

    code: str  # common_cause | improvement_high | improvement_low | concern_high | concern_low |
    # neither_high | neither_low | none
    label: str  # short: "Special cause concern (high)"
    text: str  # a full sentence for screen readers and tables
    index: int | None = None  # the month it describes


@dataclass(frozen=True)
class AssuranceIcon:
    """The Making Data Count assurance icon: will the process meet its target?"""

    code: str  # consistently_pass | consistently_fail | hit_and_miss | none
    label: str
    text: str


VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement (high)",
    "improvement_low": "Special cause improvement (low)",
    "concern_high": "Special cause concern (high)",
    "concern_low": "Special cause concern (low)",
    "neither_high": "Special cause variation, neither better nor worse (high)",
    "neither_low": "Special cause variation, neither better nor worse (low)",
    "none": "No variation icon",
}


def variation_icon(result: SpcResult, index: int | None = None) -> VariationIcon:
    """The variation icon for the latest month (or the month at `index`)."""
    if not result.verdicts:
        return VariationIcon("none", VARIATION_LABELS["none"], "No variation icon: no data.")
    i = len(result.verdicts) - 1 if index is None else index
    v = result.verdicts[i]
    if v.category == "no limits":
        return VariationIcon("none", VARIATION_LABELS["none"], f"No variation icon: {v.note}.", i)
    if v.category == "common cause":
        return VariationIcon(
            "common_cause",
            VARIATION_LABELS["common_cause"],
            "Common cause variation: no rule fired; the latest month is within what the process "
            "usually gives.",
            i,
        )
    kind = v.category.removeprefix("special cause ")
    code = f"{kind}_{v.direction}"
    return VariationIcon(code, VARIATION_LABELS[code], f"{VARIATION_LABELS[code]}: {v.reason}.", i)


def assurance_icon(
    segment: Segment | None,
    target: float | None,
    direction: Literal["increase", "decrease"],
) -> AssuranceIcon:
    """Where the target sits against the segment's limits (on the scale the rules ran on).

    A target beyond the limits on the good side is consistently passed, beyond them on the bad
    side consistently failed; on or inside them, hit and miss. For the seasonal XmR the limits are
    on the seasonally adjusted scale: compare an annual target's monthly equivalent (÷ 12).
    """
    if segment is None or not segment.has_limits:
        reason = segment.note if segment is not None else "no segment"
        return AssuranceIcon("none", "No assurance icon", f"No assurance icon: {reason}.")
    if target is None or not math.isfinite(target):
        return AssuranceIcon("none", "No assurance icon", "No assurance icon: no target is set.")
    upper, lower = segment.upper, segment.lower
    assert upper is not None and lower is not None
    above, below = target > upper, target < lower
    if direction == "decrease":
        passing, failing = above, below
    else:
        passing, failing = below, above
    where = f"target {target:,.4g} against limits {lower:,.4g} to {upper:,.4g}"
    if passing:
        return AssuranceIcon(
            "consistently_pass",
            "Consistently passing",
            f"Consistently passing: the {where} lies beyond them on the good side, so the process "
            "will meet it month after month unless it changes.",
        )
    if failing:
        return AssuranceIcon(
            "consistently_fail",
            "Consistently failing",
            f"Consistently failing: the {where} lies beyond them on the wrong side, so the process "
            "will not meet it unless it changes.",
        )
    return AssuranceIcon(
        "hit_and_miss",
        "Hit and miss",
        f"Hit and miss: the {where} lies within them, so some months will meet it and some not.",
    )

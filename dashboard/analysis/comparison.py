"""Comparisons a board reads as verdicts: against peers (funnel), against last year, survey CIs.

Counts of incidents vary more than Poisson chance allows (overdispersion: weather, recording,
events), so both tests here estimate that extra variation from the data instead of assuming it
away; a Poisson test on 50,000 incidents calls a 1.3% change "significant".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))  # 1.96
Z998 = float(stats.norm.ppf(0.999))  # 3.09
WINSOR = 0.10  # Spiegelhalter (2005): winsorise the z-scores at their 10th and 90th percentiles
MONTHS_FOR_CHANGE_TEST = 24

Adjustment = Literal["multiplicative", "additive", "none"]


# --- Funnel plot with an overdispersion adjustment --------------------------------------------


@dataclass(frozen=True)
class FunnelUnit:
    """One area on the funnel: its rate, z-scores and which limits it falls outside."""

    count: float
    population: float
    rate: float  # per `per` people
    z: float  # Poisson z-score against the target
    z_adjusted: float  # z / √φ (multiplicative) or against √(s² + τ²) (additive); = z if none
    outside_95: Literal["high", "low", "within"]
    outside_998: Literal["high", "low", "within"]


@dataclass(frozen=True)
class Funnel:
    """Funnel limits for a rate, widened for spread between areas that chance does not explain."""

    target: float  # rate per `per`: the weighted average Σcounts / Σpopulation unless given
    per: float
    phi: float  # dispersion ratio from the winsorised z-scores (1 = Poisson)
    tau2: float  # additive between-area variance on the rate scale (0 unless additive)
    adjustment: Adjustment  # what was used: "none" when φ ≤ 1 or when asked for none
    requested: Adjustment
    units: tuple[FunnelUnit, ...]

    def limits(self, population: float, z: float) -> tuple[float, float]:
        """Lower and upper limit (rate per `per`) at any population, for z = Z95 or Z998."""
        expected = self.target * population / self.per
        if self.adjustment == "none":
            # Exact Poisson quantiles: right for small areas where the normal curve is not.
            q = float(stats.norm.cdf(z))
            low = float(stats.poisson.ppf(1 - q, expected))
            high = float(stats.poisson.ppf(q, expected))
            return self.per * low / population, self.per * high / population
        se = math.sqrt(self.target * self.per / population)
        if self.adjustment == "multiplicative":
            spread = se * math.sqrt(self.phi)
        else:
            spread = math.sqrt(se * se + self.tau2)
        return max(0.0, self.target - z * spread), self.target + z * spread

    @property
    def method(self) -> str:
        """The adjustment in words, for the chart's caption."""
        if self.adjustment == "none":
            why = (
                "no overdispersion adjustment asked for"
                if self.requested == "none"
                else f"no adjustment needed: φ = {self.phi:.2f} is no more spread than chance"
            )
            return f"Poisson funnel limits (exact), {why}"
        how = (
            f"limits widened by √φ, φ = {self.phi:,.1f}"
            if self.adjustment == "multiplicative"
            else f"between-area variance τ² = {self.tau2:.3g} added (φ = {self.phi:,.1f})"
        )
        return (
            "Funnel limits adjusted for overdispersion (Spiegelhalter 2005; φ from z-scores "
            f"winsorised at 10%): {how}"
        )


def _outside(value: float, lo: float, hi: float) -> Literal["high", "low", "within"]:
    return "high" if value > hi else "low" if value < lo else "within"


def winsorised_phi(z: Sequence[float], fraction: float = WINSOR) -> float:
    """Mean squared z-score after pulling the top and bottom 10% in to the 10th/90th percentiles."""
    arr = np.asarray(z, dtype=float)
    lo, hi = np.quantile(arr, [fraction, 1 - fraction])
    return float(np.mean(np.clip(arr, lo, hi) ** 2))


def overdispersed_funnel(
    counts: Sequence[float],
    populations: Sequence[float],
    *,
    per: float = 1000.0,
    target: float | None = None,
    adjustment: Adjustment = "multiplicative",
) -> Funnel:
    """Funnel plot of rates with Spiegelhalter's (2005) overdispersion adjustment, as OHID's.

    z_i = (O_i − E_i)/√E_i with E_i = target × population_i; φ = mean of the z² after winsorising
    at 10%. When φ > 1, "multiplicative" widens the limits by √φ (the default, as OHID/PHE funnel
    tools); "additive" adds a between-area variance τ² (DerSimonian-Laird, as PowerBI-Funnels),
    which suits a spread that does not shrink with size. With φ ≤ 1 the exact Poisson limits hold.
    """
    o = np.asarray(counts, dtype=float)
    pop = np.asarray(populations, dtype=float)
    if o.shape != pop.shape or len(o) < 2:
        raise ValueError("need a count and a population for at least two areas")
    if np.any(pop <= 0) or np.any(o < 0):
        raise ValueError("populations must be positive and counts non-negative")
    theta = float(o.sum() / pop.sum() * per) if target is None else float(target)
    expected = theta * pop / per
    z = (o - expected) / np.sqrt(expected)
    phi = winsorised_phi(z)
    used: Adjustment = adjustment if phi > 1 else "none"
    tau2 = 0.0
    se = np.sqrt(theta * per / pop)
    if used == "additive":
        w = 1 / se**2
        tau2 = max(0.0, (len(o) * phi - (len(o) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    rate = o / pop * per
    if used == "multiplicative":
        z_adj = z / math.sqrt(phi)
    elif used == "additive":
        z_adj = (rate - theta) / np.sqrt(se**2 + tau2)
    else:
        z_adj = z
    funnel = Funnel(theta, per, phi, tau2, used, adjustment, ())
    units = []
    for i in range(len(o)):
        lo95, hi95 = funnel.limits(float(pop[i]), Z95)
        lo998, hi998 = funnel.limits(float(pop[i]), Z998)
        units.append(
            FunnelUnit(
                float(o[i]),
                float(pop[i]),
                float(rate[i]),
                float(z[i]),
                float(z_adj[i]),
                _outside(float(rate[i]), lo95, hi95),
                _outside(float(rate[i]), lo998, hi998),
            )
        )
    return Funnel(theta, per, phi, tau2, used, adjustment, tuple(units))


# --- Year-on-year change -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeTest:
    """A year-on-year change in a count and whether it is more than month-to-month noise."""

    current: float  # the latest 12 months' total
    previous: float  # the 12 before
    ratio: float | None  # current / previous
    t: float | None  # Wald statistic for the year effect on the log scale
    df: int | None
    p: float | None
    phi: float | None  # dispersion used (≥ 1)
    significant: bool | None  # None when the data cannot support the test
    modelled: bool = False
    note: str | None = None

    @property
    def wording(self) -> str:
        """The verdict in words, naming the test, and saying so when the data are modelled."""
        suffix = "; on modelled data" if self.modelled else ""
        if self.significant is None:
            return f"change not tested: {self.note}{' (on modelled data)' if self.modelled else ''}"
        assert self.p is not None  # tested, so it has a p-value
        p = "p\u00a0<\u00a00.001" if self.p < 0.001 else f"p = {self.p:.2g}"  # kept on one line
        test = (
            f"quasi-Poisson test allowing for month-to-month overdispersion, φ = {self.phi:.1f}, "
            f"{p}{suffix}"
        )
        if self.significant:
            return f"a significant change ({test})"
        return f"not a significant change ({test})"


def quasi_poisson_change_test(
    monthly: Sequence[float], *, modelled: bool = False, alpha: float = 0.05
) -> ChangeTest:
    """Test the last 12 months' total against the 12 before, allowing for overdispersion.

    `monthly` holds at least 24 consecutive monthly counts, oldest first; the last 24 are used.
    Model: a quasi-Poisson GLM, log E[y] = calendar month + year, on those 24 months. Its Pearson
    χ²/11 estimates φ from how far each month strays from its calendar month's share (floored at
    1: never less spread than Poisson), and t = log(current/previous)/√(φ(1/current +
    1/previous)) is referred to t with 11 df. The months compared are the only data it needs.
    """
    y = np.asarray(monthly, dtype=float)[-MONTHS_FOR_CHANGE_TEST:]
    if len(y) < MONTHS_FOR_CHANGE_TEST or not np.all(np.isfinite(y)) or np.any(y < 0):
        why = f"needs {MONTHS_FOR_CHANGE_TEST} consecutive months of counts"
        return ChangeTest(math.nan, math.nan, None, None, None, None, None, None, modelled, why)
    prev, cur = y[:12], y[12:]
    a, b = float(prev.sum()), float(cur.sum())
    if a <= 0 or b <= 0:
        return ChangeTest(
            b, a, None, None, None, None, None, None, modelled, "a year with no incidents"
        )
    # Fitted values of the month + year model in closed form: each calendar month's pair total
    # split in the ratio of the two years' totals.
    pair = prev + cur
    mu_prev, mu_cur = pair * a / (a + b), pair * b / (a + b)
    keep = pair > 0
    chi2 = float(
        (((prev - mu_prev) ** 2 / mu_prev)[keep]).sum()
        + (((cur - mu_cur) ** 2 / mu_cur)[keep]).sum()
    )
    df = MONTHS_FOR_CHANGE_TEST - 13
    phi = max(1.0, chi2 / df)
    t = math.log(b / a) / math.sqrt(phi * (1 / a + 1 / b))
    p = float(2 * stats.t.sf(abs(t), df))
    return ChangeTest(b, a, b / a, t, df, p, phi, p < alpha, modelled)


# --- Survey percentages ------------------------------------------------------------------------


def wilson_interval(pct: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval (95% by default) for a survey percentage with base n, in percent.

    The one interval for survey results on every page: unlike the Wald interval it stays inside
    0-100% and keeps its coverage for small bases and extreme percentages.
    """
    if n <= 0:
        raise ValueError("the base n must be positive")
    if not 0 <= pct <= 100:
        raise ValueError("a percentage lies between 0 and 100")
    p = pct / 100
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)

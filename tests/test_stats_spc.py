"""SPC, rolling sums, ranks and forecasts on hand-checked series."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest

from dashboard.analysis.comparison import overdispersed_funnel, wilson_interval
from dashboard.analysis.forecast import forecast_monthly
from dashboard.analysis.spc import assurance_icon, xmr
from dashboard.analysis.stats import rank_with_ties, rolling_sum, weighted_average_rate
from dashboard.core.periods import add_months

# Hand-checked: mean 10; moving ranges 2,2,2,2,2,... mean 2; limits 10 +/- 5.32.
FLAT = [9, 11] * 6


def test_spc001_limits_by_hand():
    result = xmr(FLAT)
    (seg,) = result.segments
    assert seg.centre == 10 and seg.mean_mr == 2
    assert seg.upper == pytest.approx(15.32) and seg.lower == pytest.approx(4.68)
    assert result.signals == () and result.warnings == ()


def test_spc002_point_outside_limits_is_concern_for_lower_is_better():
    values = [*FLAT, 30]
    result = xmr(values, baseline=(0, 12))
    assert [(s.index, s.rule, s.meaning) for s in result.signals] == [
        (12, "outside limits", "concern")
    ]
    low = xmr([*FLAT, -5], baseline=(0, 12))
    assert low.signals_at(12)[0].meaning == "improvement"
    assert (
        xmr([*FLAT, -5], polarity="higher_is_better", baseline=(0, 12)).signals_at(12)[0].meaning
        == "concern"
    )


def test_spc003_screening_of_large_moving_ranges():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 60, 10]
    # Ranges: 1 x10, then 50, 50. First mean = 120/12 = 10; 3.267 x 10 = 32.67 screens both 50s.
    assert xmr(values).segments[0].mean_mr == pytest.approx(1.0)


def test_spc004_run_of_seven_on_one_side():
    values = [*FLAT, 11, 12, 11, 12, 11, 12, 11]
    result = xmr(values, baseline=(0, 12))
    runs = [s.index for s in result.signals if s.rule == "run of 7 on one side"]
    # 12 is run [.., 11(i=11)] joined: i=11 value 11 > 10 starts the run of 8.
    assert runs == list(range(11, 19))
    assert {s.meaning for s in result.signals if s.rule.startswith("run")} == {"concern"}


def test_spc005_trend_of_seven():
    values = [*FLAT, 4.8, 5, 6, 7, 8, 9, 10]
    result = xmr(values, baseline=(0, 12))
    trend = [s.index for s in result.signals if s.rule == "trend of 7"]
    assert trend == list(range(12, 19))
    assert {s.direction for s in result.signals if s.rule == "trend of 7"} == {"high"}


def test_spc006_two_of_three_beyond_two_sigma():
    # 2 sigma = 10 + 2/3 * 5.32 = 13.55
    values = [*FLAT, 14, 10, 14]
    result = xmr(values, baseline=(0, 12))
    assert [s.index for s in result.signals if s.rule == "2 of 3 beyond 2 sigma"] == [12, 14]


def test_spc007_too_few_points_give_no_limits():
    """Fewer than 12 points: no limits, no signals (it used to draw "provisional" limits)."""
    result = xmr([5, 5, 5, 5])
    (seg,) = result.segments
    assert not seg.has_limits and seg.upper is None
    assert result.signals == () and result.limits == (None,) * 4
    assert "not enough data" in seg.note
    assert xmr([]).note == "no data points"


def test_spc008_rebase_at_a_break():
    values = [*FLAT, *[v + 20 for v in FLAT]]
    plain = xmr(values)
    assert any(s.rule == "run of 7 on one side" for s in plain.signals)
    rebased = xmr(values, rebase_at=12)
    assert [s.centre for s in rebased.segments] == [10, 30]
    assert rebased.signals == ()  # each period is stable around its own mean
    limits = rebased.limits[12]
    assert (limits.lower, limits.centre, limits.upper) == pytest.approx((30 - 5.32, 30, 30 + 5.32))


def test_spc009_assurance_against_a_target():
    (seg,) = xmr(FLAT).segments  # limits 4.68 .. 15.32
    assert assurance_icon(seg, 20, "decrease").code == "consistently_pass"
    assert assurance_icon(seg, 3, "decrease").code == "consistently_fail"
    assert assurance_icon(seg, 10, "decrease").code == "hit_and_miss"
    assert assurance_icon(seg, 3, "increase").code == "consistently_pass"
    (short,) = xmr(FLAT[:11]).segments
    assert assurance_icon(short, 20, "decrease").code == "none"  # 11 points: no assurance


def test_rol001_rolling_sum_refuses_gaps():
    months = [add_months(dt.date(2020, 1, 1), i) for i in range(14)]
    values = list(range(1, 15))
    totals = rolling_sum(months, values)
    assert totals[:11] == [None] * 11
    assert totals[11] == sum(range(1, 13)) and totals[13] == sum(range(3, 15))
    gappy = months[:5] + months[6:]  # June 2020 missing
    assert rolling_sum(gappy, values[:13]) == [None] * 13


def test_rnk001_ranks_ties_and_polarity():
    assert rank_with_ties([3.0, 1.0, 3.0, 2.0]) == [3, 1, 3, 2]
    assert rank_with_ties([3.0, 1.0, 3.0, 2.0], "higher_is_better") == [1, 4, 1, 3]
    assert weighted_average_rate([10, 30], [1000, 3000]) == 10.0


def test_ci001_wilson_and_funnel():
    low, high = wilson_interval(50, 400)
    assert low == pytest.approx(45.1, abs=0.1) and high == pytest.approx(54.9, abs=0.1)
    # Areas exactly on the average: no overdispersion, so the exact Poisson limits hold.
    funnel = overdispersed_funnel([25_000, 50_000], [1_000_000, 2_000_000])
    assert funnel.adjustment == "none" and funnel.target == pytest.approx(25.0)
    lo, hi = funnel.limits(1_000_000, 1.96)
    # Count 25,000 has a Poisson sd of sqrt(25,000); as a rate per 1,000 of 1,000,000 people:
    assert lo < 25 < hi and hi - 25 == pytest.approx(1.96 * math.sqrt(25_000) / 1000, rel=0.05)


def test_fc001_forecast_follows_a_seasonal_series():
    months = [add_months(dt.date(2015, 4, 1), i) for i in range(72)]
    season = [100 * math.sin(2 * math.pi * (m.month - 4) / 12) for m in months]
    values = [1000 + s for s in season]
    fc = forecast_monthly(months, values, horizon=24)
    assert list(fc.frame.columns) == ["month", "mean", "lo80", "hi80", "lo95", "hi95"]
    assert len(fc.frame) == 24 and fc.frame["month"].iloc[0] == dt.date(2021, 4, 1)
    expected = [1000 + 100 * math.sin(2 * math.pi * (m.month - 4) / 12) for m in fc.frame["month"]]
    assert np.abs(fc.frame["mean"] - expected).max() < 15
    assert (fc.frame["lo95"] <= fc.frame["lo80"]).all()
    assert (fc.frame["lo80"] <= fc.frame["hi80"]).all()
    assert (fc.frame["hi80"] <= fc.frame["hi95"]).all()
    assert forecast_monthly(months[:20], values[:20]) is None


def test_map001_bands_cover_every_count_once():
    from dashboard.builders.figures import map_classes

    counts = [0, 0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 40, 220]
    bands = map_classes(counts)
    assert bands[0] == (0, 0) and bands[-1][1] == 220 and len(bands) <= 5
    for (_, hi), (lo, _) in itertools.pairwise(bands):
        assert lo == hi + 1  # contiguous, no gaps or overlaps
    assert all(sum(lo <= c <= hi for lo, hi in bands) == 1 for c in counts)
    assert map_classes([0, 0]) == [(0, 0)]
    assert map_classes([7, 7, 7]) == [(7, 7)]

"""Statistics behind every verdict the dashboard gives: pure functions, no database, Dash or Flask.

`spc` classes each month by NHS England's Making Data Count rules (XmR, seasonal XmR, Laney p′)
and gives the variation and assurance icons; `comparison` tests one area against others (funnel)
and one year against the last (quasi-Poisson), and gives the one Wilson interval; `seasonal`
estimates the seasonal index both lean on. Methods and measured error rates: docs/methods.md.
"""

from dashboard.analysis.comparison import (
    ChangeTest,
    Funnel,
    FunnelUnit,
    overdispersed_funnel,
    quasi_poisson_change_test,
    wilson_interval,
)
from dashboard.analysis.seasonal import SeasonalIndex, seasonal_index
from dashboard.analysis.spc import (
    AssuranceIcon,
    Limits,
    MonthVerdict,
    Segment,
    Signal,
    SpcResult,
    SpcSummary,
    VariationIcon,
    assurance_icon,
    laney_p_prime,
    seasonal_xmr,
    variation_icon,
    xmr,
)

__all__ = [
    "AssuranceIcon",
    "ChangeTest",
    "Funnel",
    "FunnelUnit",
    "Limits",
    "MonthVerdict",
    "SeasonalIndex",
    "Segment",
    "Signal",
    "SpcResult",
    "SpcSummary",
    "VariationIcon",
    "assurance_icon",
    "laney_p_prime",
    "overdispersed_funnel",
    "quasi_poisson_change_test",
    "seasonal_index",
    "seasonal_xmr",
    "variation_icon",
    "wilson_interval",
    "xmr",
]

"""What a long-running server process does once, after the app is built and before serving."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Do what the first requests would (import statsmodels, read and simplify the LSOA
    boundaries: ~0.4 s each), then freeze the heap built so far.

    CPython's full (generation 2) collections walk every tracked object. With Dash, pandas,
    Plotly and statsmodels loaded, each took 110-135 ms here, landing on whichever request came
    next: they were the slowest 5% of cold callbacks. Frozen objects are skipped by the
    collector, so later collections see only what requests create.
    """
    import statsmodels.tsa.exponential_smoothing.ets  # noqa: F401 (forecasts import it lazily)

    from dashboard.loaders.boundaries import lsoa_geojson

    lsoa_geojson(())
    gc.collect()
    gc.freeze()

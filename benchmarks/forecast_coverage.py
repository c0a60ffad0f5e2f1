"""How often the forecast's prediction intervals hold the 12-month total that came next.

For every area of the default data (the force, its LPAs and districts) and every cut from month
36 on, in steps of 6, fit the dashboard's own forecast
(dashboard.analysis.forecast.forecast_monthly, the
model the Incidents and Targets pages use) on the months before the cut and check whether the
next 12 months' actual total lies inside its 80% and 95% intervals. Reported over all backtests
and over those whose 12 months end before the Covid-breach year (April 2020), which no model of
the earlier series could foresee.
    python benchmarks/forecast_coverage.py [DATABASE_URL] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HORIZON = 12
STEP = 6
FIRST_CUT = 36


def coverage(url: str | None = None) -> dict:
    """Shares of held-out 12-month totals inside the 80% and 95% intervals."""
    from dashboard.analysis.forecast import forecast_monthly
    from dashboard.app import create_app
    from dashboard.core.periods import add_months
    from queries.areas import filter_areas
    from queries.incidents import monthly_counts

    instance = Path(tempfile.mkdtemp(prefix="asb-coverage-"))
    app = create_app(
        {
            "database_url": url or f"sqlite:///{instance / 'asb.sqlite3'}",
            "instance_dir": instance,
            "log_level": "WARNING",
            "demo": True,
        }
    )
    rows = []
    with app.server.app_context():
        for area in filter_areas():
            frame = monthly_counts.uncached(area.id, True)
            months, values = list(frame["month"]), [float(v) for v in frame["incidents"]]
            for cut in range(FIRST_CUT, len(values) - HORIZON + 1, STEP):
                fc = forecast_monthly(months[:cut], values[:cut], HORIZON, seed=cut)
                totals = fc.paths[:HORIZON, :].sum(axis=0)
                actual = sum(values[cut : cut + HORIZON])
                lo80, hi80, lo95, hi95 = np.percentile(totals, [10, 90, 2.5, 97.5])
                rows.append(
                    {
                        "area": area.selector,
                        "ends": add_months(months[cut], HORIZON - 1).isoformat(),
                        "in80": bool(lo80 <= actual <= hi80),
                        "in95": bool(lo95 <= actual <= hi95),
                    }
                )

    def shares(selected: list[dict]) -> dict:
        n = len(selected)
        return {
            "backtests": n,
            "coverage80_pct": round(100 * sum(r["in80"] for r in selected) / n, 1) if n else None,
            "coverage95_pct": round(100 * sum(r["in95"] for r in selected) / n, 1) if n else None,
        }

    return {
        "areas": len({r["area"] for r in rows}),
        "all": shares(rows),
        "before_covid": shares([r for r in rows if r["ends"] < "2020-04-01"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="database (default: a new one from shipped data)")
    parser.add_argument("--json", type=Path, help="write the result here too")
    args = parser.parse_args()
    result = coverage(args.url)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

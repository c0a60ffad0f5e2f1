"""Every page's callback, swept over filter changes, cold and warm cache: p50 / p95 and sizes.

Requests are real `/_dash-update-component` POSTs (the payloads the browser sends) through the
Flask test client, so the figures are server-side time. "Cold" clears the cache before each
page's first pass (query results, page content and forecasts all recomputed); "warm" repeats
the same requests. Used by benchmarks/run.py; can run alone on any database:
    python benchmarks/callback_sweep.py DATABASE_URL
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.builders.registry import PAGES as REGISTERED  # noqa: E402
from dashboard.core import ids  # noqa: E402
from tests.pages_payload import page_payload  # noqa: E402

PAGES = [spec.id for spec in REGISTERED]  # every filtered page, from the one registry
MONTHS = ("2019-03", "2020-09", "2021-03")


def pct(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def figure_kb(body: dict) -> float:
    """The largest figure in a response, as JSON."""
    largest = 0

    def walk(node) -> None:
        nonlocal largest
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            node_id = node.get("props", {}).get("id")
            if isinstance(node_id, dict) and node_id.get("type") == ids.CHART_FIGURE:
                largest = max(largest, len(json.dumps(node["props"].get("data"))))
            walk(node.get("props", {}).get("children"))

    for output in body.get("response", {}).values():
        walk(output.get("children"))
    return largest / 1024


def client_for(url: str):
    from dashboard.app import create_app
    from dashboard.web.runtime import settle_heap

    work = Path(tempfile.mkdtemp(prefix="asb-sweep-"))
    app = create_app(
        {
            "database_url": url,
            "instance_dir": work,
            "log_level": "WARNING",
            "demo": True,
            "auto_init": False,
        }
    )
    settle_heap()  # as dashboard/wsgi.py does in each gunicorn worker
    client = app.server.test_client()
    client.get("/")
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value
    return app, client


def sweep(url: str) -> dict:
    from dashboard.core.extensions import page_cache, query_cache

    app, client = client_for(url)
    results = {}
    for page in PAGES:
        areas = ["district:Colchester", "district:Harlow", "lpa:West"]
        if page != ids.DISTRICT:
            areas.append("force")
        combos = [(a, m, c) for a in areas for m in MONTHS for c in ("include", "exclude")]
        with app.server.app_context():
            query_cache.clear()
            page_cache.clear()
        stats = {}
        for label in ("cold", "warm"):
            times, sizes, figs = [], [], []
            for area, month, covid in combos:
                payload = page_payload(page, area=area, to=month, covid=covid)
                started = time.perf_counter()
                response = client.post("/_dash-update-component", json=payload)
                times.append(1000 * (time.perf_counter() - started))
                assert response.status_code == 200, (page, response.status_code)
                sizes.append(len(response.data) / 1024)
                figs.append(figure_kb(response.get_json()))
            stats[label] = {
                "requests": len(times),
                "p50_ms": round(pct(times, 50), 1),
                "p95_ms": round(pct(times, 95), 1),
                "max_ms": round(max(times), 1),
            }
        stats["largest_response_kb"] = round(max(sizes), 1)
        stats["largest_figure_kb"] = round(max(figs), 1)
        results[page] = stats
    return results


if __name__ == "__main__":
    print(json.dumps(sweep(sys.argv[1]), indent=2))

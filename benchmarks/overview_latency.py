"""Benchmark: default-database build, police.uk load rate, and every page's callback latency.

Run with `make bench`. Writes benchmarks/results/overview_latency.{json,md} and prints the
Markdown table that the README quotes. Timings are server-side (Flask test client), so they
measure the app, not the network or the browser. Nothing here is asserted: it reports.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import ids  # noqa: E402
from dashboard.bootstrap import DATA, FORCE_NAME, build_default_data  # noqa: E402
from dashboard.database import make_engine, upgrade  # noqa: E402
from dashboard.loaders.geography import load_geography  # noqa: E402
from dashboard.loaders.police_uk import load_street_files  # noqa: E402
from tests.pages_payload import page_payload  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def page_row(page: str, st: dict) -> str:
    cold, warm = st["cold"], st["warm"]
    largest = max(cold["max_response_kb"], warm["max_response_kb"])
    return (
        f"| {page} | {cold['requests']} | {cold['p50_ms']:.0f} / {cold['p95_ms']:.0f} ms | "
        f"{warm['p50_ms']:.0f} / {warm['p95_ms']:.0f} ms | {largest:.0f} KB |"
    )


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="asb-bench-"))
    results: dict = {"machine": machine()}

    url = f"sqlite:///{work / 'asb.sqlite3'}"
    engine = make_engine(url)
    t0 = time.perf_counter()
    build_default_data(engine, "benchmark")
    results["default_build_s"] = time.perf_counter() - t0

    geo = make_engine(f"sqlite:///{work / 'geo.sqlite3'}")
    upgrade(geo)
    load_geography(
        geo,
        DATA / "geography" / "essex_geography.csv",
        DATA / "geography" / "essex_lsoa.csv",
        FORCE_NAME,
    )
    files = sorted((DATA / "police_uk").glob("*.csv.gz"))
    t0 = time.perf_counter()
    reports = load_street_files(geo, files)
    elapsed = time.perf_counter() - t0
    rows = sum(r.rows_read for r in reports)
    results["police_uk_rows"] = rows
    results["police_uk_rows_per_s"] = rows / elapsed

    from dashboard.app import create_app
    from dashboard.extensions import cache

    app = create_app(
        {"database_url": url, "instance_dir": work, "log_level": "WARNING", "demo": True}
    )
    client = app.server.test_client()
    client.get("/")  # Dash's renderer sends the CSRF cookie back as a header; so do we
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value
    from queries.areas import filter_areas

    with app.server.app_context():
        areas = [a.selector for a in filter_areas()]
    months = ["2016-03", "2017-09", "2018-03", "2019-06", "2020-03", "2020-12", "2021-03"]
    sweep = [(a, m, c) for a in areas for m in months for c in ("include", "exclude")]
    for label in ("cold", "warm"):
        if label == "cold":
            with app.server.app_context():
                cache.clear()
        times, sizes = [], []
        for area, month, covid in sweep:
            payload = page_payload(ids.OVERVIEW, area=area, to=month, covid=covid)
            t0 = time.perf_counter()
            response = client.post("/_dash-update-component", json=payload)
            times.append(1000 * (time.perf_counter() - t0))
            assert response.status_code == 200
            sizes.append(len(response.data))
        results[f"overview_{label}"] = {
            "requests": len(times),
            "p50_ms": pct(times, 50),
            "p95_ms": pct(times, 95),
            "max_ms": max(times),
            "max_response_kb": max(sizes) / 1024,
        }

    # Every KPI page: force and two districts, three period ends, both Covid options.
    pages = [ids.INCIDENTS, ids.ATTENDANCE, ids.PERCEPTION, ids.MSG, ids.TARGETS, ids.DISTRICT]
    with app.server.app_context():
        cache.clear()
    results["pages"] = {}
    for page in pages:
        page_areas = ["district:Colchester", "district:Harlow"] + (
            [] if page == ids.DISTRICT else ["force"]
        )
        combos = [
            (a, m, c)
            for a in page_areas
            for m in ("2019-03", "2020-09", "2021-03")
            for c in ("include", "exclude")
        ]
        stats = {}
        for label in ("cold", "warm"):
            times, sizes = [], []
            for area, month, covid in combos:
                payload = page_payload(page, area=area, to=month, covid=covid)
                t0 = time.perf_counter()
                response = client.post("/_dash-update-component", json=payload)
                times.append(1000 * (time.perf_counter() - t0))
                assert response.status_code == 200, page
                sizes.append(len(response.data))
            stats[label] = {
                "p50_ms": pct(times, 50),
                "p95_ms": pct(times, 95),
                "max_response_kb": max(sizes) / 1024,
                "requests": len(times),
            }
        results["pages"][page] = stats

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "overview_latency.json").write_text(json.dumps(results, indent=2) + "\n")
    cold, warm = results["overview_cold"], results["overview_warm"]
    build_s = results["default_build_s"]
    largest_kb = max(cold["max_response_kb"], warm["max_response_kb"])
    table = "\n".join(
        [
            f"Machine: {results['machine']}",
            "",
            "| measure | value |",
            "| --- | ---: |",
            f"| build the default database (all shipped files) | {build_s:.1f} s |",
            f"| police.uk street load ({rows:,} ASB rows, 7 files) | "
            f"{results['police_uk_rows_per_s']:,.0f} rows/s |",
            f"| Overview callback, cold cache, p50 / p95 ({cold['requests']} filter sets) | "
            f"{cold['p50_ms']:.0f} / {cold['p95_ms']:.0f} ms |",
            f"| Overview callback, warm cache, p50 / p95 | "
            f"{warm['p50_ms']:.0f} / {warm['p95_ms']:.0f} ms |",
            f"| largest Overview response | {largest_kb:.0f} KB |",
            "",
            "| page callback | requests | cold p50 / p95 | warm p50 / p95 | largest response |",
            "| --- | ---: | ---: | ---: | ---: |",
            *[page_row(page, st) for page, st in results["pages"].items()],
        ]
    )
    (RESULTS / "overview_latency.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()

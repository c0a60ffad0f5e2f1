"""`make bench`: every performance figure in the README, from nothing, in one run.

1. The default database: build time; every page's callbacks swept cold and warm; a district's
   board pack as PDF and slides (benchmarks/board_pack_time.py); the forecast
   backtest (heuristic against estimated initial states: accuracy and fit time).
2. The national data set (benchmarks/national_data.py, 43 forces x 10 years, ~15.5 million ASB
   rows): generated, then loaded into SQLite and PostgreSQL (rows/s, peak RSS).
3. The callback sweep again on the national SQLite database.
4. Side by side: our SQL against a naive pandas baseline and a DuckDB scan of the raw files.
5. Throughput: gunicorn (workers x threads below) with Redis, Locust at 50 and 200 users.
6. Page load in headless Chromium.
Writes benchmarks/results/bench.json and bench.md. Nothing is asserted: it reports.
    python benchmarks/run.py [--work DIR] [--scale 1.0] [--skip-national]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import board_pack_time  # noqa: E402
import callback_sweep  # noqa: E402
import forecast_backtest  # noqa: E402
import forecast_coverage  # noqa: E402
import national_data  # noqa: E402
import side_by_side  # noqa: E402
from load_national import measure as measure_load  # noqa: E402
from load_national import postgres_scratch  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
# gunicorn: a worker per core plus one (callbacks are CPU-bound Python), and 4 threads each so a
# worker waiting on Redis or the database serves another request meanwhile.
WORKERS, THREADS = (os.cpu_count() or 2) + 1, 4
REDIS = "redis://127.0.0.1:6379/12"


def machine() -> str:
    import platform

    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def step(name: str) -> float:
    print(f"[bench] {name}", file=sys.stderr, flush=True)
    return time.monotonic()


def default_database(work: Path) -> tuple[str, float]:
    from dashboard.core.database import make_engine
    from dashboard.loaders.bootstrap import build_default_data

    path = work / "default.sqlite3"
    path.unlink(missing_ok=True)
    started = time.monotonic()
    build_default_data(make_engine(f"sqlite:///{path}"), "benchmark")
    return f"sqlite:///{path}", time.monotonic() - started


def serve(url: str, work: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_REDIS_URL": REDIS,
        "ASB_DEMO": "1",
        "ASB_INSTANCE_DIR": str(work),
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "dashboard.wsgi:server",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--timeout",
            "120",
            # Longer than any client or load balancer keeps an idle connection: with gunicorn's
            # default of 2 s, a client reusing a connection just as it closes gets a reset.
            "--keep-alive",
            "75",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
            return proc
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.5)


def locust(base: str, users: int, seconds: int, work: Path) -> dict:
    prefix = work / f"locust-{users}"
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(users // 5, 10)),
            "-t",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
        ],
        check=False,
        capture_output=True,
        cwd=work,
    )
    with open(f"{prefix}_stats.csv", newline="") as f:
        total = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    return {
        "users": users,
        "seconds": seconds,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/asb-bench"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "gunicorn": f"{WORKERS} workers x {THREADS} threads"}
    began = time.monotonic()

    t = step("default database and its callback sweep")
    default_url, results["default_build_s"] = default_database(work)
    results["sweep_default"] = callback_sweep.sweep(default_url)
    results["sweep_default_s"] = round(time.monotonic() - t, 1)
    t = step("board pack: a district, PDF and slides")
    results["board_pack"] = board_pack_time.measure(default_url)
    t = step("forecast backtest")
    results["forecast_backtest"] = forecast_backtest.backtest(default_url)
    t = step("forecast interval coverage")
    results["forecast_coverage"] = forecast_coverage.coverage(default_url)

    if not args.skip_national:
        t = step("national data: generate")
        data = work / "national"
        if data.exists():
            shutil.rmtree(data)
        results["national_data"] = national_data.write(data, args.scale, 2026)
        t = step("national data: load into SQLite and PostgreSQL")
        national_db = work / "national.sqlite3"
        national_db.unlink(missing_ok=True)
        results["load_sqlite"] = measure_load(f"sqlite:///{national_db}", data)
        pg_url, drop = postgres_scratch(args.postgres)
        try:
            results["load_postgresql"] = measure_load(pg_url, data)
        finally:
            drop()
        t = step("national data: callback sweep")
        results["sweep_national"] = callback_sweep.sweep(f"sqlite:///{national_db}")
        t = step("side by side: naive pandas, DuckDB")
        results["side_by_side"] = side_by_side.run(data, f"sqlite:///{national_db}")

    t = step("throughput: gunicorn + Redis, Locust")
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    port = 8093
    server = serve(default_url, work, port)
    try:
        base = f"http://127.0.0.1:{port}"
        locust(base, 20, 30, work)  # warm-up: fills the shared cache, not reported
        results["load_50"] = locust(base, 50, 60, work)
        results["load_200"] = locust(base, 200, 60, work)
        t = step("page load in Chromium")
        import page_load

        redis.Redis.from_url(REDIS).flushdb()
        results["page_load"] = page_load.measure(base)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results["total_minutes"] = round((time.monotonic() - began) / 60, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "bench.md").write_text(markdown(results) + "\n")
    print(markdown(results))


def _sweep_rows(sweep: dict) -> list[str]:
    return [
        f"| {page} | {s['cold']['p50_ms']:.0f} / {s['cold']['p95_ms']:.0f} | "
        f"{s['warm']['p50_ms']:.0f} / {s['warm']['p95_ms']:.0f} | {s['largest_figure_kb']:.0f} | "
        f"{s['largest_response_kb']:.0f} |"
        for page, s in sweep.items()
    ]


def markdown(r: dict) -> str:
    lines = [
        f"Machine: {r['machine']}. gunicorn {r['gunicorn']}. Whole run: {r['total_minutes']} min.",
        "",
        f"Default database built in {r['default_build_s']:.1f} s.",
        "",
        "| callbacks, default data | cold p50 / p95 ms | warm p50 / p95 ms | largest figure KB "
        "| largest response KB |",
        "| --- | ---: | ---: | ---: | ---: |",
        *_sweep_rows(r["sweep_default"]),
    ]
    if "board_pack" in r:
        p = r["board_pack"]
        lines += [
            "",
            "Board pack for a district (Colchester, three period ends): PDF "
            f"{p['pdf']['median_s']} s median ({', '.join(map(str, p['pdf']['runs_s']))} s; "
            f"{p['pdf']['size_mb']} MB), slides {p['pptx']['median_s']} s median "
            f"({', '.join(map(str, p['pptx']['runs_s']))} s; {p['pptx']['size_mb']} MB).",
        ]
    if "forecast_backtest" in r:
        b, est, heu = r["forecast_backtest"], "estimated", "heuristic"
        lines += [
            "",
            f"Forecast backtest ({b['backtests']} twelve-month forecasts over {b['areas']} areas): "
            f"heuristic initial states MAPE {b[heu]['mape_pct']}% in "
            f"{b[heu]['fit_ms_median']} ms a fit; every state estimated MAPE "
            f"{b[est]['mape_pct']}% in {b[est]['fit_ms_median']} ms a fit.",
        ]
    if "forecast_coverage" in r:
        c = r["forecast_coverage"]
        lines += [
            "",
            f"Forecast interval coverage ({c['all']['backtests']} held-out 12-month totals): "
            f"80% interval {c['all']['coverage80_pct']}%, 95% interval "
            f"{c['all']['coverage95_pct']}%; before the Covid-breach year "
            f"({c['before_covid']['backtests']}): {c['before_covid']['coverage80_pct']}% and "
            f"{c['before_covid']['coverage95_pct']}%.",
        ]
    if "load_sqlite" in r:
        n = r["national_data"]
        lines += [
            "",
            f"National data: {n['forces']} forces x {n['months']} months, {n['files']:,} files, "
            f"{n['asb_rows']:,} ASB rows + {n['other_rows']:,} other crimes "
            f"(generated in {n['seconds']} s).",
            "",
            "| load (all street files, one call) | seconds | rows/s (all rows) | ASB rows/s "
            "| peak RSS |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name in ("sqlite", "postgresql"):
            x = r[f"load_{name}"]
            lines.append(
                f"| {name} | {x['seconds']} | {x['rows_per_second']:,} | "
                f"{x['asb_rows_per_second']:,} | {x['peak_rss_mb']} MB |"
            )
        lines += [
            "",
            "| callbacks, national data (SQLite) | cold p50 / p95 ms | warm p50 / p95 ms "
            "| largest figure KB | largest response KB |",
            "| --- | ---: | ---: | ---: | ---: |",
            *_sweep_rows(r["sweep_national"]),
        ]
        s = r["side_by_side"]
        lines += [
            "",
            f"Side by side ({s['queries']} twelve-month police.uk totals, answers equal): this "
            f"app {s['ours_p50_ms']} ms p50; naive pandas over the raw rows "
            f"{s['naive_pandas_p50_ms']} ms ({s['naive_over_ours']}x, after "
            f"{s['naive_pandas_load_s']} s loading them); DuckDB scanning the raw files "
            f"{s['duckdb_raw_scan_p50_ms']} ms ({s['duckdb_over_ours']}x).",
        ]
    lines += [
        "",
        "| Locust (gunicorn + Redis, warm) | users | requests | failures | req/s | p50 ms "
        "| p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key in ("load_50", "load_200"):
        x = r[key]
        lines.append(
            f"| {key} | {x['users']} | {x['requests']:,} | {x['failures']} | "
            f"{x['requests_per_s']} | {x['p50_ms']:.0f} | {x['p95_ms']:.0f} |"
        )
    lines += [
        "",
        "| page load (Chromium) | first paint cold / warm ms | interactive cold / warm ms "
        "| all charts drawn cold / warm ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for page, x in r["page_load"].items():
        c, w = x["cold"], x["warm"]
        lines.append(
            f"| {page} | {c['first_contentful_paint_ms']} / {w['first_contentful_paint_ms']} | "
            f"{c['interactive_ms']} / {w['interactive_ms']} | "
            f"{c['all_charts_drawn_ms']} / {w['all_charts_drawn_ms']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()

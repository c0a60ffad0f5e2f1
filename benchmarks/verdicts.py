"""Do the dashboard's verdicts stand up? False alarms and power of each, on simulated series.

Simulates in-control 72-month series (April 2015 to March 2021) with the seasonality and noise of
the data the app ships, then the same series with a 15% step in the last 3 months, and reports
for each verdict, old and new, how often it raises a signal when nothing changed (false alarms)
and how often it catches the step (power). Every draw is seeded.

    python benchmarks/verdicts.py [--series 1000] [--seed 20210331]

Writes benchmarks/results/verdicts.json and verdicts.md.

The simulation's parameters, estimated from the shipped files by `estimate_parameters()`:
- seasonal shape: the multiplicative index by calendar month of the force's monthly totals in
  dashboard/data/illustrative/incidents_monthly.csv, April 2015 to March 2020 (before the Covid
  break), from the same Poisson log-linear model (level + trend + month) the seasonal XmR uses;
- noise: negative binomial (gamma-Poisson), the only overdispersion that keeps its relative size
  at every level; its size is the quasi-Poisson dispersion φ of the real police.uk months the app
  ships (dashboard/data/police_uk/, January to July 2018) around that seasonal shape with a level
  and a trend fitted (Pearson χ²/df). It rests on 5 degrees of freedom, so the key rows are
  repeated at φ = 2 (the same files by local authority: month and authority factors, 78 df);
- attendance: binomial with the shipped baseline share, the month's incidents as n (≈4,000);
- MSG: the 8 forces' populations and weighted rate in the shipped msg file's latest year, with
  the between-force spread of their log rates (a random effect: the usual spread between forces
  is what the adjusted funnel treats as common cause).
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.analysis import (  # noqa: E402
    laney_p_prime,
    overdispersed_funnel,
    quasi_poisson_change_test,
    seasonal_index,
    seasonal_xmr,
    xmr,
)
from dashboard.analysis.seasonal import poisson_loglinear  # noqa: E402

DATA = ROOT / "dashboard" / "data"
RESULTS = ROOT / "benchmarks" / "results"
N_MONTHS = 72
BASELINE = (0, 60)  # limits and seasonal index from the first five years, as before the break
STEP = 0.15
STEP_MONTHS = 3  # the step starts 3 months before the end: months 70, 71 and 72
START = dt.date(2015, 4, 1)
MONTHS = tuple(dt.date(START.year + (START.month - 1 + i) // 12, (START.month - 1 + i) % 12 + 1, 1)
               for i in range(N_MONTHS))  # fmt: skip


@dataclass(frozen=True)
class SimParams:
    """What the simulation draws from, each estimated from a shipped file (see the module doc)."""

    seasonal: tuple[float, ...]  # January first, mean 1
    level: float  # mean monthly incidents, force, baseline years
    phi: float  # quasi-Poisson dispersion at that level
    attended_share: float
    populations: tuple[float, ...]
    msg_rate: float  # per 1,000 a year, weighted
    msg_log_sd: float  # between-force standard deviation of log rate


# Estimated from the shipped data on 2025-11 (commit of this file) by estimate_parameters(); the
# CI test simulates from these fixed values so that a new illustrative dataset cannot move it.
REFERENCE = SimParams(
    seasonal=(0.826, 0.868, 0.934, 0.985, 1.056, 1.132, 1.165, 1.157, 1.09, 1.005, 0.924, 0.858),
    level=4042.0,
    phi=7.7,
    attended_share=0.521,
    populations=(1155157, 1853344, 1519151, 1968526, 1482576, 1642159, 1299953, 1724950),
    msg_rate=22.5,
    msg_log_sd=0.19,
)


def estimate_parameters() -> tuple[SimParams, dict[str, str]]:
    """Every simulation parameter from the files the app ships, and where each came from."""
    import pandas as pd

    frame = pd.read_csv(DATA / "illustrative" / "incidents_monthly.csv")
    force = frame.groupby("month").agg(incidents=("incidents", "sum"), att=("attended", "sum"))
    months = [dt.date(int(m[:4]), int(m[5:7]), 1) for m in force.index]
    pre = [i for i, m in enumerate(months) if m < dt.date(2020, 4, 1)]
    base = force.iloc[pre]
    index = seasonal_index(list(base["incidents"]), [months[i] for i in pre])
    level = float(base["incidents"].mean())
    share = float(base["att"].sum() / base["incidents"].sum())

    street = pd.concat(
        [
            pd.read_csv(f, usecols=["month", "lsoa_code"])
            for f in sorted(glob.glob(str(DATA / "police_uk" / "*-essex-street-asb.csv.gz")))
        ]
    )
    totals = street.groupby("month").size()
    y = totals.to_numpy(dtype=float)
    cal = [int(m[5:7]) for m in totals.index]
    offset = np.log([index.factors[c - 1] for c in cal])
    t = np.arange(len(y), dtype=float)
    x = np.column_stack([np.ones_like(t), t])
    beta = poisson_loglinear_offset(y, x, offset)
    mu = np.exp(x @ beta + offset)
    phi = float(((y - mu) ** 2 / mu).sum() / (len(y) - 2))

    msg = pd.read_csv(DATA / "illustrative" / "msg_asb_incidents.csv")
    latest = msg[msg["period_end"] == msg["period_end"].max()]
    rates = latest["value"] / latest["population"] * 1000
    params = SimParams(
        seasonal=tuple(round(f, 3) for f in index.factors),
        level=round(level),
        phi=round(phi, 1),
        attended_share=round(share, 3),
        populations=tuple(int(p) for p in latest["population"]),
        msg_rate=round(float(latest["value"].sum() / latest["population"].sum() * 1000), 1),
        msg_log_sd=round(float(np.std(np.log(rates), ddof=1)), 2),
    )
    sources = {
        "seasonal": f"force monthly totals, illustrative file, {index.label}",
        "level": "mean force monthly total over the same months",
        "phi": f"police.uk street ASB {totals.index[0]} to {totals.index[-1]} "
        f"({len(y)} months, {int(y.sum()):,} incidents) around the shipped seasonal shape, "
        "level and trend fitted: Pearson chi2/df (5 df)",
        "attended_share": "attended / incidents over the same months (illustrative)",
        "populations": f"msg file, 12 months to {latest['period_end'].iloc[0]}",
        "msg_log_sd": "standard deviation of the 8 forces' log rates in that year",
    }
    return params, sources


def poisson_loglinear_offset(y: np.ndarray, x: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Poisson log-linear fit with an offset (a known seasonal factor for each month)."""
    beta = poisson_loglinear(y / np.exp(offset), x)  # a start; then IRLS with the offset
    for _ in range(100):
        eta = x @ beta + offset
        mu = np.exp(eta)
        w = np.sqrt(mu)
        z = eta - offset + (y - mu) / mu
        new = np.linalg.lstsq(x * w[:, None], z * w, rcond=None)[0]
        if np.max(np.abs(new - beta)) < 1e-10:
            return new
        beta = new
    return beta


# --- Simulation ----------------------------------------------------------------------------------


def expected_counts(p: SimParams, step_from: int | None = None, step: float = STEP) -> np.ndarray:
    """The in-control mean of each month (level × season), with a step from one month if asked."""
    mu = np.array([p.level * p.seasonal[m.month - 1] for m in MONTHS])
    if step_from is not None:
        mu[step_from:] *= 1 + step
    return mu


def draw_counts(rng: np.random.Generator, mu: np.ndarray, phi: float, n: int) -> np.ndarray:
    """n series of negative binomial counts: variance φ·μ at the mean level, μ + μ²/k in general."""
    extra = max(phi - 1, 1e-9) / float(mu.mean())  # 1/k
    lam = mu * rng.gamma(1 / extra, extra, size=(n, len(mu)))
    return rng.poisson(lam).astype(float)


def _special_in(result, months: range, direction: str | None = None) -> bool:
    for i in months:
        v = result.verdicts[i]
        if v.special and (direction is None or v.direction == direction):
            return True
    return False


def spc_rates(results_ic: list, results_step: list, direction: str) -> dict[str, float]:
    """False alarms and power of one chart from its in-control and stepped runs."""
    last = range(N_MONTHS - STEP_MONTHS, N_MONTHS)
    special = [sum(v.special for v in r.verdicts) / N_MONTHS for r in results_ic]
    return {
        "false_any_72": float(np.mean([_special_in(r, range(N_MONTHS)) for r in results_ic])),
        "months_flagged": float(np.mean(special)),
        "false_last_3": float(np.mean([_special_in(r, last) for r in results_ic])),
        "false_latest": float(np.mean([r.verdicts[-1].special for r in results_ic])),
        "power_last_3": float(np.mean([_special_in(r, last, direction) for r in results_step])),
    }


def run_spc(p: SimParams, n: int, seed: int) -> dict[str, dict[str, float]]:
    """Plain and seasonal XmR on incident counts; XmR and p′ on attendance; the rules' own floor."""
    rng = np.random.default_rng(seed)
    step_from = N_MONTHS - STEP_MONTHS
    ic = draw_counts(rng, expected_counts(p), p.phi, n)
    st = draw_counts(rng, expected_counts(p, step_from), p.phi, n)
    out: dict[str, dict[str, float]] = {}
    out["xmr_plain"] = spc_rates(
        [xmr(s, "lower_is_better", BASELINE) for s in ic],
        [xmr(s, "lower_is_better", BASELINE) for s in st],
        "high",
    )
    seas_ic = [seasonal_xmr(s, MONTHS, "lower_is_better", BASELINE) for s in ic]
    seas_st = [seasonal_xmr(s, MONTHS, "lower_is_better", BASELINE) for s in st]
    out["xmr_seasonal"] = spc_rates(seas_ic, seas_st, "high")
    # The rule set's own false-alarm rate: XmR on independent normal noise, nothing seasonal.
    noise = rng.normal(100, 10, size=(n, N_MONTHS))
    noise_st = rng.normal(100, 10, size=(n, N_MONTHS))
    noise_st[:, step_from:] += 15  # 1.5 sigma: a 15% step where the noise is 10%
    out["xmr_iid_reference"] = spc_rates(
        [xmr(s, "lower_is_better", BASELINE) for s in noise],
        [xmr(s, "lower_is_better", BASELINE) for s in noise_st],
        "high",
    )
    # Attendance: binomial with the month's incidents as n; the step is 15% of the share.
    q = p.attended_share
    att_ic = rng.binomial(ic.astype(int), q)
    step_share = np.full(N_MONTHS, q)
    step_share[step_from:] = q * (1 + STEP)
    att_st = rng.binomial(ic.astype(int), step_share)
    out["attended_xmr_pct"] = spc_rates(
        [xmr(a / c, "neutral", BASELINE) for a, c in zip(att_ic, ic, strict=True)],
        [xmr(a / c, "neutral", BASELINE) for a, c in zip(att_st, ic, strict=True)],
        "high",
    )
    out["attended_p_prime"] = spc_rates(
        [laney_p_prime(a, c, "neutral", BASELINE) for a, c in zip(att_ic, ic, strict=True)],
        [laney_p_prime(a, c, "neutral", BASELINE) for a, c in zip(att_st, ic, strict=True)],
        "high",
    )
    # Extra-binomial months (a month-to-month logit sd of 0.05, about 1.2 points): real
    # attendance moves with the mix of calls; p′ should widen where a p chart would not.
    logit = math.log(q / (1 - q)) + rng.normal(0, 0.05, size=ic.shape)
    att_od = rng.binomial(ic.astype(int), 1 / (1 + np.exp(-logit)))
    logit_st = logit.copy()
    logit_st[:, step_from:] += math.log(q * (1 + STEP) / (1 - q * (1 + STEP))) - math.log(
        q / (1 - q)
    )
    att_od_st = rng.binomial(ic.astype(int), 1 / (1 + np.exp(-logit_st)))
    out["attended_p_prime_overdispersed"] = spc_rates(
        [laney_p_prime(a, c, "neutral", BASELINE) for a, c in zip(att_od, ic, strict=True)],
        [laney_p_prime(a, c, "neutral", BASELINE) for a, c in zip(att_od_st, ic, strict=True)],
        "high",
    )
    return out


def old_poisson_change_test(current: float, previous: float) -> bool:
    """The change test the dashboard used: z = (a − b)/√(a + b), as if counts were Poisson."""
    z = (current - previous) / math.sqrt(current + previous)
    return bool(math.erfc(abs(z) / math.sqrt(2)) < 0.05)


def run_change(p: SimParams, n: int, seed: int) -> dict[str, dict[str, float]]:
    """The old Poisson and the new quasi-Poisson year-on-year test: 12 months to month 72."""
    rng = np.random.default_rng(seed)
    ic = draw_counts(rng, expected_counts(p), p.phi, n)
    st3 = draw_counts(rng, expected_counts(p, N_MONTHS - STEP_MONTHS), p.phi, n)
    st12 = draw_counts(rng, expected_counts(p, N_MONTHS - 12), p.phi, n)

    def old(s: np.ndarray) -> bool:
        return old_poisson_change_test(s[-12:].sum(), s[-24:-12].sum())

    def new(s: np.ndarray) -> bool:
        return bool(quasi_poisson_change_test(s).significant)

    return {
        name: {
            "false_alarm": float(np.mean([test(s) for s in ic])),
            "power_last_3": float(np.mean([test(s) for s in st3])),
            "power_whole_year": float(np.mean([test(s) for s in st12])),
        }
        for name, test in (("change_poisson_old", old), ("change_quasi_poisson", new))
    }


def run_funnel(p: SimParams, n: int, seed: int) -> dict[str, dict[str, float]]:
    """Old Poisson and new adjusted funnels on 8 forces whose rates differ as the MSG's do."""
    rng = np.random.default_rng(seed)
    pops = np.array(p.populations, dtype=float)
    sd = p.msg_log_sd
    tested = len(pops) - 1  # the force itself: the last row of the msg file
    out: dict[str, dict[str, float]] = {}
    for adj in ("none", "multiplicative", "additive"):
        per95, per998, any998, pow95, pow998 = [], [], [], [], []
        draws = np.random.default_rng(rng.integers(2**32))
        for _ in range(n):
            u = draws.normal(-sd * sd / 2, sd, size=len(pops))
            mu = pops * p.msg_rate / 1000 * np.exp(u)
            f = overdispersed_funnel(draws.poisson(mu), pops, adjustment=adj)
            per95.append(np.mean([x.outside_95 != "within" for x in f.units]))
            per998.append(np.mean([x.outside_998 != "within" for x in f.units]))
            any998.append(any(x.outside_998 != "within" for x in f.units))
            mu_step = mu.copy()
            mu_step[tested] *= 1 + STEP
            g = overdispersed_funnel(draws.poisson(mu_step), pops, adjustment=adj)
            pow95.append(g.units[tested].outside_95 == "high")
            pow998.append(g.units[tested].outside_998 == "high")
        name = {"none": "funnel_poisson_old", "multiplicative": "funnel_adjusted"}.get(
            adj, "funnel_adjusted_additive"
        )
        out[name] = {
            "false_per_force_95": float(np.mean(per95)),
            "false_per_force_998": float(np.mean(per998)),
            "false_any_of_8_998": float(np.mean(any998)),
            "power_force_95": float(np.mean(pow95)),
            "power_force_998": float(np.mean(pow998)),
        }
    return out


def run_all(p: SimParams, n: int, seed: int) -> dict[str, dict[str, float]]:
    """Every verdict at one set of parameters."""
    return {
        **run_spc(p, n, seed),
        **run_change(p, n, seed + 1),
        **run_funnel(p, n, seed + 2),
    }


# --- Report ----------------------------------------------------------------------------------

LABELS = {
    "xmr_plain": "Plain XmR on monthly incidents (as before)",
    "xmr_seasonal": "Seasonal XmR on monthly incidents",
    "xmr_iid_reference": "Reference: XmR on independent normal noise (no season)",
    "attended_xmr_pct": "XmR on monthly % attended (as before)",
    "attended_p_prime": "Laney p′ on attended / incidents (binomial)",
    "attended_p_prime_overdispersed": "Laney p′, attendance with extra-binomial months",
    "change_poisson_old": "Year-on-year change, Poisson test (as before)",
    "change_quasi_poisson": "Year-on-year change, quasi-Poisson test",
    "funnel_poisson_old": "MSG funnel, Poisson limits (as before)",
    "funnel_adjusted": "MSG funnel, overdispersion-adjusted (multiplicative φ)",
    "funnel_adjusted_additive": "MSG funnel, overdispersion-adjusted (additive τ²)",
}


def pct(x: float) -> str:
    """A share as a percentage with one decimal."""
    return f"{100 * x:.1f}%"


def markdown(report: dict) -> str:
    """The tables for docs/methods.md and the Methods page."""
    r = report["central"]
    lines = [
        "# Verdicts: false alarms and power",
        "",
        f"`{report['command']}` — {report['series']:,} series per row, seed {report['seed']}, "
        f"{report['seconds']:.0f} s. Parameters: {json.dumps(report['params'])}.",
        "",
        "## Charts (72 months; limits and seasonal index from months 1-60)",
        "",
        "| verdict | any special cause in 72 months | share of months flagged | "
        "special cause in months 70-72 | latest month special | catches a 15% step within "
        "3 months |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key in (
        "xmr_plain",
        "xmr_seasonal",
        "xmr_iid_reference",
        "attended_xmr_pct",
        "attended_p_prime",
        "attended_p_prime_overdispersed",
    ):
        v = r[key]
        lines.append(
            f"| {LABELS[key]} | {pct(v['false_any_72'])} | {pct(v['months_flagged'])} | "
            f"{pct(v['false_last_3'])} | {pct(v['false_latest'])} | {pct(v['power_last_3'])} |"
        )
    lines += [
        "",
        "## Year-on-year change (12 months to month 72 against the 12 before; nominal 5%)",
        "",
        "| verdict | false alarms | power: 15% step in the last 3 months | power: 15% all year |",
        "| --- | --- | --- | --- |",
    ]
    for key in ("change_poisson_old", "change_quasi_poisson"):
        v = r[key]
        lines.append(
            f"| {LABELS[key]} | {pct(v['false_alarm'])} | {pct(v['power_last_3'])} | "
            f"{pct(v['power_whole_year'])} |"
        )
    lines += [
        "",
        "## MSG funnel (8 forces; nominal per force: 5% outside 95%, 0.2% outside 99.8%)",
        "",
        "| verdict | per force outside 95% | per force outside 99.8% | any of 8 outside 99.8% | "
        "force 15% higher: outside 95% | outside 99.8% |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key in ("funnel_poisson_old", "funnel_adjusted", "funnel_adjusted_additive"):
        v = r[key]
        lines.append(
            f"| {LABELS[key]} | {pct(v['false_per_force_95'])} | {pct(v['false_per_force_998'])} "
            f"| {pct(v['false_any_of_8_998'])} | {pct(v['power_force_95'])} | "
            f"{pct(v['power_force_998'])} |"
        )
    s = report["sensitivity_phi_2"]
    lines += [
        "",
        f"## Sensitivity: noise at φ = {report['sensitivity_phi']} instead of "
        f"{report['params']['phi']}",
        "",
        "| verdict | false alarms | power |",
        "| --- | --- | --- |",
        f"| {LABELS['xmr_seasonal']} | {pct(s['xmr_seasonal']['false_any_72'])} any in 72; "
        f"{pct(s['xmr_seasonal']['false_latest'])} latest | "
        f"{pct(s['xmr_seasonal']['power_last_3'])} |",
        f"| {LABELS['change_poisson_old']} | {pct(s['change_poisson_old']['false_alarm'])} | "
        f"{pct(s['change_poisson_old']['power_last_3'])} (last 3 months) |",
        f"| {LABELS['change_quasi_poisson']} | {pct(s['change_quasi_poisson']['false_alarm'])} | "
        f"{pct(s['change_quasi_poisson']['power_last_3'])} (last 3 months) |",
        "",
        "Parameter sources:",
        "",
        *[f"- {k}: {v}" for k, v in report["sources"].items()],
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    """Run every verdict on simulated series and write the JSON and Markdown reports."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20210331)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    params, sources = estimate_parameters()
    central = run_all(params, args.series, args.seed)
    low = replace(params, phi=2.0)
    sens = {
        **run_spc(low, args.series, args.seed),
        **run_change(low, args.series, args.seed + 1),
    }
    report = {
        "command": f"python benchmarks/verdicts.py --series {args.series} --seed {args.seed}",
        "series": args.series,
        "seed": args.seed,
        "seconds": time.perf_counter() - t0,
        "params": asdict(params),
        "sources": sources,
        "central": central,
        "sensitivity_phi": low.phi,
        "sensitivity_phi_2": sens,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "verdicts.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "verdicts.md").write_text(markdown(report))
    print(markdown(report))
    return report


if __name__ == "__main__":
    main()

"""Loader for the tables published in the force's ASB deep-dive report (tidy CSVs).

The figures go in unchanged: counts into published_figure, survey percentages (with their MSG
and national ranks) into survey_result. Dashboard figures are reconciled against them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import Engine

from dashboard.core.models import PublishedFigure
from dashboard.core.vocab import NSIR_CATEGORIES
from dashboard.loaders.base import AreaIndex, LoadReport, record_load, replace_rows
from dashboard.loaders.errors import LoadRejected, Problem
from dashboard.loaders.reading import (
    CsvFile,
    ProblemList,
    parse_count,
    parse_date,
    parse_number,
    parse_optional_count,
    parse_pct,
)
from dashboard.loaders.templates import write_survey_results

REPORT = "Essex Police ASB deep-dive report to the Police, Fire and Crime Panel (2021)"
CSEW_DIFFERENCE = "csew_pt_diff:"  # + the measure: the report's printed change from 2016
CSEW = "Crime Survey for England and Wales (CSEW)"
CONFIDENCE = "Essex Police Confidence and Satisfaction Survey"
CATEGORY_MEASURES = {c: f"asb_share_{c}" for c in NSIR_CATEGORIES}

_MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def period_start_for(end: dt.date, months: int) -> dt.date:
    """First day of the `months`-month period that ends on `end` (a month end)."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_in_label(label: str) -> int:
    m = re.match(r"\s*(\d+)\s*m\b", label)
    if not m:
        raise ValueError(f"'{label}' does not say its length (e.g. '12m to March 2021')")
    return int(m.group(1))


def _find(directory: Path, suffix: str) -> Path | None:
    matches = sorted(directory.glob(f"*{suffix}"))
    return matches[0] if matches else None


def load_published(engine: Engine, directory: Path, command: str = "python") -> list[LoadReport]:
    """Load every recognised published table in `directory` in one transaction."""
    directory = Path(directory)
    if not directory.is_dir():
        reason = "not a folder" if directory.exists() else "no such folder"
        raise LoadRejected([Problem(str(directory), None, None, reason)])
    with engine.connect() as conn:
        index = AreaIndex(conn)
    try:
        force_id = index.home_force()
    except ValueError as exc:
        raise LoadRejected([Problem(str(directory), None, None, str(exc))]) from None
    problems = ProblemList()
    figures: list[tuple[Path, list[dict]]] = []
    surveys: list[tuple[Path, list[dict]]] = []

    def figure(
        measure,
        end,
        start=None,
        kind="actual",
        count=None,
        pct=None,
        precision=None,
        of_total=None,
        note=None,
    ):
        return {
            "measure": measure,
            "area_id": force_id,
            "period_start": start,
            "period_end": end,
            "kind": kind,
            "count": count,
            "pct": pct,
            "precision": precision,
            "of_total": of_total,
            "note": note,
            "source": REPORT,
        }

    if path := _find(directory, "_asb_annual.csv"):
        f, rows = CsvFile(path, ["period_start", "period_end", "incidents", "attended"]), []
        for line, r in f.rows():
            start = problems.check(f.name, line, "period_start", parse_date, r["period_start"])
            end = problems.check(f.name, line, "period_end", parse_date, r["period_end"])
            incidents = problems.check(f.name, line, "incidents", parse_count, r["incidents"])
            attended = problems.check(f.name, line, "attended", parse_count, r["attended"])
            rows.append(figure("asb_incidents", end, start, count=incidents))
            rows.append(figure("asb_attended", end, start, count=attended))
        figures.append((path, rows))

    if path := _find(directory, "_asb_category_share.csv"):
        f, rows = CsvFile(path, ["period_end", "category", "share_pct", "precision"]), []
        for line, r in f.rows():
            end = problems.check(f.name, line, "period_end", parse_date, r["period_end"])
            if r["category"] not in CATEGORY_MEASURES:
                problems.append(Problem(f.name, line, "category", f"unknown '{r['category']}'"))
                continue
            rows.append(
                figure(
                    CATEGORY_MEASURES[r["category"]],
                    end,
                    end and period_start_for(end, 12),
                    pct=problems.check(f.name, line, "share_pct", parse_pct, r["share_pct"]),
                    precision=problems.check(
                        f.name, line, "precision", parse_number, r["precision"]
                    ),
                )
            )
        figures.append((path, rows))

    if path := _find(directory, "_asb_forecast.csv"):
        cols = ["period_end", "kind", "incidents_including_covid", "incidents_excluding_covid"]
        f, rows = CsvFile(path, cols), []
        for line, r in f.rows():
            end = problems.check(f.name, line, "period_end", parse_date, r["period_end"])
            kind = r["kind"].strip()
            if kind not in ("actual", "forecast"):
                problems.append(Problem(f.name, line, "kind", f"unknown '{kind}'"))
            start = end and period_start_for(end, 12)
            incl = problems.check(f.name, line, cols[2], parse_count, r[cols[2]])
            excl = problems.check(f.name, line, cols[3], parse_count, r[cols[3]])
            rows.append(figure("asb_incidents", end, start, kind=kind, count=incl))
            rows.append(figure("asb_incidents_excl_covid", end, start, kind=kind, count=excl))
        figures.append((path, rows))

    if path := _find(directory, "_msg_rank_asb_rate.csv"):
        f, rows = CsvFile(path, ["period_end", "measure", "rank", "of_forces"], ["note"]), []
        for line, r in f.rows():
            end = problems.check(f.name, line, "period_end", parse_date, r["period_end"])
            rows.append(
                figure(
                    "msg_rank_asb_rate",
                    end,
                    end and period_start_for(end, 12),
                    count=problems.check(f.name, line, "rank", parse_count, r["rank"]),
                    of_total=problems.check(f.name, line, "of_forces", parse_count, r["of_forces"]),
                    note=r.get("note", "").strip() or None,
                )
            )
        figures.append((path, rows))

    if path := _find(directory, "_csew_perception.csv"):
        cols = [
            "year_ending",
            "measure",
            "pct",
            "msg_rank",
            "msg_of",
            "national_rank",
            "national_of",
        ]
        f, rows = CsvFile(path, cols), []
        for line, r in f.rows():
            end = problems.check(f.name, line, "year_ending", parse_date, r["year_ending"])
            rows.append(
                {
                    "survey": CSEW,
                    "question": r["measure"].strip(),
                    "area_id": force_id,
                    "period_start": end and period_start_for(end, 12),
                    "period_end": end,
                    "pct": problems.check(f.name, line, "pct", parse_pct, r["pct"]),
                    "base_n": None,
                    **{
                        c: problems.check(f.name, line, c, parse_optional_count, r[c])
                        for c in cols[3:]
                    },
                    # Perceiving a high level of ASB: lower is better.
                    "polarity": "lower_is_better",
                    "source": f"{CSEW} via iQuanta, as published in the {REPORT}",
                }
            )
        surveys.append((path, rows))

    if path := _find(directory, "_csew_pt_difference.csv"):
        # The report's own "% pt. diff. from 2016" column: it computed it from unrounded
        # values, so it can differ by 0.1 from the difference of the rounded figures it printed.
        cols = ["from_year_ending", "year_ending", "measure", "pt_difference"]
        f, rows = CsvFile(path, cols), []
        for line, r in f.rows():
            start = problems.check(f.name, line, cols[0], parse_date, r[cols[0]])
            end = problems.check(f.name, line, cols[1], parse_date, r[cols[1]])
            diff = problems.check(f.name, line, cols[3], parse_number, r[cols[3]])
            rows.append(figure(f"{CSEW_DIFFERENCE}{r['measure'].strip()}", end, start, pct=diff))
        figures.append((path, rows))

    if path := _find(directory, "_confidence_survey.csv"):
        f, rows = CsvFile(path, ["period", "period_end", "question", "agree_pct"]), []
        for line, r in f.rows():
            end = problems.check(f.name, line, "period_end", parse_date, r["period_end"])
            months = problems.check(f.name, line, "period", _months_in_label, r["period"])
            rows.append(
                {
                    "survey": CONFIDENCE,
                    "question": r["question"].strip(),
                    "area_id": force_id,
                    "period_start": end and months and period_start_for(end, months),
                    "period_end": end,
                    "pct": problems.check(f.name, line, "agree_pct", parse_pct, r["agree_pct"]),
                    "base_n": None,
                    "msg_rank": None,
                    "msg_of": None,
                    "national_rank": None,
                    "national_of": None,
                    "polarity": "higher_is_better",
                    "source": f"{CONFIDENCE}, as published in the {REPORT}",
                }
            )
        surveys.append((path, rows))

    if not figures and not surveys:
        problems.append(Problem(str(directory), None, None, "no published tables found"))
    problems.raise_if_any()
    _merge_duplicate_figures(figures)

    reports = []
    with engine.begin() as conn:
        for path, rows in figures:
            _replace_figures(conn, rows)
            reports.append(LoadReport("published", path.name, len(rows), len(rows)))
            record_load(conn, reports[-1], path, command)
        for path, rows in surveys:
            write_survey_results(conn, rows)
            reports.append(LoadReport("published-survey", path.name, len(rows), len(rows)))
            record_load(conn, reports[-1], path, command)
    return reports


def _merge_duplicate_figures(figures: list[tuple[Path, list[dict]]]) -> None:
    """The same figure printed in two tables must agree; keep one copy of it."""
    seen: dict[tuple, tuple[str, dict]] = {}
    problems = []
    for path, rows in figures:
        kept = []
        for row in rows:
            key = (row["measure"], row["period_end"], row["kind"])
            if key in seen:
                other_file, other = seen[key]
                if (other["count"], other["pct"]) != (row["count"], row["pct"]):
                    problems.append(
                        Problem(
                            path.name,
                            None,
                            None,
                            f"{key[0]} to {key[1]} is {row['count'] or row['pct']} here but "
                            f"{other['count'] or other['pct']} in {other_file}",
                        )
                    )
                continue
            seen[key] = (path.name, row)
            kept.append(row)
        rows[:] = kept
    if problems:
        raise LoadRejected(problems)


def _replace_figures(conn, rows: list[dict]) -> None:
    replace_rows(conn, PublishedFigure, ("measure", "area_id", "period_end", "kind"), rows)

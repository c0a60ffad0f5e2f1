"""Loaders for the generic CSV templates a force fills from its own systems.

Columns of each template are documented in the README and shown by `asb-dashboard templates`;
an example of each ships in dashboard/data/examples/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, insert

from dashboard.core.models import (
    CATEGORIES,
    Area,
    AsbIncidentMonth,
    Event,
    MsgMeasure,
    SurveyResult,
    Target,
)
from dashboard.loaders.base import (
    INSERT_CHUNK,
    AreaIndex,
    LoadReport,
    record_load,
    replace_rows,
    slug,
)
from dashboard.loaders.errors import Problem
from dashboard.loaders.geography import rebuild_closure
from dashboard.loaders.reading import (
    CsvFile,
    ProblemList,
    parse_bool,
    parse_choice,
    parse_count,
    parse_date,
    parse_month,
    parse_number,
    parse_optional_count,
    parse_pct,
)

AREA_TYPES = ("force", "lpa", "district", "local_authority", "lsoa")
POLARITIES = ("higher_is_better", "lower_is_better")


@dataclass(frozen=True)
class Template:
    """A load template: its required and optional columns and the description the CLI shows."""

    name: str
    required: list[str]
    optional: list[str]
    description: str


TEMPLATES = {
    "incidents": Template(
        "incidents",
        ["month", "area_type", "area", "category", "covid_breach", "incidents"],
        ["attended", "source"],
        "ASB incidents by month, area, NSIR category and Covid-breach flag, with the number "
        "attended. A file replaces the force's incident series for every month it contains, so "
        "each month must be complete.",
    ),
    "surveys": Template(
        "surveys",
        ["survey", "question", "area_type", "area", "period_start", "period_end", "pct"],
        [
            "base_n",
            "msg_rank",
            "msg_of",
            "national_rank",
            "national_of",
            "polarity",
            "source",
        ],
        "Survey results (% of respondents). Replaces the same survey, question, area and period.",
    ),
    "msg": Template(
        "msg",
        ["force", "measure", "period_start", "period_end", "value", "population"],
        ["population_year", "polarity", "source"],
        "A 12-month count and population per force in the Most Similar Group. Forces not yet "
        "known are added. Replaces the same force, measure and period.",
    ),
    "targets": Template(
        "targets",
        [
            "measure",
            "area_type",
            "area",
            "direction",
            "baseline_period_start",
            "baseline_period_end",
            "baseline_value",
            "target_period_end",
            "target_value",
        ],
        ["description", "source"],
        "Plan targets. Replaces the target for the same measure and area.",
    ),
    "events": Template(
        "events",
        ["date", "title"],
        ["description", "source"],
        "Dated events to annotate on time series. Replaces the same date and title.",
    ),
}


def _area(problems: ProblemList, index: AreaIndex, name: str, line: int, row: dict) -> int | None:
    kind = problems.check(name, line, "area_type", parse_choice, row["area_type"], AREA_TYPES)
    if kind is None:
        return None
    return problems.check(name, line, "area", index.resolve, kind, row["area"])


def _repeat(problems: ProblemList, seen: dict, name: str, line: int, key: tuple) -> None:
    """Two rows with one key would overwrite each other (or break the table's unique key)."""
    if None in key:
        return  # already reported as a bad value
    if key in seen:
        problems.append(Problem(name, line, None, f"repeats line {seen[key]}"))
    else:
        seen[key] = line


def _incident_rows(csv_file: CsvFile, index: AreaIndex, problems: ProblemList) -> list[dict]:
    rows: list = []
    seen: dict[tuple, int] = {}
    for line, row in csv_file.rows():
        n = csv_file.name
        month = problems.check(n, line, "month", parse_month, row["month"])
        area_id = _area(problems, index, n, line, row)
        category = problems.check(n, line, "category", parse_choice, row["category"], CATEGORIES)
        covid = problems.check(n, line, "covid_breach", parse_bool, row["covid_breach"])
        incidents = problems.check(n, line, "incidents", parse_count, row["incidents"])
        attended = problems.check(
            n, line, "attended", parse_optional_count, row.get("attended", "")
        )
        if incidents is not None and attended is not None and attended > incidents:
            problems.append(
                Problem(n, line, "attended", f"{attended} attended exceeds {incidents} incidents")
            )
        _repeat(problems, seen, n, line, (month, area_id, category, covid))
        rows.append(
            {
                "dataset": "force",
                "month": month,
                "area_id": area_id,
                "category": category,
                "covid_breach": covid,
                "incidents": incidents,
                "attended": attended,
                "source": (row.get("source") or "force").strip() or "force",
            }
        )
    return rows


def _write_incidents(conn, rows: list[dict], load_id: int) -> None:
    months = sorted({r["month"] for r in rows})
    conn.execute(
        delete(AsbIncidentMonth).where(
            AsbIncidentMonth.dataset == "force", AsbIncidentMonth.month.in_(months)
        )
    )
    for row in rows:
        row["load_id"] = load_id  # in place: a copy of every row would double the memory held
    for start in range(0, len(rows), INSERT_CHUNK):
        conn.execute(insert(AsbIncidentMonth), rows[start : start + INSERT_CHUNK])


def _period(problems, n, line, row, start_col, end_col):
    start = problems.check(n, line, start_col, parse_date, row[start_col])
    end = problems.check(n, line, end_col, parse_date, row[end_col])
    if start and end and start > end:
        problems.append(Problem(n, line, start_col, f"{start} is after {end}"))
    return start, end


def _survey_rows(csv_file: CsvFile, index: AreaIndex, problems: ProblemList) -> list[dict]:
    rows: list = []
    seen: dict[tuple, int] = {}
    for line, row in csv_file.rows():
        n = csv_file.name
        start, end = _period(problems, n, line, row, "period_start", "period_end")
        polarity = row.get("polarity", "").strip() or "higher_is_better"
        survey, question = row["survey"].strip(), row["question"].strip()
        area_id = _area(problems, index, n, line, row)
        _repeat(problems, seen, n, line, (survey, question, area_id, end))
        rows.append(
            {
                "survey": survey,
                "question": question,
                "area_id": area_id,
                "period_start": start,
                "period_end": end,
                "pct": problems.check(n, line, "pct", parse_pct, row["pct"]),
                "base_n": problems.check(
                    n, line, "base_n", parse_optional_count, row.get("base_n", "")
                ),
                "msg_rank": problems.check(
                    n, line, "msg_rank", parse_optional_count, row.get("msg_rank", "")
                ),
                "msg_of": problems.check(
                    n, line, "msg_of", parse_optional_count, row.get("msg_of", "")
                ),
                "national_rank": problems.check(
                    n, line, "national_rank", parse_optional_count, row.get("national_rank", "")
                ),
                "national_of": problems.check(
                    n, line, "national_of", parse_optional_count, row.get("national_of", "")
                ),
                "polarity": problems.check(n, line, "polarity", parse_choice, polarity, POLARITIES),
                "source": row.get("source", "").strip() or csv_file.name,
            }
        )
        for col in ("survey", "question"):
            if not row[col].strip():
                problems.append(Problem(n, line, col, "is blank"))
    return rows


def write_survey_results(conn, rows: list[dict]) -> None:
    """Write survey rows in place of any for the same survey, question, area and period end."""
    replace_rows(conn, SurveyResult, ("survey", "question", "area_id", "period_end"), rows)


def _msg_rows(csv_file: CsvFile, index: AreaIndex, problems: ProblemList) -> list[dict]:
    rows: list = []
    seen: dict[tuple, int] = {}
    for line, row in csv_file.rows():
        n = csv_file.name
        start, end = _period(problems, n, line, row, "period_start", "period_end")
        key = (row["force"].strip().lower(), row["measure"].strip(), end)
        _repeat(problems, seen, n, line, key)
        population = problems.check(n, line, "population", parse_count, row["population"])
        if population == 0:
            problems.append(Problem(n, line, "population", "must be above zero"))
        polarity = row.get("polarity", "").strip() or "lower_is_better"
        if not row["force"].strip():
            problems.append(Problem(n, line, "force", "is blank"))
        rows.append(
            {
                "force": row["force"].strip(),
                "measure": row["measure"].strip(),
                "period_start": start,
                "period_end": end,
                "value": problems.check(n, line, "value", parse_count, row["value"]),
                "population": population,
                "population_year": problems.check(
                    n, line, "population_year", parse_optional_count, row.get("population_year", "")
                ),
                "polarity": problems.check(n, line, "polarity", parse_choice, polarity, POLARITIES),
                "source": row.get("source", "").strip() or csv_file.name,
            }
        )
    return rows


def _write_msg(conn, rows: list[dict], _load_id: int) -> None:
    index = AreaIndex(conn)
    for name in sorted({r["force"] for r in rows}):
        if ("force", name.lower()) not in index.by_name:
            conn.execute(
                insert(Area), {"code": f"force:{slug(name)}", "kind": "force", "name": name}
            )
    rebuild_closure(conn)
    index = AreaIndex(conn)
    values = [
        {k: v for k, v in r.items() if k != "force"}
        | {"force_id": index.by_name[("force", r["force"].lower())]}
        for r in rows
    ]
    replace_rows(conn, MsgMeasure, ("force_id", "measure", "period_end"), values)


def _target_rows(csv_file: CsvFile, index: AreaIndex, problems: ProblemList) -> list[dict]:
    rows: list = []
    seen: dict[tuple, int] = {}
    for line, row in csv_file.rows():
        n = csv_file.name
        area_id = _area(problems, index, n, line, row)
        _repeat(problems, seen, n, line, (row["measure"].strip(), area_id))
        start, end = _period(problems, n, line, row, "baseline_period_start", "baseline_period_end")
        target_end = problems.check(
            n, line, "target_period_end", parse_date, row["target_period_end"]
        )
        if end and target_end and target_end <= end:
            problems.append(
                Problem(n, line, "target_period_end", "must be after the baseline period")
            )
        rows.append(
            {
                "measure": row["measure"].strip(),
                "area_id": area_id,
                "direction": problems.check(
                    n, line, "direction", parse_choice, row["direction"], ("decrease", "increase")
                ),
                "baseline_period_start": start,
                "baseline_period_end": end,
                "baseline_value": problems.check(
                    n, line, "baseline_value", parse_number, row["baseline_value"]
                ),
                "target_period_end": target_end,
                "target_value": problems.check(
                    n, line, "target_value", parse_number, row["target_value"]
                ),
                "description": row.get("description", "").strip(),
                "source": row.get("source", "").strip() or csv_file.name,
            }
        )
    return rows


def _write_targets(conn, rows: list[dict], _load_id: int) -> None:
    replace_rows(conn, Target, ("measure", "area_id"), rows)


def _event_rows(csv_file: CsvFile, _index: AreaIndex, problems: ProblemList) -> list[dict]:
    rows: list = []
    seen: dict[tuple, int] = {}
    for line, row in csv_file.rows():
        title = row["title"].strip()
        if not title:
            problems.append(Problem(csv_file.name, line, "title", "is blank"))
        date = problems.check(csv_file.name, line, "date", parse_date, row["date"])
        _repeat(problems, seen, csv_file.name, line, (date, title))
        rows.append(
            {
                "date": date,
                "title": title,
                "description": row.get("description", "").strip(),
                "source": row.get("source", "").strip() or csv_file.name,
            }
        )
    return rows


def _write_events(conn, rows: list[dict], _load_id: int) -> None:
    replace_rows(conn, Event, ("date", "title"), rows)


def _write_surveys(conn, rows: list[dict], _load_id: int) -> None:
    write_survey_results(conn, rows)


_HANDLERS: dict[str, tuple[Callable, Callable]] = {
    "incidents": (_incident_rows, _write_incidents),
    "surveys": (_survey_rows, _write_surveys),
    "msg": (_msg_rows, _write_msg),
    "targets": (_target_rows, _write_targets),
    "events": (_event_rows, _write_events),
}


def load_template(engine: Engine, template: str, path: Path, command: str = "python") -> LoadReport:
    """Validate the whole file, then write it in one transaction (or raise LoadRejected)."""
    spec = TEMPLATES[template]
    parse_rows, write_rows = _HANDLERS[template]
    csv_file = CsvFile(Path(path), spec.required, spec.optional)
    problems = ProblemList()
    with engine.connect() as conn:
        index = AreaIndex(conn)
    rows = parse_rows(csv_file, index, problems)  # an empty file is refused as it is read
    problems.raise_if_any()
    report = LoadReport(f"template-{template}", csv_file.name, len(rows), len(rows))
    if template == "incidents":
        months = sorted({r["month"] for r in rows})
        report.notes.append(
            f"months {months[0]:%Y-%m} to {months[-1]:%Y-%m} ({len(months)}) replaced; "
            f"{sum(r['incidents'] for r in rows):,} incidents"
        )
    with engine.begin() as conn:
        load_id = record_load(conn, report, Path(path), command)
        write_rows(conn, rows, load_id)
    return report

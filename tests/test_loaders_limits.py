"""Loaders on hostile input: bounded memory, one-line rejections, one load at a time.

Memory is measured as the peak RSS of a child process running the CLI (os.wait4 gives that
child's own figure), never by timing. The child also runs under RLIMIT_DATA so that a loader
which does hold its input fails with MemoryError instead of taking the machine with it.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from dashboard.cli import main
from dashboard.core.database import load_lock, make_engine, upgrade
from dashboard.core.models import AsbIncidentMonth
from dashboard.loaders.errors import LoadRejected
from dashboard.loaders.templates import load_template
from tests.conftest import ROOT, geography_database, table_counts

MiB = 1 << 20
CHILD_DATA_LIMIT = 2048 * MiB  # far above what a bounded loader needs (under 400 MB)
HANG_GUARD_SECONDS = 300  # only ends a child that hangs; no assertion depends on time
STREET_HEADER = (
    b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    b"Crime type,Last outcome category,Context\n"
)
STREET_ROW = (
    b",2018-01,Essex Police,Essex Police,0.9,51.9,On or near X,E01021637,Colchester 018A,"
    b"Anti-social behaviour,,\n"
)
INCIDENTS_HEADER = "month,area_type,area,category,covid_breach,incidents,attended\n"
CHILD = (
    "import resource, sys\n"
    f"resource.setrlimit(resource.RLIMIT_DATA, ({CHILD_DATA_LIMIT}, {CHILD_DATA_LIMIT}))\n"
    "from dashboard.cli import main\n"
    "sys.exit(main())\n"
)


def _env(url: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "ASB_INSTANCE_DIR": str(instance),
    }


def _cli(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, *args], cwd=ROOT, env=env, **kwargs)


# Linux carries a process's peak RSS across exec, and a child spawned straight from this
# (large) test process starts with this process's peak. So a small launcher process starts the
# CLI and reports that grandchild's own peak, which starts from the launcher's few megabytes.
LAUNCHER = (
    "import os, subprocess, sys\n"
    "out, args = sys.argv[1], sys.argv[2:]\n"
    "proc = subprocess.Popen([sys.executable, '-c', os.environ['ASB_CHILD'], *args])\n"
    "_, status, usage = os.wait4(proc.pid, 0)\n"
    "open(out, 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_measured(args: list[str], env: dict[str, str]) -> tuple[int, str, int]:
    """Exit code, stderr and peak RSS (MiB) of `asb-dashboard ARGS` in a child process."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(peak_file), *args],
            cwd=ROOT,
            env={**env, "ASB_CHILD": CHILD},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            proc.wait(timeout=HANG_GUARD_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()  # only a hang ends here; the assertions below then fail
            proc.wait()
        err.seek(0)
        peak = int(peak_file.read_text()) // 1024 if peak_file.exists() else -1
        return proc.returncode, err.read().decode(), peak


def gzip_repeated(path: Path, head: bytes, body: bytes, unpacked: int, tail: bytes = b"") -> Path:
    """A small .gz that unpacks to `head`, then `body` repeated to `unpacked` bytes, then `tail`."""
    block = body * max(1, MiB // len(body))
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: a gzip header
    with path.open("wb") as f:
        f.write(packer.compress(head))
        for _ in range(unpacked // len(block)):
            f.write(packer.compress(block))
        f.write(packer.compress(tail))
        f.write(packer.flush())
    return path


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory) -> tuple[str, Path]:
    """A migrated SQLite database holding the geography, for CLI runs in child processes."""
    instance = tmp_path_factory.mktemp("limits")
    url = f"sqlite:///{instance / 'asb.sqlite3'}"
    geography_database(url).dispose()
    return url, instance


def test_lim001_gzip_bomb_of_events_is_refused_not_held(cli_db, tmp_path):
    url, instance = cli_db
    bomb = gzip_repeated(
        tmp_path / "events.csv.gz", b"date,title\n", b"2021-01-01,Something happened\n", 200 * MiB
    )
    assert bomb.stat().st_size < 2 * MiB  # 200 MB of rows once unpacked: ~7 million of them
    code, err, peak = run_measured(["load", "events", str(bomb)], _env(url, instance))
    assert code == 2
    assert err.splitlines() == [
        "Rejected, the database was not changed: events.csv.gz, line 250002: the file has over "
        "250,000 rows, too many to check whole; split it (by month or year) and load each part"
    ]
    assert peak < 400  # holding 7 million rows would take several GB


@pytest.mark.parametrize(
    ("command", "name"),
    [("events", "events.csv"), ("police-uk", "2018-01-essex-street.csv.gz")],
)
def test_lim002_a_50_mb_line_is_refused_at_its_line_without_reading_it_whole(
    cli_db, tmp_path, command, name
):
    """A plain template file, and a gzipped street file (the row-by-row fallback reads it)."""
    url, instance = cli_db
    if command == "events":
        head, tail = b"date,title\n2021-01-01,ok\n2021-01-02,", b"\n"
        long = tmp_path / name
        long.write_bytes(head + b"y" * (50 * MiB) + tail)
    else:
        head = STREET_HEADER + STREET_ROW + b",2018-01,Essex Police,Essex Police,0.9,51.9,"
        tail = b",E01021637,Colchester 018A,Anti-social behaviour,,\n"
        long = gzip_repeated(tmp_path / name, head, b"z" * MiB, 50 * MiB, tail)
    short = tmp_path / "short" / name  # the same command on a short bad line 3: the baseline
    short.parent.mkdir()
    with (gzip.open if name.endswith(".gz") else open)(short, "wb") as f:
        f.write(head + b"\xe9" + tail)  # not UTF-8
    env = _env(url, instance)
    _, _, baseline = run_measured(["load", command, str(short)], env)
    code, err, peak = run_measured(["load", command, str(long)], env)
    assert code == 2
    assert err.splitlines() == [
        f"Rejected, the database was not changed: {name}, line 3: the line is longer than 1 MiB, "
        "the limit (is this a CSV file? a quote left open runs on over the lines after it)"
    ]
    assert peak - baseline < 20  # holding the line, as bytes and as text, would add 100 MB


def test_lim003_gzip_bomb_of_street_rows_streams_in_bounded_memory(cli_db, tmp_path):
    url, instance = cli_db
    bomb = gzip_repeated(
        tmp_path / "2018-01-essex-street.csv.gz", STREET_HEADER, STREET_ROW, 200 * MiB
    )
    rows = 200 * MiB // (MiB // len(STREET_ROW) * len(STREET_ROW)) * (MiB // len(STREET_ROW))
    code, err, peak = run_measured(["load", "police-uk", str(bomb)], _env(url, instance))
    assert code == 0, err
    assert peak < 512  # the street path streams: Arrow blocks of 2 MiB, counts only
    engine = make_engine(url)
    with engine.connect() as conn:
        loaded = conn.execute(
            select(func.sum(AsbIncidentMonth.incidents)).where(
                AsbIncidentMonth.dataset == "police_uk"
            )
        ).scalar_one()
    engine.dispose()
    assert loaded == rows == 1_959_800


def _unchanged_counts(engine) -> dict[str, int]:
    """Every table's row count but the audit log's (a rejection is audited)."""
    return {k: v for k, v in table_counts(engine).items() if k != "audit_event"}


def _truncated_gzip(path: Path) -> Path:
    whole = gzip.compress(b"date,title\n" + b"2021-01-01,Something\n" * 5000)
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _street_with(path: Path, header: bytes, row: bytes) -> Path:
    path.write_bytes(header + STREET_ROW + row)
    return path


BAD_INPUTS = {
    "nul": (
        "events",
        lambda d: (d / "nul.csv", b"date,title\n2021-01-02,a\x00b\n"),
        "nul.csv, line 2: contains a NUL byte (position 13); is this a CSV text file?",
    ),
    "directory": (
        "events",
        lambda d: (d / "folder", None),
        "folder: cannot be read (Is a directory)",
    ),
    "missing": (
        "events",
        lambda d: (d / "gone.csv", "missing"),
        "gone.csv: cannot be read (No such file or directory)",
    ),
    "not-gzip": (
        "events",
        lambda d: (d / "plain.csv.gz", b"date,title\n2021-01-02,x\n"),
        "plain.csv.gz, line 1: not a valid gzip file (Not a gzipped file (b'da'))",
    ),
    "encoding": (
        "events",
        lambda d: (d / "latin1.csv", b"date,title\n2021-01-02,caf\xe9\n"),
        "latin1.csv, line 2: not valid UTF-8 (byte 0xe9 at position 15); save the file as UTF-8 "
        "and load it again",
    ),
    "repeated-column": (
        "events",
        lambda d: (d / "twice.csv", b"date,title,Title\n2021-01-02,a,b\n"),
        "twice.csv, line 1, column 'title': appears 2 times in the header",
    ),
    "street-nul": (
        "police-uk",
        lambda d: (d / "2018-01-essex-street.csv", STREET_HEADER + STREET_ROW + b"\x00\n"),
        "2018-01-essex-street.csv, line 3: contains a NUL byte (position 1); is this a CSV text "
        "file?",
    ),
    "street-repeated-column": (
        "police-uk",
        lambda d: (
            d / "2018-02-essex-street.csv",
            STREET_HEADER.replace(b"Context", b"month") + STREET_ROW,
        ),
        "2018-02-essex-street.csv, line 1, column 'month': appears 2 times in the header",
    ),
    "street-directory": (
        "police-uk",
        lambda d: (d / "folder", None),
        "folder: cannot be read (Is a directory)",
    ),
    "published-not-a-folder": (
        "published",
        lambda d: (d / "table.csv", b"a,b\n1,2\n"),
        "{d}/table.csv: not a folder",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_lim004_bad_input_is_one_line_on_stderr_and_exit_2(cli_db, tmp_path, case):
    url, instance = cli_db
    command, make, expected = BAD_INPUTS[case]
    path, content = make(tmp_path)
    if content is None:
        path.mkdir()
    elif content != "missing":
        path.write_bytes(content)
    engine = make_engine(url)
    before = _unchanged_counts(engine)
    result = CliRunner().invoke(
        main,
        ["load", command, str(path)],
        env={"DATABASE_URL": url, "ASB_INSTANCE_DIR": str(instance)},
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "Rejected, the database was not changed: " + expected.format(d=tmp_path)
    ]
    assert _unchanged_counts(engine) == before
    engine.dispose()


def test_lim005_truncated_gzip_names_the_line_it_ends_at(cli_db, tmp_path):
    url, instance = cli_db
    path = _truncated_gzip(tmp_path / "cut.csv.gz")
    result = CliRunner().invoke(
        main,
        ["load", "events", str(path)],
        env={"DATABASE_URL": url, "ASB_INSTANCE_DIR": str(instance)},
    )
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("Rejected, the database was not changed: cut.csv.gz, line ")
    assert line.endswith(
        ": not a valid gzip file (Compressed file ended before the end-of-stream marker was "
        "reached)"
    )


@pytest.mark.parametrize(
    ("districts", "lsoas", "expected"),
    [
        ("header", "shipped", "districts.csv, line 2: the file has a header but no rows"),
        ("empty", "shipped", "districts.csv, line 1: the file is empty"),
        ("shipped", "header", "lsoas.csv, line 2: the file has a header but no rows"),
    ],
)
def test_lim006_empty_or_header_only_geography_is_rejected(
    cli_db, tmp_path, districts, lsoas, expected
):
    from dashboard.loaders.bootstrap import DATA

    url, instance = cli_db
    shipped = {
        "districts.csv": DATA / "geography" / "essex_geography.csv",
        "lsoas.csv": DATA / "geography" / "essex_lsoa.csv",
    }
    for name, kind in (("districts.csv", districts), ("lsoas.csv", lsoas)):
        header = shipped[name].read_text(encoding="utf-8").splitlines(keepends=True)[0]
        text = {"header": header, "empty": "", "shipped": shipped[name].read_text()}[kind]
        (tmp_path / name).write_text(text, encoding="utf-8")
    engine = make_engine(url)
    before = _unchanged_counts(engine)
    result = CliRunner().invoke(
        main,
        ["load", "geography", *(str(tmp_path / n) for n in shipped), "--force", "Essex Police"],
        env={"DATABASE_URL": url, "ASB_INSTANCE_DIR": str(instance)},
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Rejected, the database was not changed: {expected}"]
    assert _unchanged_counts(engine) == before
    engine.dispose()


def test_lim007_problems_are_counted_past_the_thousand_kept(geo_engine, tmp_path):
    path = tmp_path / "incidents.csv"
    bad = (
        f"{2000 + i // 12}-{i % 12 + 1:02d},district,Colchester,nuisance,false,-1,0\n"
        for i in range(5000)
    )  # one problem a row: a negative count
    path.write_text(INCIDENTS_HEADER + "".join(bad), encoding="utf-8")
    with pytest.raises(LoadRejected) as caught:
        load_template(geo_engine, "incidents", path)
    rejected = caught.value
    assert (len(rejected.problems), rejected.more) == (1000, 4000)
    assert rejected.problems[0].line == 2 and rejected.problems[-1].line == 1001
    message = str(rejected).splitlines()
    assert message[0] == "Rejected: 5,000 problem(s) found; the database was not changed."
    assert message[-1] == "  ... and 4,980 more problem(s)"


def test_lim008_a_held_file_over_the_size_limit_is_refused(geo_engine, tmp_path, monkeypatch):
    from dashboard.loaders import reading

    monkeypatch.setattr(reading, "MAX_HELD_BYTES", 2 * MiB)
    path = tmp_path / "events.csv"
    rows = (f"2021-01-01,Event {i:05d},{'d' * 100}\n" for i in range(30_000))  # 124 bytes
    path.write_text("date,title,description\n" + "".join(rows), encoding="utf-8")
    before = table_counts(geo_engine)
    with pytest.raises(LoadRejected) as caught:
        load_template(geo_engine, "events", path)
    (problem,) = caught.value.problems
    assert problem.line == (2 * MiB - len("date,title,description\n")) // 124 + 2  # over here
    assert problem.message == (
        "the file is over 2 MiB unpacked, too large to check whole; split it (by month or year) "
        "and load each part"
    )
    assert table_counts(geo_engine) == before


def test_lim009_a_quoted_value_left_open_is_bounded_like_a_line(geo_engine, tmp_path):
    """Each line closes one quoted value and opens the next: one record that never ends."""
    path = tmp_path / "events.csv"
    endless = "".join(f'{"x" * 1000}","\n' for _ in range(3000))
    path.write_text('date,title\n2021-01-01,ok\n2021-01-02,"' + endless, encoding="utf-8")
    with pytest.raises(LoadRejected) as caught:
        load_template(geo_engine, "events", path)
    assert str(caught.value) == (
        "Rejected, the database was not changed: events.csv, line 3: the line is longer than "
        "1 MiB, the limit (is this a CSV file? a quote left open runs on over the lines after it)"
    )


def test_lim010_street_file_with_too_many_distinct_counts_is_refused(
    geo_engine, tmp_path, monkeypatch
):
    """Both paths give up past MAX_COUNT_KEYS (month, LSOA) counts; the careful one says where."""
    import dashboard.loaders.police_uk as police_uk
    import dashboard.loaders.street_fast as street_fast
    from dashboard.loaders.bootstrap import DATA

    monkeypatch.setattr(police_uk, "MAX_COUNT_KEYS", 10)
    monkeypatch.setattr(street_fast, "MAX_COUNT_KEYS", 10)
    monkeypatch.setattr(street_fast, "MERGE_EVERY", 1)
    source = DATA / "police_uk" / "2018-01-essex-street-asb.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    path = tmp_path / "2018-01-essex-street.csv"
    path.write_text("".join(lines[:40]), encoding="utf-8")
    assert street_fast.street_counts(path) is None
    before = table_counts(geo_engine)
    with pytest.raises(LoadRejected) as caught:
        police_uk.load_street_files(geo_engine, [path])
    (problem,) = caught.value.problems
    assert problem.file == path.name and 2 < problem.line <= 40
    assert problem.message == (
        "over 10 distinct months and LSOAs in one file; police.uk publishes a file per force "
        "and month: load those"
    )
    assert table_counts(geo_engine) == before


def test_lim011_rows_outside_the_force_name_at_most_so_many_areas(
    geo_engine, tmp_path, monkeypatch
):
    import dashboard.loaders.police_uk as police_uk

    monkeypatch.setattr(police_uk, "MAX_OUTSIDE_NAMES", 2)
    outside = b"".join(
        STREET_ROW.replace(b"E01021637,Colchester 018A", f"W0{i},Place{i} 001A".encode())
        for i in range(5)
    )
    path = _street_with(tmp_path / "2018-01-x-street.csv", STREET_HEADER, outside)
    (report,) = police_uk.load_street_files(geo_engine, [path])
    assert (report.rows_loaded, report.rows_skipped) == (1, 5)
    assert report.notes[2] == (
        "5 ASB rows outside the force area, not loaded (other areas 3, Place0 1, Place1 1)"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "crimes.json: not valid JSON: Expecting property name enclosed in double"),
        (b"{}", "crimes.json: expected a JSON list of crimes"),
        (b"[" * 100_000 + b"]" * 100_000, "crimes.json: not valid JSON: maximum recursion depth"),
        (b"[1]", "crimes.json, line 1: not a crime (a JSON object)"),
        (b"[" + b" " * (40 * MiB) + b"]", "crimes.json: over 32 MiB, larger than the API returns"),
    ],
)
def test_lim012_api_json_problems_are_rejected_not_raised(geo_engine, tmp_path, content, expected):
    from dashboard.loaders.police_uk import load_api_file

    path = tmp_path / "crimes.json"
    path.write_bytes(content)
    with pytest.raises(LoadRejected) as caught:
        load_api_file(geo_engine, path)
    assert str(caught.value.problems[0]).startswith(expected)


@pytest.mark.parametrize(
    ("template", "header", "row"),
    [
        ("events", "date,title", "2021-01-01,Launch"),
        (
            "targets",
            "measure,area_type,area,direction,baseline_period_start,baseline_period_end,"
            "baseline_value,target_period_end,target_value",
            "asb_incidents,district,Colchester,decrease,2019-04-01,2020-03-31,100,2022-03-31,90",
        ),
        (
            "surveys",
            "survey,question,area_type,area,period_start,period_end,pct",
            "S,Q,district,Colchester,2020-04-01,2021-03-31,50",
        ),
        (
            "msg",
            "force,measure,period_start,period_end,value,population",
            "Kent Police,asb_incidents,2020-04-01,2021-03-31,100,1000",
        ),
    ],
)
def test_lim013_a_repeated_key_names_both_lines(geo_engine, tmp_path, template, header, row):
    """Two rows for one key would overwrite each other (or break the unique key): rejected."""
    path = tmp_path / f"{template}.csv"
    path.write_text(f"{header}\n{row}\n{row}\n", encoding="utf-8")
    before = table_counts(geo_engine)
    with pytest.raises(LoadRejected) as caught:
        load_template(geo_engine, template, path)
    assert str(caught.value) == (
        f"Rejected, the database was not changed: {template}.csv, line 3: repeats line 2"
    )
    assert table_counts(geo_engine) == before


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_url(request, tmp_path) -> str:
    """A new database on each back end: a SQLite file, and a scratch PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'asb.sqlite3'}"
    return request.getfixturevalue("scratch_postgres")


def test_lim014_a_nul_byte_is_rejected_before_the_database_sees_it(backend_url, tmp_path):
    engine = make_engine(backend_url)
    upgrade(engine)
    path = tmp_path / "events.csv"
    path.write_bytes(b"date,title\n2021-01-01,ok\n2021-01-02,a\x00b\n")
    before = table_counts(engine)
    with pytest.raises(LoadRejected, match=r"events.csv, line 3: contains a NUL byte"):
        load_template(engine, "events", path)
    assert table_counts(engine) == before
    engine.dispose()


WAITING = "Another load is running; waiting… (at most {:g} s: see --lock-timeout)"


def test_lim015_a_load_gives_up_after_the_lock_timeout(backend_url, tmp_path):
    engine = make_engine(backend_url)
    upgrade(engine)
    path = tmp_path / "events.csv"
    path.write_text("date,title\n2021-01-01,Launch\n", encoding="utf-8")
    before = _unchanged_counts(engine)
    with load_lock(engine):  # another load, as far as the CLI can tell
        result = CliRunner().invoke(
            main,
            ["load", "--lock-timeout", "0", "events", str(path)],
            env={"DATABASE_URL": backend_url, "ASB_INSTANCE_DIR": str(tmp_path)},
        )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        WAITING.format(0),
        "Another load is still running after 0 s; gave up, nothing was loaded (try again when "
        "it has finished)",
    ]
    assert _unchanged_counts(engine) == before
    engine.dispose()


def _first_stderr_line(proc: subprocess.Popen) -> str:
    """The child's first line on stderr (the thread only guards against a hang)."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stderr.readline()))
    reader.start()
    reader.join(HANG_GUARD_SECONDS)
    if reader.is_alive():
        proc.kill()
        reader.join()
    return line[0] if line else ""


def test_lim016_concurrent_loads_of_the_same_new_months_run_one_after_the_other(
    backend_url, tmp_path
):
    """Two `load incidents` of overlapping months not yet held: without the lock both find no
    month to delete, both insert, and one fails on the unique key."""
    engine = geography_database(backend_url)
    files = []
    for name, months in (("a.csv", ("2031-01", "2031-02")), ("b.csv", ("2031-02", "2031-03"))):
        rows = "".join(f"{m},district,Colchester,nuisance,false,10,4\n" for m in months)
        (tmp_path / name).write_text(INCIDENTS_HEADER + rows, encoding="utf-8")
        files.append(tmp_path / name)
    env = {**_env(backend_url, tmp_path), "PYTHONIOENCODING": "utf-8"}
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "encoding": "utf-8"}
    with load_lock(engine):  # both start while a load runs, so both must wait for the lock
        procs = [_cli(["load", "incidents", str(f)], env, **pipes) for f in files]
        waiting = [_first_stderr_line(p) for p in procs]
    outcomes = [p.communicate(timeout=HANG_GUARD_SECONDS) for p in procs]
    assert waiting == [WAITING.format(3600) + "\n"] * 2
    for proc, (out, err) in zip(procs, outcomes, strict=True):
        assert (proc.returncode, err) == (0, ""), err  # no UniqueViolation, no traceback
        assert "2 of 2 rows loaded (template-incidents)" in out
    with engine.connect() as conn:
        by_month = conn.execute(
            select(AsbIncidentMonth.month, func.sum(AsbIncidentMonth.incidents))
            .where(AsbIncidentMonth.dataset == "force")
            .group_by(AsbIncidentMonth.month)
            .order_by(AsbIncidentMonth.month)
        ).all()
    assert [(f"{m:%Y-%m}", n) for m, n in by_month] == [
        ("2031-01", 10),
        ("2031-02", 10),  # replaced by the second load, not doubled
        ("2031-03", 10),
    ]
    engine.dispose()

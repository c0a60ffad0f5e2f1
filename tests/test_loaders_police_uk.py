"""police.uk loaders on the real files: counts, out-of-area rows, replacement, rejection."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from dashboard.core.models import Area, AreaClosure, AsbIncidentMonth, DataLoad
from dashboard.loaders.bootstrap import DATA
from dashboard.loaders.errors import LoadRejected
from dashboard.loaders.police_uk import load_api_file, load_street_files
from tests.conftest import geography_database, table_counts

PUBLISHED_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n"
)


def police_uk_by_local_authority(engine) -> dict[str, int]:
    la = aliased(Area)
    with engine.connect() as conn:
        rows = conn.execute(
            select(la.name, func.sum(AsbIncidentMonth.incidents))
            .join(AreaClosure, AreaClosure.descendant_id == AsbIncidentMonth.area_id)
            .join(la, la.id == AreaClosure.ancestor_id)
            .where(la.kind == "local_authority", AsbIncidentMonth.dataset == "police_uk")
            .group_by(la.name)
        ).all()
    return dict(rows)


def test_puk001_seven_essex_files_as_published(geo_engine, shared_data):
    files = sorted((shared_data / "police_uk_street" / "essex").glob("2018-0*-essex-street.csv"))
    assert len(files) == 7
    reports = load_street_files(geo_engine, files)
    assert sum(r.rows_read for r in reports) == 28_750  # every ASB row in the seven files
    assert sum(r.rows_loaded for r in reports) == 28_714  # inside the 1,077 force LSOAs
    assert sum(r.rows_skipped for r in reports) == 36  # reported, not silently dropped
    assert any("Waltham Forest" in note for r in reports for note in r.notes)
    by_la = police_uk_by_local_authority(geo_engine)
    assert by_la["Southend-on-Sea"] == 4_146
    assert by_la["Maldon"] == 540
    assert by_la["Basildon"] == 3_250
    assert sum(by_la.values()) == 28_714


def test_puk002_shipped_extract_equals_shared_files(geo_engine, shared_data, tmp_path):
    """The package ships ASB-only gzip extracts; they must load to exactly the same counts."""
    shipped = sorted((DATA / "police_uk").glob("*.csv.gz"))
    load_street_files(geo_engine, shipped)
    from_extract = police_uk_by_local_authority(geo_engine)
    other = tmp_path / "other.sqlite3"
    engine = geography_database(f"sqlite:///{other}")
    load_street_files(engine, sorted((shared_data / "police_uk_street" / "essex").glob("*.csv")))
    assert police_uk_by_local_authority(engine) == from_extract


def _published_header_copy(source: Path, target: Path) -> Path:
    """The same rows under the header police.uk itself publishes (Crime ID, Month, ...)."""
    with gzip.open(source, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    target.write_text(PUBLISHED_HEADER + "".join(lines[1:]), encoding="utf-8")
    return target


def test_puk003_published_header_accepted(geo_engine, tmp_path):
    path = _published_header_copy(
        DATA / "police_uk" / "2018-01-essex-street-asb.csv.gz",
        tmp_path / "2018-01-essex-street.csv",
    )
    (report,) = load_street_files(geo_engine, [path])
    assert (report.rows_read, report.rows_loaded, report.rows_skipped) == (3_420, 3_415, 5)


def test_puk004_loading_a_month_twice_replaces_it(geo_engine):
    path = DATA / "police_uk" / "2018-02-essex-street-asb.csv.gz"
    load_street_files(geo_engine, [path])
    first = police_uk_by_local_authority(geo_engine)
    load_street_files(geo_engine, [path])
    assert police_uk_by_local_authority(geo_engine) == first
    assert sum(first.values()) == 3_236
    with geo_engine.connect() as conn:
        loads = conn.execute(
            select(DataLoad.sha256, DataLoad.rows_loaded).where(DataLoad.kind == "police-uk-street")
        ).all()
    assert len(loads) == 2 and loads[0] == loads[1] and len(loads[0][0]) == 64


def _break_line(source: Path, target: Path, line_no: int, old: str, new: str) -> Path:
    with gzip.open(source, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    assert old in lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    target.write_text("".join(lines), encoding="utf-8")
    return target


def test_puk005_bad_month_rejects_every_file_and_changes_nothing(geo_engine, tmp_path):
    good = DATA / "police_uk" / "2018-03-essex-street-asb.csv.gz"
    bad = _break_line(
        DATA / "police_uk" / "2018-04-essex-street-asb.csv.gz",
        tmp_path / "bad.csv",
        57,
        ",2018-04,",
        ",2018-13,",
    )
    before = table_counts(geo_engine)
    with pytest.raises(LoadRejected) as caught:
        load_street_files(geo_engine, [good, bad])
    message = str(caught.value)
    assert "bad.csv, line 57, column 'Month'" in message
    assert "'2018-13' is not a month" in message
    assert "database was not changed" in message
    assert table_counts(geo_engine) == before


def test_puk006_wrong_encoding_names_the_line(geo_engine, tmp_path):
    source = DATA / "police_uk" / "2018-05-essex-street-asb.csv.gz"
    with gzip.open(source, "rb") as f:
        lines = f.read().split(b"\n")
    lines[9] = lines[9].replace(b"On or near", b"On or n\xe9ar", 1)  # latin-1 e-acute
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"\n".join(lines))
    before = table_counts(geo_engine)
    with pytest.raises(LoadRejected, match=r"latin1.csv, line 10: not valid UTF-8"):
        load_street_files(geo_engine, [bad])
    assert table_counts(geo_engine) == before


def test_puk007_missing_column_is_named(geo_engine, tmp_path):
    bad = tmp_path / "nolsoa.csv"
    bad.write_text("month,crime_type\n2018-01,Anti-social behaviour\n", encoding="utf-8")
    with pytest.raises(LoadRejected) as caught:
        load_street_files(geo_engine, [bad])
    assert "nolsoa.csv, line 1, column 'lsoa_code': required column missing" in str(caught.value)


def test_puk008_same_month_in_two_files_rejected(geo_engine, tmp_path):
    path = DATA / "police_uk" / "2018-06-essex-street-asb.csv.gz"
    copy = tmp_path / "copy.csv.gz"
    shutil.copyfile(path, copy)
    with pytest.raises(LoadRejected, match="2018-06 is also in"):
        load_street_files(geo_engine, [path, copy])


def test_puk009_api_format_places_points_in_nearest_lsoa(geo_engine, shared_data):
    report = load_api_file(geo_engine, shared_data / "police_uk_api" / "colchester" / "crime23.csv")
    assert report.rows_read == 677  # ASB records in the file
    assert report.rows_loaded + report.rows_skipped == 677
    by_la = police_uk_by_local_authority(geo_engine)
    # Colchester town centre: every placed point lands in Colchester.
    assert by_la == {"Colchester": report.rows_loaded}
    assert report.rows_loaded == 677
    with geo_engine.connect() as conn:
        months = conn.execute(
            select(func.count(func.distinct(AsbIncidentMonth.month))).where(
                AsbIncidentMonth.dataset == "police_uk"
            )
        ).scalar_one()
    assert months == 12


def test_puk010_api_json_and_far_points(geo_engine, tmp_path):
    import json

    crimes = [
        {
            "category": "anti-social-behaviour",
            "month": "2023-05",
            "location": {"latitude": "51.8891", "longitude": "0.9042"},
        },  # Colchester
        {
            "category": "anti-social-behaviour",
            "month": "2023-05",
            "location": {"latitude": "53.4808", "longitude": "-2.2426"},
        },  # Manchester
        {
            "category": "burglary",
            "month": "2023-05",
            "location": {"latitude": "51.8891", "longitude": "0.9042"},
        },
    ]
    path = tmp_path / "crimes.json"
    path.write_text(json.dumps(crimes), encoding="utf-8")
    report = load_api_file(geo_engine, path)
    assert (report.rows_read, report.rows_loaded, report.rows_skipped) == (2, 1, 1)


def test_puk011_a_failed_write_mid_load_rolls_everything_back(geo_engine, monkeypatch):
    """Writes run on a background thread, in batches: a database error in a later batch still
    reaches the caller, and the batches already written roll back with it."""
    import dashboard.loaders.police_uk as police_uk

    files = sorted((DATA / "police_uk").glob("*.csv.gz"))
    assert len(files) > 2
    monkeypatch.setattr(police_uk, "BATCH_FILES", 1)  # each file its own write
    real_insert, calls = police_uk.bulk_insert, []

    def failing_insert(conn, table, columns, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full (simulated)")
        real_insert(conn, table, columns, rows)

    monkeypatch.setattr(police_uk, "bulk_insert", failing_insert)
    before = table_counts(geo_engine)
    with pytest.raises(RuntimeError, match="disk full"):
        load_street_files(geo_engine, files)
    assert len(calls) == 2  # nothing more was written after the failure
    assert table_counts(geo_engine) == before


def test_puk012_write_behind_keeps_order_and_raises_on_the_callers_thread():
    from dashboard.loaders.write_behind import WriteBehind

    done: list[int] = []

    def job(n: int) -> None:
        if n == 3:
            raise ValueError("job 3 failed")
        done.append(n)

    with pytest.raises(ValueError, match="job 3 failed"), WriteBehind(depth=2) as writer:
        for n in range(6):
            writer.submit(job, n)  # raises here or when the block ends: the caller's thread
    assert done == [0, 1, 2]


def test_puk013_sqlite_page_cache_is_larger_only_during_a_load(geo_engine):
    from dashboard.loaders.base import bulk_load_cache

    with geo_engine.connect() as conn:
        default = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        with bulk_load_cache(conn, megabytes=64):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -64 * 1024
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == default


def test_puk014_spaced_month_text_adds_to_the_same_month(geo_engine, tmp_path):
    """' 2018-02' and '2018-02' are one month: their counts add up, none is overwritten."""
    source = DATA / "police_uk" / "2018-02-essex-street-asb.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    spaced = [lines[0]] + [
        line.replace(",2018-02,", ", 2018-02,", 1) if i % 2 else line
        for i, line in enumerate(lines[1:])
    ]
    assert sum(", 2018-02," in line for line in spaced) > 1000
    path = tmp_path / "2018-02-essex-street.csv"
    path.write_text("".join(spaced), encoding="utf-8")
    (report,) = load_street_files(geo_engine, [path])
    assert sum(police_uk_by_local_authority(geo_engine).values()) == 3_236  # as test_puk004
    assert report.rows_loaded == 3_236

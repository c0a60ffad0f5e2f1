"""The schema comes from migrations that match the models; the CLI loads and rejects cleanly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.core.database import make_engine, schema_is_current, upgrade
from dashboard.core.models import Base


def test_mig001_migrations_match_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_cli001_init_load_and_reject(tmp_path, monkeypatch):
    monkeypatch.setenv("ASB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    result = runner.invoke(main, ["init-db"])
    assert result.exit_code == 0, result.output
    assert "28,750" not in result.output  # reports per file, not the shared total
    assert "3,415 of 3,420 rows loaded (police-uk-street)" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "month,area_type,area,category,covid_breach,incidents,attended\n"
        "2021-04,district,Colchester,nuisance,false,-1,0\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["load", "incidents", str(bad)])
    assert result.exit_code == 2
    assert "bad.csv, line 2, column 'incidents': -1 is negative" in result.output

    result = runner.invoke(main, ["loads"])
    assert result.exit_code == 0 and "police-uk-street" in result.output
    assert "template-incidents" in result.output  # the shipped illustrative series
    assert "bad.csv" not in result.output  # the rejected file left no trace


def test_cli003_run_refuses_a_default_secret_with_a_message(tmp_path):
    from click.testing import CliRunner

    from dashboard.cli import main

    result = CliRunner().invoke(
        main, ["run"], env={"ASB_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "", "ASB_DEMO": "0"}
    )
    assert result.exit_code == 1
    assert "Refusing to start: set SECRET_KEY" in result.output
    assert "Traceback" not in result.output


STARTING_WORKER = """
import sys, time
from dashboard.loaders.bootstrap import ensure_database
from dashboard.core.database import make_engine
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))  # every worker starts at the same moment
ensure_database(make_engine(sys.argv[1]))
"""


def _start_workers_together(url: str, n: int = 3) -> list[int]:
    """n processes building the app at once, as gunicorn's workers do on a deploy."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    start = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STARTING_WORKER, url, str(start)],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    codes = []
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
        codes.append(proc.returncode)
    return codes


def _loads(url: str) -> int:
    from sqlalchemy import func, select

    from dashboard.core.models import DataLoad

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(DataLoad)).scalar_one()
    finally:
        engine.dispose()


def _single_build_loads(tmp_path) -> int:
    from dashboard.loaders.bootstrap import ensure_database

    url = f"sqlite:///{tmp_path / 'single.sqlite3'}"
    ensure_database(make_engine(url))
    return _loads(url)


@pytest.mark.slow
def test_mig002_workers_starting_together_on_sqlite_migrate_and_build_once(tmp_path):
    """A fresh database, then one a migration behind: every worker boots, the default data is
    built once, and the schema ends current."""
    expected = _single_build_loads(tmp_path)
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    _start_workers_together(url)
    assert _loads(url) == expected
    engine = make_engine(url)
    with engine.begin() as conn:  # back to revision 0003 as it was, by hand
        conn.exec_driver_sql("ALTER TABLE user_account DROP COLUMN session_generation")
        conn.exec_driver_sql(
            "CREATE INDEX ix_incident_dataset_month_area "
            "ON asb_incident_month (dataset, month, area_id)"
        )
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0003'")
    _start_workers_together(url)
    assert schema_is_current(engine) and _loads(url) == expected
    engine.dispose()


@pytest.mark.slow
def test_mig003_workers_starting_together_on_postgresql(scratch_postgres, tmp_path):
    expected = _single_build_loads(tmp_path)
    _start_workers_together(scratch_postgres)
    assert _loads(scratch_postgres) == expected
    engine = make_engine(scratch_postgres)
    assert schema_is_current(engine)
    engine.dispose()


def _downgrade(engine, revision: str) -> None:
    from alembic import command

    from dashboard.core.database import alembic_config

    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def _generations(engine) -> list:
    from sqlalchemy import inspect, text

    if "session_generation" not in {c["name"] for c in inspect(engine).get_columns("user_account")}:
        return []
    with engine.connect() as conn:
        return conn.execute(text("SELECT session_generation FROM user_account")).scalars().all()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_mig004_0005_gives_existing_accounts_a_session_generation(backend, request, tmp_path):
    """Up from 0004 with an account in place, down again, and up: on both back ends."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    else:
        url = request.getfixturevalue("scratch_postgres")
    engine = make_engine(url)
    upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO user_account (username, display_name, role, home_area, "
                "allowed_areas, active, failed_sign_ins, created_at) VALUES ('old.account', "
                "'Old', 'viewer', '', '', true, 0, CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine)
    assert schema_is_current(engine) and _generations(engine) == [0]
    _downgrade(engine, "0004")
    assert _generations(engine) == []
    # The role check survived the round trip.
    with engine.connect() as conn, pytest.raises(IntegrityError, match="ck_user_role"):
        conn.execute(text("UPDATE user_account SET role = 'root'"))
    upgrade(engine)
    assert schema_is_current(engine) and _generations(engine) == [0]
    engine.dispose()

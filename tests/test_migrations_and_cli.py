"""The schema comes from migrations that match the models; the CLI loads and rejects cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.database import make_engine, schema_is_current, upgrade
from dashboard.models import Base


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

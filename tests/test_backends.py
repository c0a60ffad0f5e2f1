"""The PostgreSQL and Redis back ends, against the real servers on this machine."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.core.database import db, make_engine
from dashboard.loaders.bootstrap import build_default_data
from tests.conftest import port_open, skip_or_fail

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/15"


@pytest.mark.postgres
def test_be001_postgres_default_data_and_figures(scratch_postgres, default_db_url):
    engine = make_engine(scratch_postgres)
    build_default_data(engine, "pytest")
    engine.dispose()
    from queries.areas import filter_areas
    from queries.incidents import twelve_month_total
    from queries.msg import msg_table

    db.configure(scratch_postgres)
    try:
        force = filter_areas()[0]
        total = twelve_month_total(force.id, dt.date(2021, 3, 1))
        assert (total.incidents, total.attended) == (60_391, 33_644)
        assert twelve_month_total(force.id, dt.date(2021, 3, 1), False).incidents == 44_995
        table = msg_table("asb_incidents", dt.date(2018, 3, 31))
        assert int(table[table["force_id"] == force.id]["rank"].iloc[0]) == 5
    finally:
        db.configure(default_db_url)


@pytest.mark.postgres
def test_be002_postgres_rejected_load_leaves_no_trace(scratch_postgres, tmp_path):
    from dashboard.core.database import upgrade
    from dashboard.loaders.errors import LoadRejected
    from dashboard.loaders.police_uk import load_street_files
    from tests.conftest import table_counts

    engine = make_engine(scratch_postgres)
    build_default_data(engine, "pytest")
    upgrade(engine)
    before = table_counts(engine)
    bad = tmp_path / "2018-08-essex-street.csv"
    bad.write_text(
        "crime_id,month,reported_by,falls_within,longitude,latitude,location,lsoa_code,lsoa_name,"
        "crime_type,last_outcome_category,context\n"
        ",2018-08,Essex Police,Essex Police,0.1,51.5,x,E01021637,Colchester 018A,"
        "Anti-social behaviour,,\n"
        ",2018-8,Essex Police,Essex Police,0.1,51.5,x,E01021637,Colchester 018A,"
        "Anti-social behaviour,,\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadRejected, match="line 3"):
        load_street_files(engine, [bad])
    assert table_counts(engine) == before
    engine.dispose()


@pytest.mark.redis
def test_be003_redis_cache_memoises_and_follows_data_version(default_db_url, tmp_path):
    if not port_open("127.0.0.1", 6379):
        skip_or_fail("services", "no Redis server on 127.0.0.1:6379")
    import redis

    from dashboard.app import create_app
    from queries.areas import filter_areas

    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    app = create_app(
        {
            "database_url": default_db_url,
            "instance_dir": tmp_path,
            "cache_redis_url": REDIS,
            "log_level": "WARNING",
            "demo": True,
        }
    )
    with app.server.app_context():
        first = filter_areas()
        keys = [k.decode() for k in client.keys("asb:*")]
        assert any("queries.areas.filter_areas" in k for k in keys)
        assert filter_areas() == first
    client.flushdb()

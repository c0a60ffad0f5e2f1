"""Pure helpers: the change test, formatting, settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.analysis.comparison import quasi_poisson_change_test
from dashboard.analysis.stats import pct_change
from dashboard.core import formatting as fmt
from dashboard.core.settings import Settings


def test_sts001_change_test_allows_for_overdispersion():
    """A 46% rise is significant; a 1.5% one is not once month-to-month noise is allowed for
    (a plain Poisson test called any force-level change over ~1.3% significant)."""
    season = [0.9, 0.95, 1.0, 1.1, 1.15, 1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.95]
    noise = [1.04, 0.97, 1.02, 0.96, 1.03, 0.98, 1.05, 0.95, 1.01, 0.99, 1.03, 0.97]
    year = [3_450 * s * e for s, e in zip(season, noise, strict=True)]
    big = quasi_poisson_change_test([*year, *[v * 1.46 for v in year[::-1]]])
    assert big.significant and big.phi > 1
    small = quasi_poisson_change_test([*year, *[v * 1.015 for v in year[::-1]]])
    assert small.significant is False
    assert quasi_poisson_change_test(year).significant is None  # 24 months needed
    assert "on modelled data" in quasi_poisson_change_test(year, modelled=True).wording


def test_sts002_pct_change_and_formatting():
    assert round(pct_change(60_391, 41_365)) == 46
    assert pct_change(5, 0) is None
    assert fmt.signed_pct(45.99) == "+46%"
    assert fmt.signed_pct(-21.7, 1) == "−21.7%"
    assert fmt.signed_pct(-0.2) == "0%"
    assert fmt.count(60391) == "60,391"
    assert [fmt.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
    ]


def test_set001_defaults_are_embedded_and_safe():
    s = Settings.from_env(environ={})
    assert s.resolved_database_url.startswith("sqlite:///")
    assert s.resolved_database_url.endswith("instance/asb_dashboard.sqlite3")
    assert s.cache_config["CACHE_TYPE"] == "SimpleCache"
    assert (s.host, s.port, s.demo) == ("127.0.0.1", 8050, False)


def test_set002_environment_overrides():
    s = Settings.from_env(
        environ={
            "DATABASE_URL": "postgres://u:p@db:5432/asb",
            "CACHE_REDIS_URL": "redis://r:6379/0",
            "PORT": "9000",
            "ASB_DEMO": "1",
            "ASB_INSTANCE_DIR": "/srv/asb",
        }
    )
    assert s.resolved_database_url == "postgresql+psycopg://u:p@db:5432/asb"
    assert s.cache_config == {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": "redis://r:6379/0",
        "CACHE_KEY_PREFIX": "asb:",
        "CACHE_DEFAULT_TIMEOUT": 600,
    }
    assert (s.port, s.demo, s.instance_dir) == (9000, True, Path("/srv/asb"))


def test_set003_explicit_overrides_win():
    s = Settings.from_env({"port": 1234}, environ={"PORT": "9000"})
    assert s.port == 1234


def test_set004_a_back_end_without_its_client_names_the_extra(monkeypatch):
    from dashboard.core import settings as settings_module
    from dashboard.core.settings import MissingBackend

    postgres = Settings(
        database_url="postgres://asb@db/asb", cache_redis_url="redis://cache:6379/0"
    )
    postgres.check_backends()  # both clients are installed here (test.lock has prod.lock)
    Settings().check_backends()  # SQLite and the in-process cache need neither

    monkeypatch.setattr(settings_module, "_installed", lambda module: module != "psycopg")
    with pytest.raises(MissingBackend, match=r"asb-oversight-dashboard\[postgres\]"):
        postgres.check_backends()
    Settings(cache_redis_url="redis://cache:6379/0").check_backends()

    monkeypatch.setattr(settings_module, "_installed", lambda module: False)
    with pytest.raises(MissingBackend, match=r"asb-oversight-dashboard\[postgres,redis\]"):
        postgres.check_backends()
    Settings().check_backends()

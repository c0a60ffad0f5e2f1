"""Pure helpers: the change test, formatting, settings from the environment."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dashboard import formatting as fmt
from dashboard.settings import Settings
from dashboard.stats import pct_change, poisson_change_test


def test_sts001_poisson_change_test():
    big = poisson_change_test(60_391, 41_365)
    assert big.significant and big.z == pytest.approx(19_026 / math.sqrt(101_756))
    same = poisson_change_test(4_482, 4_479)
    assert same.significant is False and same.p > 0.9
    assert poisson_change_test(12, 30).significant is None  # too few to test


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

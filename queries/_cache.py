"""Memoisation of query functions, keyed on their arguments and the data-version stamp.

A new data load bumps the stamp (the newest data_load id), so cached answers from before it are
never served again, in any worker or instance sharing the cache. If the cache back end fails,
the query runs uncached and the failure is logged once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import has_app_context
from sqlalchemy import func, select

from dashboard.core.extensions import cache, db
from dashboard.core.models import DataLoad

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
_MISS = object()
_warned = {"cache": False}


def data_version() -> int:
    """The id of the newest load: changes whenever any data changes."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(DataLoad.id), 0))).scalar_one()


def memoized(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache fn's result per (arguments, data version) when running inside the app."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not has_app_context() or not hasattr(cache, "cache"):
            return fn(*args, **kwargs)
        name = f"{fn.__module__}.{fn.__qualname__}"
        key = f"q:{name}:{data_version()}:{args!r}:{sorted(kwargs.items())!r}"
        try:
            hit = cache.get(key)
        except Exception as exc:  # any back-end failure: serve uncached
            _warn_once(exc)
            return fn(*args, **kwargs)
        if hit is not None and hit is not _MISS:
            return hit
        result = fn(*args, **kwargs)
        try:
            cache.set(key, result)
        except Exception as exc:
            _warn_once(exc)
        return result

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper


def _warn_once(exc: Exception) -> None:
    if not _warned["cache"]:
        log.warning("Cache unavailable, serving uncached: %s", exc)
        _warned["cache"] = True

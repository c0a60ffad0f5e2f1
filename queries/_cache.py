"""Memoisation of query functions, keyed on their arguments and the data-version stamp.

A new data load bumps the stamp (the newest data_load id), so cached answers from before it are
never served again, in any worker or instance sharing the cache. The stamp is read once per
request (so one request never mixes versions) and afresh outside a request. If the cache back
end fails, the query runs uncached and the failure is logged once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import current_app, g, has_app_context, has_request_context, request
from flask_caching import Cache
from sqlalchemy import func, select

from dashboard.core.extensions import db, query_cache
from dashboard.core.models import DataLoad

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
_MISS = object()
_warned = {"cache": False}


def read_data_version() -> int:
    """The id of the newest load, read from the database now."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(DataLoad.id), 0))).scalar_one()


def data_version() -> int:
    """The id of the newest load: changes whenever any data changes.

    In a request it is read once and kept (in flask.g, tied to this request: an app context
    held open around several requests does not carry it from one to the next), so a load that
    lands mid-request does not move the rest of that request's keys on. Elsewhere (the CLI, a
    background job) it is read afresh each time.
    """
    if not has_request_context():
        return read_data_version()
    current = request._get_current_object()  # type: ignore[attr-defined]
    kept = g.get("_asb_data_version")
    if kept is not None and kept[0] is current:
        return kept[1]
    version = read_data_version()
    g._asb_data_version = (current, version)
    return version


def bound(cache: Cache) -> bool:
    """Whether `cache` has been initialised for the current app."""
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def memoized(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache fn's result per (arguments, data version) when running inside the app."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not bound(query_cache):
            return fn(*args, **kwargs)
        name = f"{fn.__module__}.{fn.__qualname__}"
        key = f"q:{name}:{data_version()}:{args!r}:{sorted(kwargs.items())!r}"
        try:
            hit = query_cache.get(key)
        except Exception as exc:  # any back-end failure: serve uncached
            _warn_once(exc)
            return fn(*args, **kwargs)
        if hit is not None and hit is not _MISS:
            return hit
        result = fn(*args, **kwargs)
        try:
            query_cache.set(key, result)
        except Exception as exc:
            _warn_once(exc)
        return result

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper


def _warn_once(exc: Exception) -> None:
    if not _warned["cache"]:
        log.warning("Cache unavailable, serving uncached: %s", exc)
        _warned["cache"] = True

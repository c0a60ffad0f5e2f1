"""The database extension (one engine per app, per process) and schema migrations.

Each engine is created on first use in each process, never before a fork, so gunicorn workers
(even with --preload) never share a connection pool.
"""

from __future__ import annotations

import fcntl
import os
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, has_app_context
from sqlalchemy import Engine, create_engine, event, inspect, select, text

from dashboard.core.outage import outage_log
from dashboard.core.paths import MIGRATIONS

CONNECT_TIMEOUT_SECONDS = 5
SCHEMA_LOCK_KEY = 0x41534202  # "ASB" + 2: any constant unique to this app's advisory locks
LOAD_LOCK_KEY = 0x41534203  # its own key: a load never waits for the schema lock, nor it for one
LOCK_POLL_SECONDS = 0.2  # how often a lock with a time limit is tried again


def make_engine(url: str) -> Engine:
    """Create an engine with the settings this app relies on for each back end."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        event.listen(engine, "connect", _connected)
        return engine
    # Connects fail fast when the server is out of reach, so requests answer 503 promptly.
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )
    event.listen(engine, "connect", _connected)
    return engine


def _connected(_dbapi_connection, _record) -> None:
    """Every new connection: if an outage was being reported, it is over."""
    outage_log.recovered()


class _Bound:
    """One database URL and this process's engine for it, created on first use."""

    def __init__(self, url: str, owned: bool = False) -> None:
        self.url = url
        self.owned = owned  # an app's own: never disposed by db.configure
        self._engine: Engine | None = None
        self._pid: int | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None or self._pid != os.getpid():
            if self._engine is not None:
                # Inherited across a fork: drop the parent's connections without closing them.
                self._engine.dispose(close=False)
            self._engine = make_engine(self.url)
            self._pid = os.getpid()
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None and self._pid == os.getpid():
            self._engine.dispose()
        self._engine = None


class Database:
    """The database extension: each Flask app bound by init_app has its own URL and engine (in
    `app.extensions`), which `db.engine` resolves to inside that app's context. Outside any app
    context (the CLI, loaders, tests calling queries directly) it is the most recently
    configured URL's, whether set by init_app or by configure."""

    EXTENSION = "asb_database"

    def __init__(self) -> None:
        self._fallback: _Bound | None = None

    def init_app(self, app: Flask, url: str) -> None:
        """Bind `app` to its own database; it also becomes the one used outside any app."""
        previous = app.extensions.get(self.EXTENSION)
        if previous is not None:
            previous.dispose()
        bound = _Bound(url, owned=True)
        app.extensions[self.EXTENSION] = bound
        # An app that is collected closes its connections, rather than leaving them to the
        # garbage collector (which closes nothing cleanly).
        weakref.finalize(app, bound.dispose)
        self._replace_fallback(bound)

    def configure(self, url: str) -> None:
        """Point code running outside any app context at `url`."""
        self._replace_fallback(_Bound(url))

    def _replace_fallback(self, bound: _Bound) -> None:
        if self._fallback is not None and not self._fallback.owned:
            self._fallback.dispose()
        self._fallback = bound

    def _bound(self) -> _Bound:
        if has_app_context():
            bound = current_app.extensions.get(self.EXTENSION)
            if bound is not None:
                return bound
        if self._fallback is None:
            raise RuntimeError("Database not configured: call create_app() or db.configure(url)")
        return self._fallback

    @property
    def url(self) -> str | None:
        """The URL `engine` would use here (None when nothing is configured)."""
        try:
            return self._bound().url
        except RuntimeError:
            return None

    @property
    def engine(self) -> Engine:
        """The current app's engine in an app context, else the last configured URL's."""
        return self._bound().engine

    def engine_for(self, app: Flask) -> Engine:
        """`app`'s own engine, without needing its app context."""
        return app.extensions[self.EXTENSION].engine


db = Database()


def alembic_config(engine: Engine) -> Config:
    """Alembic's settings for `engine`'s database, pointed at this package's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


class LockTimeout(Exception):
    """The lock was still held by another process when the caller's time limit ran out."""


def _acquire(
    try_lock: Callable[[], bool],
    lock: Callable[[], object],
    waiting: Callable[[], None] | None,
    timeout: float | None,
) -> None:
    """Take a lock at once if it is free; else call `waiting` and wait, at most `timeout` s."""
    if try_lock():
        return
    if waiting is not None:
        waiting()
    if timeout is None:
        lock()
        return
    deadline = time.monotonic() + timeout
    while not try_lock():
        left = deadline - time.monotonic()
        if left <= 0:
            raise LockTimeout(f"still held after {timeout:g} s")
        time.sleep(min(LOCK_POLL_SECONDS, left))


@contextmanager
def _exclusive(
    engine: Engine,
    key: int,
    suffix: str,
    waiting: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> Iterator[None]:
    """Hold a lock that other processes on the same database wait for (see schema_lock).

    PostgreSQL: session advisory lock `key`. SQLite: an exclusive flock on the database's file
    name + `suffix`. In-memory SQLite has one process: nothing to lock.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:

            def call(function: str) -> bool:
                return bool(conn.execute(text(f"SELECT {function}(:key)"), {"key": key}).scalar())

            _acquire(
                lambda: call("pg_try_advisory_lock"),
                lambda: call("pg_advisory_lock"),
                waiting,
                timeout,
            )
            conn.commit()  # the lock is the session's: not left idle in a transaction meanwhile
            try:
                yield
            finally:
                call("pg_advisory_unlock")
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}{suffix}", "a+b") as handle:

        def try_lock() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _acquire(try_lock, lambda: fcntl.flock(handle, fcntl.LOCK_EX), waiting, timeout)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold a lock that other processes on the same database wait for.

    Every gunicorn worker builds the app, and so migrates the schema (and on a first start,
    loads the default data) at the same moment; without this, one worker's migration races the
    others' and they fail to boot. SQLite: an exclusive flock on a file beside the database.
    PostgreSQL: a session advisory lock. In-memory SQLite has one process: nothing to lock.
    """
    with _exclusive(engine, SCHEMA_LOCK_KEY, ".lock"):
        yield


@contextmanager
def load_lock(
    engine: Engine, waiting: Callable[[], None] | None = None, timeout: float | None = None
) -> Iterator[None]:
    """One data load at a time on a database, so two never replace the same months at once.

    Two loads of overlapping new months would both find nothing to delete and both insert: the
    second fails on the unique key. `waiting` is called if another load holds the lock;
    LockTimeout is raised if it still does after `timeout` seconds (None: wait as long as it
    takes). Same mechanism as schema_lock, with its own key and file.
    """
    with _exclusive(engine, LOAD_LOCK_KEY, ".load.lock", waiting, timeout):
        yield


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to the given migration."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def schema_is_current(engine: Engine) -> bool:
    """Whether the database has every migration applied (it is at the head revision)."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def has_data(engine: Engine) -> bool:
    """True once any load has been recorded (so a first start knows to build the default data)."""
    from dashboard.core.models import DataLoad

    if not inspect(engine).has_table("data_load"):
        return False
    with engine.connect() as connection:
        return connection.execute(select(DataLoad.id).limit(1)).first() is not None

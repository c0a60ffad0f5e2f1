"""A database outage, seen from one process: one log line when it starts, one when it ends."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

log = logging.getLogger(__name__)

# What a database that is down, restarting or out of reach raises (not a bad query).
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)
MESSAGE = (
    "The database is not answering just now, so these figures could not be updated. "
    "The page will refresh by itself when it is back."
)
RETRY_SECONDS = 5


class OutageLog:
    """Logs the start and the end of an outage once each, however many requests fail."""

    def __init__(self) -> None:
        self._since: float | None = None
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        """Whether an outage is under way, as this process has seen it."""
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        """A request met the database down: log it if this is the first."""
        with self._lock:
            if self._since is not None:
                return
            self._since = time.monotonic()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        log.error("Database unreachable: %s (logged once until it is back)", reason)

    def recovered(self) -> None:
        """A connection succeeded: if an outage was under way, log its end."""
        if self._since is None:  # the common case, without taking the lock
            return
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            log.warning("Database reachable again after %.0f s", time.monotonic() - since)


outage_log = OutageLog()

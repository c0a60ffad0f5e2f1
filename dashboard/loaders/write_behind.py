"""Database writes on one background thread, in order, while the caller reads the next file.

A load alternates between reading (Arrow, mostly outside the GIL) and writing (the database
server, or SQLite's B-tree code, also outside the GIL). Done one after the other, each waits for
the other; with the writes behind, both cores work. The queue is short, so memory stays flat.
The connection is used by the writer thread alone until the block ends, then by the caller
again: one thread at a time, as SQLAlchemy requires.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any


class WriteBehind:
    """`with WriteBehind() as w: w.submit(fn, *args)`: fn runs on the writer thread, in order.

    The first failure stops further writes (they would roll back anyway) and is raised when the
    block ends, or at the next submit.
    """

    def __init__(self, depth: int = 4) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="write-behind", daemon=True)

    def __enter__(self) -> WriteBehind:
        """Start the writer thread."""
        self._thread.start()
        return self

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Queue fn(*args), waiting while the queue is full; raises an earlier write's failure."""
        if self._error is not None:
            raise self._error
        self._queue.put((fn, args))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                fn, args = item
                try:
                    fn(*args)
                except BaseException as exc:  # raised again on the caller's thread
                    self._error = exc

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Wait for the queued writes; raise the first write's failure unless the block failed."""
        self._queue.put(None)
        self._thread.join()
        if kind is None and self._error is not None:
            raise self._error

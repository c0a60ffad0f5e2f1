"""Draw a board pack's charts in one Chromium, opened while the pages are built.

A district's pack has some 18 charts. Drawn one after another through kaleido's sync server,
which loads the full Plotly bundle, they took 7-10 s of a pack's time here. This drawer loads
the dashboard's own basic Plotly bundle (a quarter of the size; the browser uses it too), opens
Chromium while the pages are built rather than after, and queues every chart at once: about
4 s. It runs kaleido's asyncio API on its own thread and event loop, so the job thread that
makes the pack stays synchronous; `close` stops Chromium whatever happened.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import queue
import threading
import warnings
from collections.abc import Callable
from types import TracebackType

from dashboard.core.paths import assets_folder
from dashboard.render.exports import NO_CHROMIUM, ImageExportUnavailable, find_chromium

# The browser's own Plotly bundle (basic: scatter and bar, all the charts use): each tab loads
# it, and at a quarter of the full bundle's size Chromium is ready in about 1.7 s, not 5.
PLOTLY_JS = assets_folder() / "vendor" / "plotly-basic-4.1.1.min.js"
OPEN_TIMEOUT_S = 180.0  # a bound on opening Chromium on a busy machine, not a speed check
DRAW_TIMEOUT_S = 180.0  # per chart


class ChartDrawer:
    """Chromium with `tabs` tabs for one pack's charts; use as a context manager. One tab by
    default: two drew no faster on two cores, and now and then took twice as long."""

    def __init__(self, tabs: int = 1) -> None:
        self.tabs = tabs
        self._loop = asyncio.new_event_loop()
        self._ready: concurrent.futures.Future = concurrent.futures.Future()
        self._stop: asyncio.Event | None = None
        self._kaleido = None
        self._thread = threading.Thread(target=self._run, name="chart-drawer", daemon=True)

    def __enter__(self) -> ChartDrawer:
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _trace: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        import kaleido

        self._stop = asyncio.Event()
        try:
            find_chromium()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                async with kaleido.Kaleido(n=self.tabs, plotlyjs=str(PLOTLY_JS)) as opened:
                    self._kaleido = opened
                    self._ready.set_result(True)
                    await self._stop.wait()
        except Exception as exc:  # reported by draw(), with the reason
            if not self._ready.done():
                self._ready.set_exception(exc)

    def draw(
        self,
        figures: list[dict],
        sizes: list[tuple[int, int]] | None = None,
        fmt: str = "png",
        scale: float = 1.5,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[bytes]:
        """Each figure as an image at its size (CSS px; else 1200 wide at the figure's own
        height), in order; all are queued at once for the tabs to take."""
        sizes = sizes or [
            (1200, int(f.get("layout", {}).get("height") or 450)) for f in figures
        ]
        try:
            self._ready.result(timeout=OPEN_TIMEOUT_S)
            kaleido = self._kaleido
            assert kaleido is not None
            options = [
                {
                    "format": fmt,
                    "width": width,
                    "height": height,
                    "scale": 1 if fmt == "svg" else scale,
                }
                for width, height in sizes
            ]

            drawn: queue.SimpleQueue[int] = queue.SimpleQueue()

            async def each(i: int) -> bytes:
                image = await kaleido.calc_fig(figures[i], options[i])
                drawn.put(i)
                return image

            async def every() -> list[bytes]:
                return list(await asyncio.gather(*(each(i) for i in range(len(figures)))))

            result = asyncio.run_coroutine_threadsafe(every(), self._loop)
            # progress is reported from the caller's thread (a job's, with its app context)
            for done in range(1, len(figures) + 1):
                drawn.get(timeout=DRAW_TIMEOUT_S)
                if progress:
                    progress(done, len(figures))
            return result.result(timeout=DRAW_TIMEOUT_S)
        except Exception as exc:
            raise ImageExportUnavailable(
                f"The board pack's charts could not be drawn: {NO_CHROMIUM}. ({type(exc).__name__})"
            ) from exc

    def close(self) -> None:
        """Stop Chromium and the drawer's thread (a no-op once done)."""
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):  # it never opened: the thread ends by itself
            self._ready.result(timeout=OPEN_TIMEOUT_S)
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=OPEN_TIMEOUT_S)

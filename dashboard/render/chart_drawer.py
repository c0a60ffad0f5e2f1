"""Draw a board pack's charts in one Chromium with two tabs, opened while the pages are built.

A district's pack has some 18 charts. Drawn one after another through kaleido's sync server
they took 7-10 s of a pack's time here; two tabs drawing at once roughly halve that, and
opening Chromium (seconds on a busy machine) overlaps with building the pages instead of
coming after it. The drawer runs kaleido's asyncio API on its own thread and event loop, so the
job thread that makes the pack stays synchronous; `close` stops Chromium whatever happened.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import warnings
from collections.abc import Callable
from types import TracebackType

from dashboard.render.exports import NO_CHROMIUM, ImageExportUnavailable, find_chromium

OPEN_TIMEOUT_S = 180.0  # a bound on opening Chromium on a busy machine, not a speed check
DRAW_TIMEOUT_S = 180.0  # per chart


class ChartDrawer:
    """Chromium with `tabs` tabs for one pack's charts; use as a context manager."""

    def __init__(self, tabs: int = 2) -> None:
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
                async with kaleido.Kaleido(n=self.tabs) as opened:
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
        height), in order; charts are drawn two at once."""
        sizes = sizes or [
            (1200, int(f.get("layout", {}).get("height") or 450)) for f in figures
        ]
        try:
            self._ready.result(timeout=OPEN_TIMEOUT_S)
            kaleido = self._kaleido
            assert kaleido is not None
            pending = [
                asyncio.run_coroutine_threadsafe(
                    kaleido.calc_fig(
                        figure,
                        {
                            "format": fmt,
                            "width": width,
                            "height": height,
                            "scale": 1 if fmt == "svg" else scale,
                        },
                    ),
                    self._loop,
                )
                for figure, (width, height) in zip(figures, sizes, strict=True)
            ]
            images = []
            for future in pending:
                images.append(future.result(timeout=DRAW_TIMEOUT_S))
                if progress:
                    progress(len(images), len(figures))
            return images
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

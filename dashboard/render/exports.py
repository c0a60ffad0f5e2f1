"""Table and chart exports: CSV and Excel of a page model's typed table (numbers as numbers,
months as periods, never parsed back from screen text), PNG and SVG of its charts."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable, Mapping

import pandas as pd

from dashboard.core.vocab import slug

LICENCE = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Contains Ordnance Survey data © Crown copyright and database right 2014. Values marked "
    "illustrative are modelled, not real force data."
)
# A text cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets
# (OWASP, "CSV Injection"): "=HYPERLINK(...)" in a loaded name would become a live link.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it is text.

    Numbers stay numbers (the frame's numeric columns are never text); a text cell such as
    "−11%" starts with the minus sign U+2212, not "-", and is left alone.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell (and header) neutralised; numeric columns unchanged."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark so Excel opens it correctly; dates as YYYY-MM-DD; text
    that a spreadsheet would run as a formula neutralised."""
    return _safe_text(frame).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8-sig")


def _text_not_formulas(sheet) -> None:
    """Every cell holds data, never a formula: openpyxl makes any text starting "=" a formula,
    so such cells are stored as the text they are (shown exactly, run never)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def to_xlsx(frame: pd.DataFrame, about: Mapping[str, str]) -> bytes:
    """The table on the first sheet; filters, source, licence and export time on 'About'.
    Text is stored as text: nothing a loaded name contains can run as a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Data", index=False)
        about_frame = pd.DataFrame({"Item": list(about), "Value": list(about.values())})
        about_frame.to_excel(writer, sheet_name="About", index=False)
        for sheet in writer.sheets.values():
            _text_not_formulas(sheet)
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column)
                sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 80)
    return buffer.getvalue()


ILLUSTRATIVE_COLUMN = "Illustrative (modelled)"
STATUS_ILLUSTRATIVE = (
    "Illustrative: this table holds values modelled by a seeded generator from the force's "
    "published totals, not real force data (see the Methods page). Every row is marked in the "
    f"'{ILLUSTRATIVE_COLUMN}' column."
)
STATUS_REAL = "Real data: published figures and recorded counts; nothing in it is modelled."


def flag_illustrative(frame: pd.DataFrame, illustrative: bool) -> pd.DataFrame:
    """The table with a column saying, on every row, that its values are modelled."""
    if not illustrative:
        return frame
    return frame.assign(**{ILLUSTRATIVE_COLUMN: "yes"})


def about_sheet(
    caption: str, filters: Mapping[str, str], page_url: str, illustrative: bool = False
) -> dict[str, str]:
    """What the download is: the table, its filters and page, whether it is modelled."""
    return {
        "Table": caption,
        "Data status": STATUS_ILLUSTRATIVE if illustrative else STATUS_REAL,
        **{f"Filter: {k}": v for k, v in filters.items()},
        "Page": page_url,
        "Exported": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Licence": LICENCE,
    }


def file_stem(caption: str) -> str:
    """A file name from the table's caption: its first sentence, as a slug."""
    first = caption.split(". ")[0]
    return slug(first)[:80] or "table"


class ImageExportUnavailable(RuntimeError):
    """The image renderer (kaleido, which drives a Chromium) could not run."""


NO_CHROMIUM = (
    "the server needs Chromium for image export (on Debian: apt-get install chromium; or set "
    "BROWSER_PATH)"
)


def find_chromium() -> str:
    """The browser kaleido will drive: BROWSER_PATH, else a Chromium or Chrome on the PATH.

    Looked up first so that a missing browser fails at once with a clear message, rather than
    leaving kaleido waiting for one.
    """
    import os
    import shutil

    configured = os.environ.get("BROWSER_PATH")
    if configured and os.access(configured, os.X_OK):
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ImageExportUnavailable(f"No browser found: {NO_CHROMIUM}.")


IMAGE_TIMEOUT_SECONDS = 120  # generous: a busy server draws a chart in a few seconds


def _within(seconds: float, work: Callable[[], bytes]) -> bytes:
    """`work()` on a daemon thread, given up after `seconds` (the thread, and kaleido's own
    threads it starts, are daemons: a hung one never stops the process from exiting)."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # handed to the caller below
            result["error"] = exc

    thread = threading.Thread(target=run, name="chart-image", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no image after {seconds:.0f} s")
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]  # type: ignore[return-value]


def render_image(figure: Mapping, fmt: str) -> bytes:
    """PNG at print resolution (scale 2) or SVG of a figure, via kaleido and Chromium.

    kaleido finds Chromium by its own download, then BROWSER_PATH, then `chromium` on PATH
    (Debian's /usr/bin/chromium).
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    fig = go.Figure(figure)
    height = int(fig.layout.height or 450)
    try:
        find_chromium()
        # kaleido can wait for ever on a Chromium that died; the request must not.
        return _within(
            IMAGE_TIMEOUT_SECONDS,
            lambda: pio.to_image(
                fig, format=fmt, width=1200, height=height, scale=2 if fmt == "png" else 1
            ),
        )
    except Exception as exc:  # kaleido raises several types; all mean "could not render"
        raise ImageExportUnavailable(
            f"The chart image could not be made: {NO_CHROMIUM}. The data table's CSV and Excel "
            f"downloads still work. ({type(exc).__name__})"
        ) from exc

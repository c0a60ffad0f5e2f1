"""Table and chart exports: CSV and Excel of a page model's typed table (numbers as numbers,
months as periods, never parsed back from screen text), PNG and SVG of its charts."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import threading
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from dashboard.core.vocab import slug
from dashboard.model import Chart, Column, Page, Table, walk

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
    """UTF-8 with a byte-order mark so Excel opens it correctly; whole numbers without ".0",
    an empty cell where there is no value, dates as YYYY-MM-DD; text that a spreadsheet would
    run as a formula neutralised."""
    return (
        _safe_text(frame).to_csv(index=False, date_format="%Y-%m-%d", na_rep="").encode("utf-8-sig")
    )


def _text_not_formulas(sheet) -> None:
    """Every cell holds data, never a formula: openpyxl makes any text starting "=" a formula,
    so such cells are stored as the text they are (shown exactly, run never)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def number_format(column: Column) -> str:
    """The Excel number format that shows a column's values as the page does: thousands
    separators, signs on changes, the page's decimal places, "Mar 2021" for a month.
    Percentages are percentage numbers (56 is 56%) under a "(%)" header, as in the CSV."""
    places = "." + "0" * column.digits if column.digits and not column.whole else ""
    match column.kind:
        case "count":
            return "#,##0"
        case "signed_count":
            return "+#,##0;-#,##0;0"
        case "integer":
            return "0"
        case "number":
            return f"#,##0{places}"
        case "signed_number":
            return f"+#,##0{places};-#,##0{places};0{places}"
        case "percent":
            return f"0{places}"
        case "signed_percent":
            return f"+0{places};-0{places};0{places}"
        case "month":
            return "mmm yyyy"
    return "General"


def number_formats(columns: Sequence[Column]) -> dict[str, str]:
    """Each download header's Excel number format."""
    return {c.header: number_format(c) for c in columns}


NUMBERS_NOTE = (
    "Counts, ranks and other whole numbers are integers. Percentages are percentage numbers "
    "(56 means 56%) in the columns whose header ends '(%)'. An empty cell means no value (the "
    "page shows a dash). Months are dates shown as 'Mar 2021' (the CSV writes 2021-03). "
    "Numbers are rounded as the page shows them."
)


def _cell_value(value: object) -> object:
    """A frame's value as openpyxl writes it: numpy numbers as Python's, missing as empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy int64 / float64
    return value


def _shown_width(value: object, fmt: str) -> int:
    """Roughly how many characters a cell shows in its number format."""
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 8  # "Mar 2021"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return len(str(value))
    return len(f"{value:,}") + (1 if fmt.startswith("+") else 0)


def _data_sheet(sheet, frame: pd.DataFrame, formats: Mapping[str, str]) -> None:
    """The table: a bold, frozen header row with an autofilter, typed cells in each column's
    number format, columns wide enough to read."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_cell_value(v) for v in row])
    bold = Font(bold=True)
    for i, name in enumerate(frame.columns, start=1):
        header = sheet.cell(row=1, column=i)
        header.font = bold
        header.alignment = Alignment(wrap_text=True, vertical="top")
        fmt = formats.get(str(name))
        if fmt is None and pd.api.types.is_integer_dtype(frame[name]):
            fmt = "#,##0"
        widest = len(str(name)) if len(str(name)) <= 24 else 24  # a long header wraps
        for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
            if fmt and cell.value is not None and not isinstance(cell.value, str):
                cell.number_format = fmt
            widest = max(widest, _shown_width(cell.value, fmt or ""))
        sheet.column_dimensions[get_column_letter(i)].width = min(widest + 2, 60)
    sheet.freeze_panes = "A2"
    if frame.columns.size:
        sheet.auto_filter.ref = sheet.dimensions


def _about_sheet(sheet, about: Mapping[str, str]) -> None:
    """What the download is, one item a row, the values wrapped to a readable width."""
    from openpyxl.styles import Alignment, Font

    sheet.append(["Item", "Value"])
    for item, value in about.items():
        sheet.append([item, value])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = max(len(str(k)) for k in ["Item", *about]) + 2
    sheet.column_dimensions["B"].width = 100
    sheet.freeze_panes = "A2"


def to_xlsx(
    frame: pd.DataFrame, about: Mapping[str, str], formats: Mapping[str, str] | None = None
) -> bytes:
    """The table on the first sheet ('Data': typed cells, each column in its number format
    from `formats`, frozen header, autofilter); source, period, area, status, licence and
    export time on 'About'. Text is stored as text: nothing a loaded name contains can run as
    a formula."""
    from openpyxl import Workbook

    book = Workbook()
    data = book.active
    data.title = "Data"
    _data_sheet(data, frame, formats or {})
    _about_sheet(book.create_sheet("About"), about)
    for sheet in book.worksheets:
        _text_not_formulas(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
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
    caption: str,
    filters: Mapping[str, str],
    page_url: str,
    illustrative: bool = False,
    context: Mapping[str, str] | None = None,
    left_out: Sequence[str] = (),
) -> dict[str, str]:
    """What the download is: the table, where and when its figures are from (`context`:
    area, period, period end, source, data to), whether it is modelled, how its numbers are
    written, its filters and page, and the licence."""
    return {
        "Table": caption,
        **{k: v for k, v in (context or {}).items() if v},
        "Data status": STATUS_ILLUSTRATIVE if illustrative else STATUS_REAL,
        "Numbers": NUMBERS_NOTE,
        **(
            {"Columns left out": f"{', '.join(left_out)}: no values for this selection."}
            if left_out
            else {}
        ),
        **{f"Filter: {k}": v for k, v in filters.items()},
        "Page": page_url,
        "Exported": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Licence": LICENCE,
    }


def chart_holding(page: Page, table: Table) -> Chart | None:
    """The chart whose data table this is, if it is one."""
    return next((b for b in walk(page.blocks) if isinstance(b, Chart) and b.table is table), None)


def table_context(page: Page, table: Table, period_end: str) -> dict[str, str]:
    """Area, period, period end, source and data-to of a table, from its chart when it has
    one, else from the page and the caption's "Source: …"."""
    chart = chart_holding(page, table)
    if chart is not None:
        area, period, source, data_to = chart.area, chart.period, chart.source, chart.data_to
    else:
        area, period = page.area, page.period
        found = re.search(r"Source: (.+?)(?:\.\s|\.?$)", table.caption)
        source = found.group(1) if found else ""
        data_to = "; ".join(f"{what}: {month}" for what, month in page.data_to)
    return {
        "Area": area,
        "Period": period,
        "Period end": _period_end(chart, period_end),
        "Source": source,
        "Data to": data_to,
    }


def file_name(*parts: str) -> str:
    """Parts of a file name as slugs (a-z, 0-9, hyphens) joined by "_"; empty parts left out."""
    return "_".join(s for s in (slug(p) for p in parts) if s)


def _short(text: str, limit: int = 60) -> str:
    """A slug cut at a word to at most `limit` characters."""
    s = slug(text)
    return s if len(s) <= limit else s[:limit].rsplit("-", 1)[0]


def _name_parts(filename: str) -> tuple[str, str] | None:
    """(what, area) of a chart's file name "what_area_period", if it has that form."""
    parts = filename.rsplit("_", 2)
    return (parts[0], parts[1]) if len(parts) == 3 else None


def _period_end(chart: Chart | None, selected: str) -> str:
    """The month a chart's figures run to when its own name says one ("…_2018-05-to-2018-07":
    the hot spots' police.uk months), else the selected period end."""
    if chart is None:
        return selected
    months = re.findall(r"\d{4}-(?:0[1-9]|1[0-2])(?!\d)", chart.filename.rsplit("_", 1)[-1])
    return months[-1] if months else selected


def table_title(page: Page, table: Table) -> str:
    """What a table is, as a slug: its caption's first sentence without the area, the Covid
    choice, the period or asides in brackets ("incidents-attended")."""
    chart = chart_holding(page, table)
    areas = [a for a in (chart.area if chart else "", page.area) if a]
    first, *rest = table.caption.split(". ")[0].rstrip(".").split(", ")
    # A clause that is the area (or begins its longer name), the period or the Covid choice
    # is said elsewhere in the name or on the About sheet.
    title = ", ".join(
        [
            first,
            *(
                c
                for c in rest
                if c not in (page.covid, page.period)
                and not any(a == c or a.startswith(f"{c} ") for a in areas)
            ),
        ]
    )
    while True:  # asides in brackets, innermost first
        shorter = re.sub(r"\s*\([^()]*\)", "", title)
        if shorter == title:
            break
        title = shorter
    return _short(title) or "table"


def table_file_stem(page: Page, table: Table, area: str, period_end: str) -> str:
    """A table's file name, e.g. "incidents-attended_district-colchester_to-2021-03": what the
    table is, the area its figures are for (its chart's; else the one area every chart on the
    page is for; else the selected `area`), and the period end."""
    chart = chart_holding(page, table)
    chart_areas = {
        parts[1]
        for b in walk(page.blocks)
        if isinstance(b, Chart) and (parts := _name_parts(b.filename))
    }
    if chart is not None and (parts := _name_parts(chart.filename)):
        area = parts[1]
    elif len(chart_areas) == 1:
        area = chart_areas.pop()
    return file_name(table_title(page, table), area, f"to-{_period_end(chart, period_end)}")


def chart_file_stem(chart: Chart, area: str, period_end: str) -> str:
    """A chart image's file name, e.g. "asb-attended_force-essex-police_to-2021-03": the chart's
    own name and area, then the period end (the chart's own, if its name says one)."""
    parts = _name_parts(chart.filename)
    what, area = parts if parts else (chart.filename, area)
    return file_name(what, area, f"to-{_period_end(chart, period_end)}")


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

"""The page model's types: plain, typed values with no Dash, PDF or spreadsheet in them."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from dashboard.core import formatting as fmt
from dashboard.core.periods import month_label

Tone = Literal["good", "bad", "neutral"]


@dataclass(frozen=True)
class Verdict:
    """A Making Data Count icon in words: `label` is shown, `text` is the full sentence."""

    kind: Literal["variation", "assurance"]
    code: str  # the engine's code, e.g. "concern_high", "consistently_fail", "none"
    label: str
    text: str

    @property
    def tone(self) -> Tone:
        """Good or bad news, for colour (the words always say it too)."""
        if self.code.startswith("improvement") or self.code == "consistently_pass":
            return "good"
        if self.code.startswith("concern") or self.code == "consistently_fail":
            return "bad"
        return "neutral"


@dataclass(frozen=True)
class Change:
    """A change with the direction that counts as better ("−11% … (better)")."""

    text: str
    change: float | None
    polarity: str  # "lower_is_better" | "higher_is_better" | "neutral"

    @property
    def better(self) -> bool | None:
        """True for good news, False for bad, None when direction means nothing here."""
        if self.change is None or self.change == 0 or self.polarity == "neutral":
            return None
        return (self.change > 0) == (self.polarity == "higher_is_better")

    @property
    def words(self) -> str:
        """The text with its verdict in words, as every non-visual output prints it."""
        better = self.better
        return self.text if better is None else f"{self.text} ({'better' if better else 'worse'})"


@dataclass(frozen=True)
class Status:
    """A target's status pill: on track, off track, or neither (None)."""

    text: str
    good: bool | None


@dataclass(frozen=True)
class Badge:
    """Where a figure comes from: matches the published report, or modelled (illustrative)."""

    kind: Literal["illustrative", "published"]
    text: str = ""


Inline = str | Change | Status | Verdict | Badge


@dataclass(frozen=True)
class Card:
    """A headline figure that says what it is, when, where and from which source."""

    title: str
    value: str
    lines: tuple[Inline, ...]
    period: str
    area: str
    source: str
    badges: tuple[Badge, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    testid: str = ""
    # The force's figure shown on an LPA's or a district's page for context (the area has none
    # of its own): shown smaller, apart, and labelled force-wide, never as the area's result.
    context: bool = False

    @property
    def illustrative(self) -> bool:
        """True when the figure is modelled, not real force data."""
        return any(b.kind == "illustrative" for b in self.badges)


@dataclass(frozen=True)
class CardRow:
    """Headline cards shown side by side: `per_row` of them across a wide screen."""

    cards: tuple[Card, ...]
    per_row: int = 4
    context: bool = False  # force-wide context cards on a narrower area's page


ColumnKind = Literal[
    "text",
    "count",
    "signed_count",
    "number",
    "signed_number",
    "percent",
    "signed_percent",
    "month",
    "integer",
]


PERCENT_KINDS = ("percent", "signed_percent")
WHOLE_KINDS = ("count", "signed_count", "integer")  # always whole numbers, whatever `digits`


def _missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA: a cell with no value."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _with_unit(name: str, unit: str) -> str:
    """The name completed to its unit: "Per 1,000" + "per 1,000 population" reads "Per 1,000
    population", "2019" reads "2019 (per 1,000 population)"; a name that says it is kept."""
    if unit.lower() in name.lower():
        return name
    low_name, low_unit = name.lower(), unit.lower()
    for start in range(len(name)):
        tail = low_name[start:]
        if (start == 0 or name[start - 1] == " ") and low_unit.startswith(tail):
            return name + unit[len(tail) :]
    return f"{name} ({unit})"


@dataclass(frozen=True)
class Column:
    """How a table column's typed values read: kind, decimal places, and cell text for None.

    `unit` is what a number is measured in when neither the name nor the kind says it (a rate's
    "per 1,000 population"); percentages carry "(%)" from their kind.
    """

    name: str
    kind: ColumnKind = "text"
    digits: int = 0
    missing: str = "—"
    unit: str = ""

    @property
    def numeric(self) -> bool:
        """Right-aligned on screen and on paper, a number in a spreadsheet."""
        return self.kind not in ("text", "month")

    @property
    def whole(self) -> bool:
        """Its values are whole numbers: counts, ranks, and anything shown to 0 places."""
        return self.kind in WHOLE_KINDS or (self.numeric and self.digits == 0)

    @property
    def header(self) -> str:
        """The column's name in a download, saying its unit: a percentage's header ends "(%)"
        ("% attended" reads "Attended (%)"), a rate's says per how many of what."""
        if self.kind in PERCENT_KINDS:
            if self.name == "%":
                return "Percentage (%)"
            if self.name.startswith("% "):
                rest = self.name[2:]
                return f"{rest[:1].upper()}{rest[1:]} (%)"
            return self.name if "%" in self.name else f"{self.name} (%)"
        return _with_unit(self.name, self.unit) if self.unit else self.name

    def text(self, value: Any) -> str:
        """A value as the table shows it."""
        if _missing(value):
            return self.missing
        if self.kind == "count":
            return fmt.count(int(value))
        if self.kind == "signed_count":
            return fmt.signed_count(int(value))
        if self.kind == "integer":
            return str(int(value))
        if self.kind == "number":
            return f"{float(value):,.{self.digits}f}"
        if self.kind == "signed_number":  # points or a z-score: "+13.9", "−0.42"
            return f"{float(value):+,.{self.digits}f}".replace("-", "−")
        if self.kind == "percent":
            return fmt.pct(float(value), self.digits)
        if self.kind == "signed_percent":
            return fmt.signed_pct(float(value), self.digits)
        if self.kind == "month":
            return month_label(value) if isinstance(value, dt.date) else str(value)
        return str(value)

    def export(self, value: Any) -> Any:
        """A value as a download holds it: numbers as numbers (to the precision shown; a
        percentage as its percentage number, 56 for 56%), months as periods ("2021-03"),
        nothing as an empty cell."""
        if _missing(value):
            return None
        if self.kind in WHOLE_KINDS:
            return int(value)
        if self.kind in ("number", "signed_number", "percent", "signed_percent"):
            rounded = round(float(value), self.digits)
            return int(rounded) if self.digits == 0 else rounded
        if self.kind == "month":
            return f"{value:%Y-%m}" if isinstance(value, dt.date) else str(value)
        return str(value)

    def export_date(self, value: Any) -> Any:
        """A month as a spreadsheet date (its first day), for a date cell shown "Mar 2021"."""
        if isinstance(value, dt.date) and not _missing(value):
            return dt.datetime(value.year, value.month, 1)
        return self.export(value)


def table_key(caption: str) -> str:
    """A stable id for a table, from its caption (the same table keeps the same id)."""
    return "t" + hashlib.sha1(caption.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, eq=False)
class Table:
    """A typed frame with each column's format, its caption and its flags.

    `tones` marks cells better or worse than before ({(row, column name): "better"}), shown
    in colour and words on screen; `titles` gives a cell the words its colour stands for
    ("4 of 8: better half"), shown on hover; `inline` tables stand on the page rather than
    behind a chart's "Data table" disclosure (a chart's own inline table follows its notes).
    """

    caption: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    row_header: str | None = None
    illustrative: bool = False
    tones: Mapping[tuple[int, str], str] = field(default_factory=dict)
    titles: Mapping[tuple[int, str], str] = field(default_factory=dict)
    inline: bool = False
    highlight: tuple[int, ...] = ()  # rows to mark as the reader's own area
    style: str = ""  # an extra class for the screen's stylesheet
    empty: str = ""  # what the screen says instead, when the table has no rows

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        missing = [n for n in names if n not in self.frame.columns]
        if missing:
            raise ValueError(f"table {self.caption!r}: no data for columns {missing}")

    @property
    def key(self) -> str:
        """The table's id in the page (and in its download buttons)."""
        return table_key(self.caption)

    def rows(self) -> Iterator[list[str]]:
        """Each row's cells as the table shows them."""
        columns = [(c, self.frame[c.name].tolist()) for c in self.columns]
        for i in range(len(self.frame)):
            yield [c.text(values[i]) for c, values in columns]

    def export_columns(self) -> tuple[Column, ...]:
        """The columns a download holds: every column with a value in some row (one with none,
        such as a district's "Published figure", says nothing a download needs)."""
        if self.frame.empty:
            return self.columns
        return tuple(c for c in self.columns if not all(_missing(v) for v in self.frame[c.name]))

    def export_frame(self, months: Literal["period", "date"] = "period") -> pd.DataFrame:
        """The table as a download holds it: typed columns in the order shown, headed with
        their units; whole numbers as integers (pandas' nullable Int64 where a value is
        missing), missing values as empty cells; months as periods ("2021-03") or, for a
        spreadsheet, as dates."""
        data = {}
        for c in self.export_columns():
            as_date = months == "date" and c.kind == "month"
            values = [c.export_date(v) if as_date else c.export(v) for v in self.frame[c.name]]
            series = pd.Series(values, dtype=object)
            if c.numeric:
                series = pd.to_numeric(series)
                if c.whole:
                    series = series.astype("int64" if series.notna().all() else "Int64")
                else:
                    series = series.astype("float64")
            data[c.header] = series
        return pd.DataFrame(data, index=pd.RangeIndex(len(self.frame)))


NoteKind = Literal["context", "notes", "caveat", "summary", "meta", "plain", "heading", "details"]


@dataclass(frozen=True)
class Note:
    """Text beside the figures: a page's context line, a chart's notes (a list when `items`),
    a caveat, a heading, a message that there is nothing to show, or a list behind a
    disclosure ("details": `text` is what the disclosure says, `items` what it opens to)."""

    kind: NoteKind
    text: str = ""
    items: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        """The note as lines of text, for outputs without markup (a disclosure that opens to
        nothing has none)."""
        if self.kind == "details":
            return (f"{self.text}:", *self.items) if self.items else ()
        return self.items if self.items else (self.text,)


@dataclass(frozen=True)
class VerdictRow:
    """Verdicts and status pills shown together (a target's status)."""

    items: tuple[Inline, ...]
    testid: str = ""


@dataclass(frozen=True, eq=False)
class Chart:
    """A chart: the figure, its text alternative (summary and table) and its metadata."""

    id: str
    title: str
    figure: Any  # a plotly Figure or its dict
    summary: str
    table: Table
    period: str
    area: str
    source: str
    filename: str
    data_to: str
    illustrative: bool = False
    notes: tuple[Block, ...] = ()  # under the chart: notes, a target's status, its terms

    @property
    def meta(self) -> str:
        """'Period: … · Area: … · Source: … · Data to: …' as printed under the chart."""
        return (
            f"Period: {self.period} · Area: {self.area} · Source: {self.source} · "
            f"Data to: {self.data_to}"
        )


@dataclass(frozen=True, eq=False)
class Section:
    """A titled group of blocks (a target, a sub-topic); a `plain` one is running text under
    a heading (Methods), not a block set off like a chart."""

    title: str
    blocks: tuple[Block, ...]
    id: str = ""
    summary: str = ""
    verdicts: tuple[Inline, ...] = ()
    plain: bool = False


Block = Card | CardRow | Chart | Table | Note | Section | VerdictRow


@dataclass(frozen=True, eq=False)
class Page:
    """One page's content for one set of filters, as one viewer may see it."""

    id: str
    title: str
    area: str  # the area in words
    period: str  # the period in words
    covid: str  # "including Covid breaches" / "excluding Covid breaches"
    blocks: tuple[Block, ...]
    data_to: tuple[tuple[str, str], ...] = ()  # (source, month it runs to)
    filtered: bool = True  # False for a page no filter changes (Methods): no filters to print

    @property
    def filters_text(self) -> str:
        """The filters in words, as printed on paper."""
        return f"{self.area} · {self.period} · {self.covid}"

    @property
    def illustrative(self) -> bool:
        """True when anything on the page is modelled."""
        return any(
            (isinstance(b, Chart) and b.illustrative)
            or (isinstance(b, Table) and b.illustrative)
            or (isinstance(b, Card) and b.illustrative)
            for b in walk(self.blocks)
        )


def walk(blocks: tuple[Block, ...] | list[Block]) -> Iterator[Block]:
    """Every block, depth first in page order (a section's, a row's and a chart's own too)."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk(block.blocks)
        elif isinstance(block, CardRow):
            yield from block.cards
        elif isinstance(block, Chart):
            yield block.table
            yield from walk(block.notes)


def find_table(page: Page, key: str) -> Table | None:
    """The table with this key on the page, if the viewer's page has it."""
    return next((b for b in walk(page.blocks) if isinstance(b, Table) and b.key == key), None)


def find_chart(page: Page, chart_id: str) -> Chart | None:
    """The chart with this id on the page, if the viewer's page has it."""
    return next((b for b in walk(page.blocks) if isinstance(b, Chart) and b.id == chart_id), None)

"""Reading CSV files line by line with strict UTF-8, normalised headers and typed field parsers.

Each parser raises ValueError with a message fit to show a user; the caller adds file, line and
column. Reading is bounded whatever the input: a line may be at most MAX_LINE_BYTES long, and a
file that must be held whole to be checked at most MAX_HELD_ROWS rows and MAX_HELD_BYTES
unpacked, so a gzip bomb or a file with no line breaks is refused, not read into memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, cast

from dashboard.core.periods import parse_month  # noqa: F401  (re-exported to loaders)
from dashboard.loaders.errors import LoadRejected, Problem

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

# The longest line accepted, in bytes; a quoted value spanning lines counts as one line. Real
# rows are a few hundred bytes: anything near this is not a CSV file (or has an unclosed quote).
MAX_LINE_BYTES = 1 << 20
# A file checked whole before it is written (templates, geography, published tables) is held in
# memory meanwhile: about 1 KB a row. Above these it is refused with a request to split it.
MAX_HELD_ROWS = 250_000
MAX_HELD_BYTES = 64 << 20
# Problems kept for the report; the rest are only counted.
MAX_PROBLEMS_KEPT = 1_000
# What reading a damaged or unreadable file raises: missing, a directory, no permission, a
# truncated or corrupt gzip.
READ_ERRORS = (OSError, EOFError, zlib.error)


def normalise_header(name: str) -> str:
    """'LSOA code' and 'lsoa_code' are the same column."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")


def unreadable(name: str, line: int | None, exc: BaseException) -> LoadRejected:
    """The one-line rejection of a file that cannot be read (rather than a traceback)."""
    if isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)):
        reason = f"not a valid gzip file ({exc})"
    elif isinstance(exc, OSError) and exc.strerror:
        reason = f"cannot be read ({exc.strerror})"
    else:
        reason = f"cannot be read ({exc})"
    return LoadRejected([Problem(name, line, None, reason)])


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes (unpacked if .gz), or LoadRejected naming why it cannot be opened."""
    path = Path(path)
    try:
        if path.suffix == ".gz":
            return cast(BinaryIO, gzip.open(path, "rb"))
        return path.open("rb")
    except READ_ERRORS as exc:
        raise unreadable(path.name, None, exc) from None


class Lines:
    """The decoded lines of a file, each checked as it is read: UTF-8, no NUL byte, not too long.

    A csv.reader iterates over it; `mark()` after each record lets a quoted value spanning lines
    count as one line towards MAX_LINE_BYTES. `max_bytes` bounds the whole file (unpacked).
    """

    def __init__(self, path: Path, max_bytes: int | None = None) -> None:
        self.name = Path(path).name
        self.line_no = 0
        self._max_bytes = max_bytes
        self._read = 0
        self._record_start, self._record_line = 0, 1
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._file = open_binary(path)

    def __enter__(self) -> Lines:
        """Use in a `with` block, so the file is closed however reading ends."""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the file, whether reading finished or was rejected."""
        self._file.close()

    def __iter__(self) -> Iterator[str]:
        """Its own iterator, as csv.reader expects."""
        return self

    def mark(self) -> None:
        """A record ended here: the next one is measured from this point."""
        self._record_start, self._record_line = self._read, self.line_no + 1

    def reject(self, line: int, message: str) -> LoadRejected:
        """The rejection of this file at `line` (for the caller to raise)."""
        return LoadRejected([Problem(self.name, line, None, message)])

    def _raw(self) -> bytes:
        try:
            return self._file.readline(MAX_LINE_BYTES + 1)  # never more, whatever the input
        except READ_ERRORS as exc:
            raise unreadable(self.name, self.line_no + 1, exc) from None

    def __next__(self) -> str:
        """The next decoded line, checked first; StopIteration at the end of the file."""
        raw = self._raw()
        if not raw:
            self._decode(b"", final=True)
            raise StopIteration
        self.line_no += 1
        self._read += len(raw)
        self._check(raw)
        return self._decode(raw)

    def _check(self, raw: bytes) -> None:
        if self._read - self._record_start > MAX_LINE_BYTES:
            raise self.reject(
                self._record_line,
                f"the line is longer than {MAX_LINE_BYTES >> 20} MiB, the limit (is this a CSV "
                "file? a quote left open runs on over the lines after it)",
            )
        if self._max_bytes is not None and self._read > self._max_bytes:
            raise self.reject(
                self.line_no,
                f"the file is over {self._max_bytes >> 20} MiB unpacked, too large to check "
                "whole; split it (by month or year) and load each part",
            )
        if (at := raw.find(b"\0")) >= 0:
            raise self.reject(
                self.line_no,
                f"contains a NUL byte (position {at + 1}); is this a CSV text file?",
            )

    def _decode(self, raw: bytes, final: bool = False) -> str:
        try:
            return self._decoder.decode(raw, final)
        except UnicodeDecodeError as exc:
            byte = exc.object[exc.start]
            raise self.reject(
                self.line_no,
                f"not valid UTF-8 (byte 0x{byte:02x} at position {exc.start + 1}); save the file "
                "as UTF-8 and load it again",
            ) from None


class CsvFile:
    """A CSV file whose rows come out as (line number, {normalised column: value}).

    `held`: the caller keeps every row until the file is checked, so MAX_HELD_ROWS and
    MAX_HELD_BYTES apply. `need_rows`: a file with a header and no rows is refused.
    """

    def __init__(
        self,
        path: Path,
        required: list[str],
        optional: Sequence[str] = (),
        *,
        held: bool = True,
        need_rows: bool = True,
    ) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.required = required
        self.optional = list(optional)
        self.held = held
        self.need_rows = need_rows
        self.columns: list[str] = []

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Every data row, streamed; LoadRejected at the first line that cannot be read."""
        with Lines(self.path, MAX_HELD_BYTES if self.held else None) as lines:
            yield from self._rows(lines)

    def _records(self, lines: Lines) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(lines)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a value over csv's own field size limit
                raise lines.reject(lines.line_no, f"not valid CSV: {exc}") from None
            lines.mark()
            yield reader.line_num, row

    def _rows(self, lines: Lines) -> Iterator[tuple[int, dict[str, str]]]:
        records = self._records(lines)
        header = next(records, (1, None))[1]
        if header is None:
            raise LoadRejected([Problem(self.name, 1, None, "the file is empty")])
        self.columns = self._check_header(header)
        width, count = len(self.columns), 0
        for line_no, row in records:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                raise lines.reject(line_no, f"has {len(row)} fields where the header has {width}")
            count += 1
            if self.held and count > MAX_HELD_ROWS:
                raise lines.reject(
                    line_no,
                    f"the file has over {MAX_HELD_ROWS:,} rows, too many to check whole; split "
                    "it (by month or year) and load each part",
                )
            yield line_no, dict(zip(self.columns, row, strict=True))
        if not count and self.need_rows:
            raise LoadRejected([Problem(self.name, 2, None, "the file has a header but no rows")])

    def _check_header(self, header: list[str]) -> list[str]:
        """The normalised column names, or LoadRejected naming missing or repeated columns."""
        columns = [normalise_header(h) for h in header]
        problems = [
            Problem(self.name, 1, col, f"appears {n} times in the header")
            for col, n in Counter(columns).items()
            if col and n > 1  # blank names (a trailing comma) are ignored, however many
        ]
        has = ", ".join(header[:30]) + (f" and {len(header) - 30:,} more" * (len(header) > 30))
        problems += [
            Problem(self.name, 1, col, f"required column missing (the header has: {has})")
            for col in self.required
            if col not in columns
        ]
        if problems:
            raise LoadRejected(problems)
        return columns


def file_sha256(path: Path) -> str:
    """The file's sha256 in hex, read 1 MiB at a time: which exact file a load came from."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_date(value: str) -> dt.date:
    """An ISO date (YYYY-MM-DD); ValueError saying what was expected otherwise."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a date (expected YYYY-MM-DD)") from None


def parse_count(value: str) -> int:
    """A whole number, not negative, thousands separators allowed; ValueError fit to show a user."""
    text = value.strip().replace(",", "")
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"'{value}' is not a whole number")
    number = int(text)
    if number < 0:
        raise ValueError(f"{number} is negative; counts cannot be below zero")
    return number


def parse_optional_count(value: str) -> int | None:
    """A count, or None for a blank cell (an optional column left empty)."""
    return None if not value.strip() else parse_count(value)


def parse_pct(value: str) -> float:
    """A percentage from 0 to 100, with or without the % sign; ValueError otherwise."""
    try:
        number = float(value.strip().rstrip("%"))
    except ValueError:
        raise ValueError(f"'{value}' is not a percentage") from None
    if not 0 <= number <= 100:
        raise ValueError(f"{number} is not between 0 and 100")
    return number


def parse_number(value: str) -> float:
    """A decimal number, thousands separators allowed; ValueError fit to show a user otherwise."""
    try:
        return float(value.strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(value: str) -> bool:
    """true/false, yes/no, y/n or 1/0, in any case; ValueError for anything else."""
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"'{value}' is not true/false")


def parse_choice(value: str, choices: tuple[str, ...]) -> str:
    """The value, lower-cased, if it is one of `choices`; ValueError listing them otherwise."""
    text = value.strip().lower()
    if text not in choices:
        raise ValueError(f"'{value}' is not one of: {', '.join(choices)}")
    return text


class ProblemList(list):
    """Collects problems while a whole file is checked, so the user sees them all at once.

    Only the first MAX_PROBLEMS_KEPT are kept; the rest are counted.
    """

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    def append(self, problem: Problem) -> None:
        """Keep the problem, or only count it once MAX_PROBLEMS_KEPT are held."""
        if len(self) < MAX_PROBLEMS_KEPT:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        """Append each problem in turn, so the cap on problems kept applies to them too."""
        for problem in problems:
            self.append(problem)

    def absorb(self, exc: LoadRejected) -> None:
        """Add the problems of a file rejected on its own, to report with the others."""
        self.extend(exc.problems)
        self.more += exc.more

    def check(self, file: str, line: int, column: str, parser, value, *args):
        """`parser(value, *args)`, or None with the problem kept, so checking goes on to the end."""
        try:
            return parser(value, *args)
        except ValueError as exc:
            self.append(Problem(file, line, column, str(exc)))
            return None

    def raise_if_any(self) -> None:
        """Raise LoadRejected with every problem found, if there were any."""
        if self:
            raise LoadRejected(list(self), self.more)

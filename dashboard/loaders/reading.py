"""Reading CSV files line by line with strict UTF-8, normalised headers and typed field parsers.

Each parser raises ValueError with a message fit to show a user; the caller adds file, line and
column.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gzip
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from dashboard.loaders.errors import LoadRejected, Problem

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def normalise_header(name: str) -> str:
    """'LSOA code' and 'lsoa_code' are the same column."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def _decoded_lines(path: Path) -> Iterator[str]:
    """Yield text lines, raising LoadRejected at the first line that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with _open_binary(path) as f:
        for line_no, raw in enumerate(f, start=1):
            try:
                yield decoder.decode(raw)
            except UnicodeDecodeError as exc:
                raise LoadRejected(
                    [
                        Problem(
                            path.name,
                            line_no,
                            None,
                            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at position "
                            f"{exc.start + 1}); save the file as UTF-8 and load it again",
                        )
                    ]
                ) from None


class CsvFile:
    """A CSV file whose rows come out as (line number, {normalised column: value})."""

    def __init__(self, path: Path, required: list[str], optional: list[str] = ()) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.required = required
        self.optional = list(optional)
        self.columns: list[str] = []

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        with contextlib.closing(_decoded_lines(self.path)) as lines:
            yield from self._rows(lines)

    def _rows(self, lines: Iterator[str]) -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.reader(lines)
        try:
            header = next(reader)
        except StopIteration:
            raise LoadRejected([Problem(self.name, 1, None, "the file is empty")]) from None
        self.columns = [normalise_header(h) for h in header]
        missing = [c for c in self.required if c not in self.columns]
        if missing:
            raise LoadRejected(
                [
                    Problem(
                        self.name,
                        1,
                        col,
                        f"required column missing (the header has: {', '.join(header)})",
                    )
                    for col in missing
                ]
            )
        width = len(self.columns)
        for row in reader:
            line_no = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                raise LoadRejected(
                    [
                        Problem(
                            self.name,
                            line_no,
                            None,
                            f"has {len(row)} fields where the header has {width}",
                        )
                    ]
                )
            yield line_no, dict(zip(self.columns, row, strict=True))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_month(value: str) -> dt.date:
    m = _MONTH.match(value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"'{value}' is not a month (expected YYYY-MM, e.g. 2021-03)")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a date (expected YYYY-MM-DD)") from None


def parse_count(value: str) -> int:
    text = value.strip().replace(",", "")
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"'{value}' is not a whole number")
    number = int(text)
    if number < 0:
        raise ValueError(f"{number} is negative; counts cannot be below zero")
    return number


def parse_optional_count(value: str) -> int | None:
    return None if not value.strip() else parse_count(value)


def parse_pct(value: str) -> float:
    try:
        number = float(value.strip().rstrip("%"))
    except ValueError:
        raise ValueError(f"'{value}' is not a percentage") from None
    if not 0 <= number <= 100:
        raise ValueError(f"{number} is not between 0 and 100")
    return number


def parse_number(value: str) -> float:
    try:
        return float(value.strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"'{value}' is not true/false")


def parse_choice(value: str, choices: tuple[str, ...]) -> str:
    text = value.strip().lower()
    if text not in choices:
        raise ValueError(f"'{value}' is not one of: {', '.join(choices)}")
    return text


class ProblemList(list):
    """Collects problems while a whole file is checked, so the user sees them all at once."""

    def check(self, file: str, line: int, column: str, parser, value, *args):
        try:
            return parser(value, *args)
        except ValueError as exc:
            self.append(Problem(file, line, column, str(exc)))
            return None

    def raise_if_any(self) -> None:
        if self:
            raise LoadRejected(list(self))

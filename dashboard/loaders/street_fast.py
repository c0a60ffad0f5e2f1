"""The fast path for police.uk street files: Arrow's streaming CSV reader, counted in Arrow.

A street file is read in blocks (bounded memory whatever its size), ASB rows are kept and
counted by month and LSOA inside Arrow, so Python only sees the counts. Any file Arrow cannot
read cleanly (a wrong field count, bad UTF-8, a NUL byte, a line over MAX_LINE_BYTES, a repeated
column, more than MAX_COUNT_KEYS distinct counts) returns None, and the careful row-by-row path
reads it instead to report every problem with its line number.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dashboard.loaders.reading import MAX_LINE_BYTES, normalise_header

ASB_STREET = "Anti-social behaviour"
NEEDED = ("month", "lsoa_code", "lsoa_name", "crime_type")
# Bytes per block (some 20,000 rows). Arrow keeps up to about 40 blocks in flight, so this sets
# the reader's memory: ~80 MB at 2 MiB, ~320 MB at 8 MiB, with no measurable gain in speed. A
# block must hold a whole line: above MAX_LINE_BYTES.
BLOCK = 2 << 20
# Distinct (month, LSOA) counts held for one file. A police.uk file is one force's month (at
# most some 5,000 LSOAs); every force's month together is 35,000.
MAX_COUNT_KEYS = 100_000
MERGE_EVERY = 8  # blocks whose counts are merged into one table, so parts never pile up


@dataclass
class StreetCounts:
    """What the fast path read from one file: rows read, ASB rows, and the ASB counts."""

    rows_read: int
    asb_rows: int
    counts: pa.Table  # month (text), lsoa_code, lsoa_name, n: one row per distinct triple


def _header(path: Path) -> list[str] | None:
    with pa.input_stream(str(path), compression="detect") as stream:
        first = stream.read(1 << 16).split(b"\n", 1)[0]
    try:
        text = first.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        return None
    return next(csv.reader([text]), None)


def _line_run(block: bytes, run: int) -> tuple[int, int]:
    """(longest line in the block, counting `run` bytes carried from the block before, and the
    bytes of its last line, carried to the next)."""
    ends = np.flatnonzero(np.frombuffer(block, np.uint8) == ord("\n"))
    if not ends.size:
        return run + len(block), run + len(block)
    inner = int(np.diff(ends).max()) if ends.size > 1 else 0
    tail = len(block) - int(ends[-1]) - 1
    return max(run + int(ends[0]) + 1, inner, tail), tail


def _plain_text(path: Path) -> bool:
    """Every byte, including columns Arrow is not asked to read (about 1 GB/s): UTF-8, no NUL,
    no line over MAX_LINE_BYTES; False too if the file or its gzip cannot be read."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    run = 0
    try:
        with pa.input_stream(str(path), compression="detect") as stream:
            while block := stream.read(BLOCK):
                decoder.decode(block)
                longest, run = _line_run(block, run)
                if longest > MAX_LINE_BYTES or b"\0" in block:
                    return False
            decoder.decode(b"", final=True)
    except (UnicodeDecodeError, OSError, pa.ArrowException):
        return False
    return True


def _merge(parts: list[pa.Table]) -> pa.Table:
    """The blocks' counts as one table, one row per distinct (month, LSOA, name)."""
    merged = pa.concat_tables(parts).group_by(["month", "lsoa_code", "lsoa_name"])
    table = merged.aggregate([("n", "sum")])
    return table.rename_columns(["month", "lsoa_code", "lsoa_name", "n"])


def street_counts(path: Path) -> StreetCounts | None:
    """ASB counts by (month, LSOA) of one street file, or None to use the careful path."""
    if not _plain_text(path):
        return None
    header = _header(path)
    if not header:
        return None
    names = {normalise_header(h): h for h in header}
    if len(names) < len(header) or any(n not in names for n in NEEDED):
        return None  # the careful path names the missing or repeated columns
    options = pacsv.ConvertOptions(
        include_columns=[names[n] for n in NEEDED],
        column_types={names[n]: pa.string() for n in NEEDED},
        strings_can_be_null=False,
    )
    parts: list[pa.Table] = []
    rows_read = asb_rows = 0
    try:
        with pa.input_stream(str(path), compression="detect") as stream:
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(block_size=BLOCK, use_threads=True),
                parse_options=pacsv.ParseOptions(newlines_in_values=False),
                convert_options=options,
            )
            for batch in reader:
                rows_read += batch.num_rows
                asb = batch.filter(pc.equal(batch.column(names["crime_type"]), ASB_STREET))
                asb_rows += asb.num_rows
                if asb.num_rows:
                    table = pa.Table.from_batches([asb]).rename_columns(list(NEEDED))
                    counted = table.group_by(["month", "lsoa_code", "lsoa_name"]).aggregate(
                        [("crime_type", "count")]
                    )
                    parts.append(counted.rename_columns(["month", "lsoa_code", "lsoa_name", "n"]))
                if len(parts) >= MERGE_EVERY:
                    parts = [_merge(parts)]
                    if parts[0].num_rows > MAX_COUNT_KEYS:
                        return None  # the careful path says what is wrong with it
    except (pa.ArrowException, OSError, UnicodeDecodeError):
        return None
    if parts:
        counts = _merge(parts)
    else:
        counts = pa.table(
            {c: pa.array([], pa.string()) for c in NEEDED[:3]} | {"n": pa.array([], pa.int64())}
        )
    return StreetCounts(rows_read, asb_rows, counts)

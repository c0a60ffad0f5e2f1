"""Validation problems, each naming a file, line and column, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class LoadRejected(Exception):
    """A file failed validation; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f"\n  ... and {more} more problem(s)" if more > 0 else ""
        super().__init__(
            f"Rejected: {len(problems)} problem(s) found; the database was not changed.\n"
            f"{shown}{tail}"
        )

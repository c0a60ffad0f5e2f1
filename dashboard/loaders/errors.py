"""Validation problems, each naming a file, line and column, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One validation problem and where it is: file, line (None: the whole file) and column."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        """The problem as a user reads it: file, line and column, then the message."""
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class LoadRejected(Exception):
    """A file failed validation; nothing was written.

    `more`: problems found but not kept (a bad file of millions of rows must not hold them all).
    """

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        total = len(problems) + more
        if total == 1:  # one problem, one line: what a shell user reads at a glance
            super().__init__(f"Rejected, the database was not changed: {problems[0]}")
            return
        shown = "\n".join(f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN])
        hidden = total - min(len(problems), MAX_PROBLEMS_SHOWN)
        tail = f"\n  ... and {hidden:,} more problem(s)" if hidden > 0 else ""
        super().__init__(
            f"Rejected: {total:,} problem(s) found; the database was not changed.\n{shown}{tail}"
        )

"""What an import says back: every bad row with its line, field and reason, or what it wrote.

A file with any bad row is refused whole (`ImportRefused`, an `InvalidInput`, so every face
shows its first problem as one line) and carries all of them, so an administrator fixes the file
in one go rather than one error a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from pms.kernel.errors import InvalidInput
from pms.setup.hotel_file import reason_of


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in a file: the line (the header is line 1), the column and the reason."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class ImportRefused(InvalidInput):
    """A file with bad rows: nothing of it was written; `problems` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        rows = len({p.line for p in problems})
        super().__init__(
            problems[0].field or "file",
            f"{rows} row{'s' if rows != 1 else ''} of the file cannot be imported "
            f"(first: {problems[0]}) — nothing was imported",
        )
        self.problems = problems


@dataclass
class ImportReport:
    """What an import wrote (or, on a dry run, would write): rows read, records created,
    updated (a guest merged) and skipped (a duplicate, a stay imported before), and notes."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)


def problems_of(line: int, error: ValidationError) -> list[RowProblem]:
    """A row's pydantic errors as problems, each under the column it is about."""
    found = []
    for item in error.errors():
        column = ".".join(str(part) for part in item["loc"][:1])
        reason = reason_of(item)
        if not column and ": " in reason:  # a check across columns names its column first
            column, _, reason = reason.partition(": ")
        found.append(RowProblem(line, column, reason))
    return found


def problem_of(line: int, error: InvalidInput | Any, column: str = "") -> RowProblem:
    """A service's refusal of a row, under the field it names (or the given column)."""
    return RowProblem(line, getattr(error, "field", "") or column, str(error))

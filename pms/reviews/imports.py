"""Importing reviews from a CSV file (a review site's export, a survey tool's): the whole file
or nothing. Each row is checked by the same `check_review` as the desk and the CLI, in file
order, so a second row for one stay is refused like a second review at the desk; every bad row
is reported with its line number and field, and then nothing is stored.

The columns: `stay` (or `confirmation`), `overall`, one per category code (`cleanliness` …),
and optionally `title`, `text`, `language`, `date`, `reference` (the site's own id, so the same
export imported twice is refused). A general import can call `review_input` and `check_review`
row by row in the same way.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pms.hotel.properties import resolve_property
from pms.kernel.errors import InvalidInput
from pms.reviews.entry import ReviewInput, category_names, check_review, store_review

#: Columns that are not a category's score.
_FIELDS = {"stay", "confirmation", "overall", "title", "text", "language", "date", "reference"}


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one row: its line in the file, the field and the sentence."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class ImportRefused(InvalidInput):
    """A file with bad rows: nothing of it was stored; `problems` lists every bad row."""

    def __init__(self, problems: list[RowProblem]) -> None:
        rows = len({p.line for p in problems})
        super().__init__(
            problems[0].field,
            f"{rows} row{'s' if rows != 1 else ''} of the file cannot be imported "
            f"(first: {problems[0]}) — nothing was imported",
        )
        self.problems = problems


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV text as (line number, column → value), the header on line 1."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InvalidInput("file", "the file is empty: it needs a header line")
    header = {name.strip().lower() for name in reader.fieldnames}
    if not header & {"stay", "confirmation"} or "overall" not in header:
        raise InvalidInput(
            "file", "the header needs a stay (or confirmation) and an overall column"
        )
    return [
        (reader.line_num, {k.strip().lower(): (v or "").strip() for k, v in row.items() if k})
        for row in reader
    ]


def review_input(row: dict[str, str], categories: list[str]) -> ReviewInput:
    """One row as a review, refusing a column that is no field and no category."""
    for column in row:
        if column not in _FIELDS and column not in categories:
            raise InvalidInput(column, f"{column!r} is not a review field or category")
    return ReviewInput(
        stay=row.get("stay") or row.get("confirmation", ""),
        overall=row.get("overall", ""),
        scores={code: row[code] for code in categories if row.get(code)},
        title=row.get("title", ""),
        text=row.get("text", ""),
        language=row.get("language", ""),
        review_date=row.get("date") or None,
        external_ref=row.get("reference", ""),
    )


def import_reviews(session: Session, text: str, *, property_code: str | None = None) -> int:
    """Store every review of the CSV text, or none: returns how many were imported."""
    prop = resolve_property(session, property_code)
    categories = [code for code, _ in category_names(session, prop)]
    problems: list[RowProblem] = []
    stored = 0
    for line, row in read_rows(text):
        try:
            checked = check_review(session, prop, review_input(row, categories))
        except InvalidInput as error:
            problems.append(RowProblem(line, error.field, str(error)))
            continue
        if not problems:  # once a row is bad nothing is kept: only check the rest
            store_review(session, prop, checked, "import")
            stored += 1
    if problems:
        raise ImportRefused(problems)
    return stored

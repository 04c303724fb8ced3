"""Reading an import file into rows, each with the line of the file it starts on.

CSV files come from spreadsheets and other systems: UTF-8 with or without a byte-order mark,
separated by `;` (what spreadsheets in most of Europe write) or `,`, told apart from the header
line. The header is line 1, so the first row is line 2 and a row's problems name the line an
administrator opens the file at. JSON files are a list of objects; each object's line is the
line its `{` stands on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from pms.kernel.errors import InvalidInput

FORMATS = ("csv", "json")


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of a file: the line it starts on, its values by column name (lower case), and
    what makes it unreadable, if anything does (more cells than the header has names)."""

    line: int
    values: dict[str, Any]
    problem: str = ""


def format_of(name: str, given: str | None) -> str:
    """The file's format: as given, else from its name's ending (`.json`, else CSV)."""
    if given:
        wanted = given.strip().lower()
        if wanted not in FORMATS:
            raise InvalidInput("format", f"{given!r} is not a file format ({', '.join(FORMATS)})")
        return wanted
    return "json" if name.lower().endswith(".json") else "csv"


def decode(data: bytes) -> str:
    """The file's text: UTF-8, a byte-order mark dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidInput(
            "file", f"line {line} is not UTF-8 text: save the file as UTF-8"
        ) from None


def read_rows(text: str, file_format: str) -> list[SourceRow]:
    """Every row of the text in the given format, with its line number."""
    return _json_rows(text) if file_format == "json" else _csv_rows(text)


def _separator(header: str) -> str:
    """`;` or `,`: whichever the header line uses (a header has no quoted separators in it,
    or the sniffer settles it)."""
    try:
        return csv.Sniffer().sniff(header, delimiters=";,").delimiter
    except csv.Error:
        return ";" if header.count(";") > header.count(",") else ","


def _csv_rows(text: str) -> list[SourceRow]:
    header = text.split("\n", 1)[0]
    if not header.strip():
        raise InvalidInput("file", "the file is empty: it needs a header line")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(header))
    names = [name.strip().lower() for name in next(reader)]
    rows: list[SourceRow] = []
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):  # blank lines are not rows
            values = {n: c.strip() for n, c in zip(names, cells, strict=False) if n}
            too_long = len(cells) > len(names)
            problem = "the row has more cells than the header has names" if too_long else ""
            rows.append(SourceRow(line, values, problem))
        line = reader.line_num + 1
    return rows


def _json_rows(text: str) -> list[SourceRow]:
    """The objects of a JSON list, each with the line its `{` stands on."""
    # Decimals stay text, as in a CSV cell: no float ever holds an amount of money.
    decoder = json.JSONDecoder(parse_float=str)
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise InvalidInput("file", "a JSON import file is a list of objects: [{...}, {...}]")
    position = _skip_space(text, position + 1)
    rows: list[SourceRow] = []
    while position < len(text) and text[position] != "]":
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            broken = f"line {exc.lineno}: the JSON is broken: {exc.msg}"
            raise InvalidInput("file", broken) from None
        if isinstance(value, dict):
            rows.append(SourceRow(line, {str(k).strip().lower(): v for k, v in value.items()}))
        else:
            rows.append(SourceRow(line, {}, "each entry of the list must be an object {...}"))
        position = _skip_space(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
    if position >= len(text):
        raise InvalidInput("file", "the JSON list is not closed with ]")
    return rows


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _cell(value: Any) -> Any:
    """A value as a file holds it: dates in ISO form, amounts as their decimal text."""
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def write_rows(
    out: TextIO, rows: Iterable[dict[str, Any]], file_format: str, *, header: Sequence[str] = ()
) -> int:
    """Write the rows to `out` as they come (a stream in, a stream out); returns how many.

    CSV: a header from the first row's columns (`header` when there is no row), `true`/`false`,
    blank for nothing. JSON: a list of objects, one a line, amounts as text (`"120.50"`) so no
    reader makes floats of them."""
    count = 0
    if file_format == "json":
        out.write("[")
        for count, row in enumerate(rows, 1):
            data = {key: _cell(value) for key, value in row.items()}
            out.write(("\n" if count == 1 else ",\n") + json.dumps(data, ensure_ascii=False))
        out.write("\n]\n" if count else "]\n")
        return count
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        if not count:
            writer.writerow(list(row))
        writer.writerow([_text(value) for value in row.values()])
        count += 1
    if not count and header:
        writer.writerow(header)
    return count


def _text(value: Any) -> Any:
    """A value as a CSV cell: text and whole numbers as they are (most cells of an export,
    so they are looked at first), `true`/`false`, blank for nothing."""
    kind = type(value)
    if kind is str or kind is int:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    return _cell(value)

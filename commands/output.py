"""How the `pms` commands print: rich tables for people, plain JSON for scripts, and the few
ways of writing a date, a status or a percentage that every command shares.

A list of views goes through `print_rows` (or `table_of`, when the table goes out with other
lines), so each command only says what its columns are; JSON keeps money as integer minor units
beside the view's currency, exactly as the services return it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

import typer
from rich.console import Console, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

Row = TypeVar("Row")


def console(*, stderr: bool = False) -> Console:
    """A rich console, made per use so it writes to the current stream at its current width
    (tests swap the streams; terminals get resized)."""
    return Console(stderr=stderr, highlight=False)


def plain(value: Any) -> Any:
    """A view as plain JSON data: dataclasses as objects with their derived figures (totals,
    nights, availability) too, dates in ISO form, money left as integer minor units."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, attribute in vars(type(value)).items():
            if isinstance(attribute, property):
                data[name] = plain(getattr(value, name))
        return data
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):  # an average rating, not money (money is integer minor units)
        return str(value)
    return value


def print_json(value: Any) -> None:
    """Print a view for scripts: no colour, no wrapping, UTF-8 names kept as they are."""
    typer.echo(json.dumps(plain(value), indent=2, ensure_ascii=False))


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of a table of views: its heading, what a view shows in it, how it lines up."""

    heading: str
    cell: Callable[[Row], RenderableType]
    justify: JustifyMethod = "left"
    no_wrap: bool = False
    style: str = ""


def table_of(
    rows: Iterable[Row],
    columns: Sequence[Column[Row]],
    *,
    title: str | None = None,
    caption: str | None = None,
) -> Table:
    """The views as a table, a row each; a title reads on the left above it, a caption (a
    balance, a total) on the right below it."""
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="right")
    for column in columns:
        table.add_column(
            column.heading, justify=column.justify, no_wrap=column.no_wrap, style=column.style
        )
    for row in rows:
        table.add_row(*(column.cell(row) for column in columns))
    return table


def print_rows(
    rows: Sequence[Row],
    columns: Sequence[Column[Row]],
    *,
    json_output: bool,
    empty: str | None = None,
) -> None:
    """A list of views for scripts as JSON, or for people as a table; `empty` is said instead
    of an empty table when given."""
    if json_output:
        print_json(rows)
    elif not rows and empty is not None:
        console().print(empty)
    else:
        console().print(table_of(rows, columns))


def details(fields: Iterable[tuple[str, RenderableType]]) -> Table:
    """One record's fields, a name in bold and its value on each line (a stay, a rate plan)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for name, value in fields:
        grid.add_row(name, value)
    return grid


def day(date: dt.date) -> str:
    """A date the way the desk reads it: `Thu 2026-12-03`."""
    return f"{date:%a %Y-%m-%d}"


def night_heading(night: dt.date) -> str:
    """A night as the heading of a grid's column: the weekday over the day and month."""
    return f"{night:%a}\n{night:%d.%m}"


def signed_percent(points: int) -> str:
    """Basis points as a signed percentage: `+15 %`, `-10 %`, `+12.5 %`."""
    return f"{Decimal(points) / 100:+g} %"


# The UX guide's status colours; the status word always goes with them, never colour alone.
_STATUS_STYLES = {
    "tentative": "grey50",
    "confirmed": "green",
    "checked_in": "blue",
    "checked_out": "dim",
    "cancelled": "strike red",
    "no_show": "strike red",
}


def status_text(status: str) -> Text:
    """A reservation status in its colour: `checked_in` reads `checked in`."""
    return Text(str(status).replace("_", " "), style=_STATUS_STYLES.get(status, ""))

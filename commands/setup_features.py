"""The feature vocabulary from the command line: `pms feature add|list` — the words room types
and rooms are described with, which quotes filter on (`pms quote --feature "sea view"`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, PropertyOption, desk_for
from commands.output import Column, console, print_json, print_rows, table_of
from pms.hotel.features import FeatureView, add_features, list_features

app = typer.Typer(
    help="Features: the words room types and rooms are described with (sea view, accessible …).",
    no_args_is_help=True,
)

_COLUMNS: list[Column[FeatureView]] = [
    Column("feature", lambda f: f"[bold]{escape(f.name)}[/]"),
    Column("room types", lambda f: ", ".join(f.room_types)),
    Column("rooms", lambda f: str(f.rooms) if f.rooms else "", justify="right"),
]


@app.command("add")
def add(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(metavar="NAME...", help='e.g. "sea view".')],
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add words to the vocabulary (managers)."""
    added = desk_for(ctx).run(add_features, property_code, names)
    if json_output:
        print_json(added)
        return
    console().print(f"Added {', '.join(escape(f.name) for f in added)}.")
    console().print(table_of(added, _COLUMNS))


@app.command("list")
def list_(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """The vocabulary, with the room types that have each word and the rooms that add it."""
    print_rows(
        desk_for(ctx).read(list_features, property_code),
        _COLUMNS,
        json_output=json_output,
        empty="No features yet: add some with `pms feature add`.",
    )

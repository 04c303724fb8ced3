"""Rooms from the command line: `pms room add|edit|list|retire NUMBERS` beside the desk's room
commands (`commands.rooms`: move, status, out of order …).

NUMBERS is a room, a range or a list for bulk work: `101`, `101-120`, `101,103,105-107`.
A room that stays hold is retired or retyped only once they are moved: `--move-stays` moves
them (each to another free room of its type, or to none, to be given one at check-in), and at
a terminal the command offers to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.markup import escape

from commands import DATE_FORMS, JsonOption, PropertyOption, desk_for, prompts, rooms
from commands.output import Column, console, day, print_json, print_rows, table_of
from pms.kernel.errors import RoomHoldsStays
from pms.setup.rooms_admin import (
    RoomChanges,
    RoomsChanged,
    RoomView,
    add_rooms,
    edit_rooms,
    list_rooms,
    retire_rooms,
)

app = typer.Typer(
    help="Rooms: adding and retiring them, their type, floor and features; status, out of "
    "order, room moves and in-house stay changes.",
    no_args_is_help=True,
)
app.add_typer(rooms.app)

Numbers = Annotated[
    str, typer.Argument(metavar="NUMBERS", help="A room, a range or a list: 101, 101-120, 101,103.")
]
Features = Annotated[
    list[str] | None,
    typer.Option("--feature", metavar="FEATURE", help="A feature of the vocabulary; repeat it."),
]
MoveStays = Annotated[
    bool,
    typer.Option(
        "--move-stays",
        help="Move the stays that hold the rooms to other rooms of their type (or to none).",
    ),
]


@app.command("add")
def add(
    ctx: typer.Context,
    numbers: Numbers,
    *,
    room_type: Annotated[str, typer.Option("--type", "-t", metavar="TYPE", help="Room type.")],
    floor: Annotated[
        int | None, typer.Option(help="Their floor (default: from the number, 101 → 1).")
    ] = None,
    feature: Features = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add rooms of a type (managers), all or none: each night from the business date on
    has them to sell."""
    added = desk_for(ctx).run(
        add_rooms, property_code, numbers, room_type, floor=floor, features=feature
    )
    _print_rooms(added, json_output, f"Added {_count(added)} of type {room_type.upper()}.")


@app.command("edit")
def edit(
    ctx: typer.Context,
    numbers: Numbers,
    *,
    room_type: Annotated[
        str | None,
        typer.Option("--type", "-t", metavar="TYPE", help="Another type, from the business date."),
    ] = None,
    floor: Annotated[int | None, typer.Option()] = None,
    feature: Features = None,
    no_features: Annotated[
        bool, typer.Option("--no-features", help="Take every feature off.")
    ] = False,
    move_stays: MoveStays = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change rooms' type, floor or features (managers); a new type is refused where the old
    type's nights would be oversold."""
    if feature and no_features:
        raise typer.BadParameter("give --feature or --no-features, not both")
    changes = RoomChanges(
        room_type=room_type,
        floor=floor,
        features=[] if no_features else feature or None,
    )
    desk = desk_for(ctx)
    changed = _offering_moves(
        lambda move: desk.run(edit_rooms, property_code, numbers, changes, move=move), move_stays
    )
    _print_changed(changed, json_output, f"Changed {_count(changed.rooms)}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    room_type: Annotated[str | None, typer.Option("--type", "-t", metavar="TYPE")] = None,
    floor: Annotated[int | None, typer.Option()] = None,
    retired: Annotated[bool, typer.Option("--all", help="Retired rooms too.")] = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """The rooms by floor: type, features, housekeeping, and when retired ones left."""
    found = desk_for(ctx).read(
        list_rooms, property_code, room_type=room_type, floor=floor, retired=retired
    )
    print_rows(found, _COLUMNS, json_output=json_output, empty="No rooms match.")


@app.command("retire")
def retire(
    ctx: typer.Context,
    numbers: Numbers,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help=f"First night without them: {DATE_FORMS}."),
    ] = None,
    move_stays: MoveStays = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Take rooms out of the hotel (managers), all or none: refused where a night would be
    sold beyond the rooms left. Their past stays stay on record."""
    desk = desk_for(ctx)
    changed = _offering_moves(
        lambda move: desk.run(retire_rooms, property_code, numbers, start=start, move=move),
        move_stays,
    )
    when = day(changed.rooms[0].retired_on) if changed.rooms[0].retired_on else "now"
    _print_changed(changed, json_output, f"Retired {_count(changed.rooms)} from {when}.")


def _offering_moves(change: Callable[[bool], RoomsChanged], move: bool) -> RoomsChanged:
    """Make the change; when stays hold a room, offer at a terminal to move them and make it
    again, else say how to."""
    try:
        return change(move)
    except RoomHoldsStays as held:
        if prompts.stdin_is_terminal():
            console().print(escape(str(held)))
            if prompts.confirm(f"Move {len(held.stays)} stay(s) to other rooms of their type?"):
                return change(True)
        raise RoomHoldsStays(f"{held} (--move-stays moves them)", held.stays) from None


def _count(found: list[RoomView]) -> str:
    return f"{len(found)} room{'s' if len(found) != 1 else ''}"


def _print_rooms(found: list[RoomView], json_output: bool, headline: str) -> None:
    if json_output:
        print_json(found)
        return
    out = console()
    out.print(headline)
    out.print(table_of(found, _COLUMNS))


def _print_changed(changed: RoomsChanged, json_output: bool, headline: str) -> None:
    if json_output:
        print_json(changed)
        return
    _print_rooms(changed.rooms, False, headline)
    for moved in changed.moved:
        where = f"room {escape(moved.to_room)}" if moved.to_room else "no room (given at check-in)"
        console().print(
            f"{moved.confirmation} moved from room {escape(moved.from_room)} to {where}."
        )


_COLUMNS: list[Column[RoomView]] = [
    Column("room", lambda r: f"[bold]{escape(r.number)}[/]"),
    Column("floor", lambda r: str(r.floor), justify="right"),
    Column("type", lambda r: r.room_type),
    Column("features", lambda r: escape(", ".join(r.features))),
    Column("housekeeping", lambda r: r.housekeeping),
    Column("retired", lambda r: day(r.retired_on) if r.retired_on else ""),
]

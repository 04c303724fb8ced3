"""Rooms from the command line: `pms room move|status|ooo|back|oos|board|suggest|extend|shorten`.

Moves, extensions and shortenings act on in-house stays; status, out of order and out of
service act on a room by its number. Each command prints the room or stay as it now is.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from commands import DATE_FORMS, Confirmation, JsonOption, PropertyOption, VersionOption, desk_for
from commands.output import Column, console, day, print_json, print_rows, table_of
from pms.frontdesk.room_suggestions import RoomSuggestion, suggest_rooms
from pms.frontdesk.stay_changes import extend_stay, move_room, shorten_stay
from pms.housekeeping.board import RoomStatusView, housekeeping_board
from pms.housekeeping.out_of_order import return_to_service, set_out_of_order
from pms.housekeeping.room_status import set_housekeeping, set_out_of_service
from pms.stays.reservation_views import ReservationView

app = typer.Typer(help="Room status, out of order, room moves and in-house stay changes.",
                  no_args_is_help=True)  # fmt: skip

RoomNumber = Annotated[str, typer.Argument(help="Room number, e.g. 101.")]

_HOUSEKEEPING_STYLES = {"dirty": "red", "clean": "green", "inspected": "bold green"}


@app.command("move")
def move(
    ctx: typer.Context,
    confirmation: Confirmation,
    room: RoomNumber,
    reason: Annotated[str, typer.Option(help="Why the guest moves, for the record.")],
    allow_dirty: Annotated[
        bool, typer.Option("--allow-dirty", help="Move into a dirty room anyway (supervisors).")
    ] = False,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Move an in-house guest to another room of the same type from tonight on."""
    view = desk_for(ctx).run(
        move_room, confirmation, room, reason, version, allow_dirty=allow_dirty
    )
    _print_stay(view, json_output, f"Moved [bold]{view.confirmation}[/] to room {escape(room)}.")


@app.command("extend")
def extend(
    ctx: typer.Context,
    confirmation: Confirmation,
    departure: Annotated[str, typer.Argument(help=f"The new departure date: {DATE_FORMS}.")],
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Keep an in-house guest longer, in the same room; the new nights are priced today."""
    view = desk_for(ctx).run(extend_stay, confirmation, departure, version)
    _print_stay(view, json_output, f"Extended [bold]{view.confirmation}[/].")


@app.command("shorten")
def shorten(
    ctx: typer.Context,
    confirmation: Confirmation,
    departure: Annotated[str, typer.Argument(help=f"The new departure date: {DATE_FORMS}.")],
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """End an in-house stay earlier; the dropped nights go back on sale."""
    view = desk_for(ctx).run(shorten_stay, confirmation, departure, version)
    _print_stay(view, json_output, f"Shortened [bold]{view.confirmation}[/].")


@app.command("suggest")
def suggest(
    ctx: typer.Context, confirmation: Confirmation, json_output: JsonOption = False
) -> None:
    """Rooms that could take an arrival, best first: ready rooms, then the guest's wishes."""
    print_rows(
        desk_for(ctx).read(suggest_rooms, confirmation),
        _SUGGESTION_COLUMNS,
        json_output=json_output,
        empty="No room of this type is free for all the stay's nights.",
    )


@app.command("status")
def status(
    ctx: typer.Context,
    room: RoomNumber,
    state: Annotated[str, typer.Argument(metavar="STATUS", help="dirty, clean or inspected.")],
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set a room's housekeeping status; 'inspected' needs a supervisor."""
    view = desk_for(ctx).run(set_housekeeping, room, state, property_code=property_code)
    _print_rooms([view], json_output, f"Room {escape(view.number)} is {view.housekeeping}.")


@app.command("ooo")
def out_of_order(
    ctx: typer.Context,
    room: RoomNumber,
    start: Annotated[
        str, typer.Option("--from", metavar="DATE", help=f"First night out: {DATE_FORMS}.")
    ],
    end: Annotated[
        str,
        typer.Option("--until", metavar="DATE", help="First night back in order (not included)."),
    ],
    reason: Annotated[str, typer.Option(help="Why the room is out of order.")],
    accept_overbooking: Annotated[
        bool,
        typer.Option(
            "--accept-overbooking", help="Take it out even if nights oversell (supervisors)."
        ),
    ] = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Take a room out of order for a range of nights: it leaves inventory for them."""
    view = desk_for(ctx).run(
        set_out_of_order,
        room,
        start,
        end,
        reason,
        accept_overbooking=accept_overbooking,
        property_code=property_code,
    )
    if json_output:
        print_json(view)
        return
    out = console()
    out.print(
        f"Room {escape(view.room)} is out of order from {day(view.start)} until {day(view.end)}"
        f" ({escape(view.reason)}); window {view.id}."
    )
    if view.overbooked:
        nights = ", ".join(day(n) for n in view.overbooked)
        out.print(f"[yellow]Overbooked on {nights}.[/]")


@app.command("back")
def back_in_order(
    ctx: typer.Context,
    room: RoomNumber,
    window: Annotated[
        str,
        typer.Argument(help="The out-of-order window's id, or a date inside it (default today)."),
    ] = "today",
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """End an out-of-order window: its nights from today on go back on sale."""
    which: int | str = int(window) if window.isdigit() else window
    view = desk_for(ctx).run(return_to_service, room, which, property_code=property_code)
    _print_rooms([view], json_output, f"Room {escape(view.number)} is back in order.")


@app.command("oos")
def out_of_service(
    ctx: typer.Context,
    room: RoomNumber,
    reason: Annotated[
        str, typer.Argument(help="Why the room is kept empty; leave out to put it back.")
    ] = "",
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Keep a room empty for now while it stays on sale; without a reason, back in service."""
    view = desk_for(ctx).run(set_out_of_service, room, reason, property_code=property_code)
    headline = (
        f"Room {escape(view.number)} is out of service ({escape(view.out_of_service)})."
        if view.out_of_service
        else f"Room {escape(view.number)} is in service."
    )
    _print_rooms([view], json_output, headline)


@app.command("board")
def board(
    ctx: typer.Context,
    floor: Annotated[int | None, typer.Option(help="Only rooms on this floor.")] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Only rooms dirty, clean, inspected, vacant, occupied, arriving, "
            "'due out', ooo or oos.",
        ),
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """The housekeeping board: every room by floor, with its status as of the business date."""
    rooms = desk_for(ctx).read(housekeeping_board, property_code, floor, state)
    if not rooms and not json_output:
        console().print("No rooms match.")
        return
    _print_rooms(rooms, json_output)


def _housekeeping(state: str) -> Text:
    return Text(state, style=_HOUSEKEEPING_STYLES.get(state, ""))


def _print_rooms(rooms: list[RoomStatusView], json_output: bool, headline: str = "") -> None:
    if json_output:
        print_json(rooms[0] if headline else rooms)
        return
    out = console()
    if headline:
        out.print(headline)
    out.print(table_of(rooms, _ROOM_COLUMNS))


def _blocked(room: RoomStatusView) -> str:
    """Why the room cannot be sold or used now, if it cannot."""
    if room.out_of_order:
        until = f" until {day(room.out_of_order_until)}" if room.out_of_order_until else ""
        return f"{room.out_of_order}{until}"
    if room.out_of_service:
        return f"out of service: {room.out_of_service}"
    return ""


_SUGGESTION_COLUMNS: list[Column[RoomSuggestion]] = [
    Column("room", lambda c: escape(c.number)),
    Column("floor", lambda c: str(c.floor)),
    Column("housekeeping", lambda c: _housekeeping(c.housekeeping)),
    Column("ready", lambda c: "yes" if c.ready else "no"),
    Column("matches", lambda c: escape(", ".join(c.matches))),
    Column("features", lambda c: escape(", ".join(c.features))),
]
_ROOM_COLUMNS: list[Column[RoomStatusView]] = [
    Column("room", lambda r: escape(r.number)),
    Column("floor", lambda r: str(r.floor)),
    Column("type", lambda r: r.room_type),
    Column("housekeeping", lambda r: _housekeeping(r.housekeeping)),
    Column("occupancy", lambda r: r.occupancy),
    Column("guest", lambda r: escape(r.guest)),
    Column("out of order", lambda r: escape(_blocked(r))),
]


def _print_stay(view: ReservationView, json_output: bool, headline: str) -> None:
    if json_output:
        print_json(view)
        return
    out = console()
    out.print(headline)
    room = f"room {escape(view.room)}" if view.room else "no room"
    nights = (view.departure - view.arrival) // dt.timedelta(days=1)
    out.print(
        f"{escape(view.guest_name)}, {view.room_type} {room}: {day(view.arrival)} → "
        f"{day(view.departure)}, {nights} night{'s' if nights != 1 else ''}."
    )

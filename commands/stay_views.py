"""Stays from the command line, as they are: `pms reservation show|list|rooms`.

Apart from the commands that change a stay (`commands.stay_changes`), so that showing or listing
stays loads none of the booking and change services (`commands.reservation` loads each command's
module when it runs).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape

from commands import Confirmation, JsonOption, PropertyOption, desk_for
from commands.output import Column, day, print_rows, status_text
from commands.stay_output import print_stay
from pms.hotel.properties import property_view
from pms.kernel.dates import parse_date
from pms.stays.reservation_lists import ReservationSummary, list_reservations
from pms.stays.reservation_views import get_reservation
from pms.stays.rooms import RoomChoice, free_rooms

# The filters of `list`.
Arriving = Annotated[
    str | None, typer.Option(metavar="DATE", help="Only stays arriving on this date.")
]
Departing = Annotated[
    str | None, typer.Option(metavar="DATE", help="Only stays departing on this date.")
]
InHouse = Annotated[
    str | None,
    typer.Option(
        "--in-house", metavar="DATE", help="Only stays that spend this night at the hotel."
    ),
]
Status = Annotated[
    str | None,
    typer.Option(help="Only stays in this status, e.g. confirmed, checked_in, cancelled."),
]
Search = Annotated[
    str, typer.Option(metavar="TEXT", help="A piece of the guest's name or confirmation.")
]
Limit = Annotated[int, typer.Option(help="Show at most this many.")]


def show(ctx: typer.Context, confirmation: Confirmation, json_output: JsonOption = False) -> None:
    """Show a stay in full, with its price night by night."""
    print_stay(desk_for(ctx).read(get_reservation, confirmation), json_output)


def list_(
    ctx: typer.Context,
    arriving: Arriving = None,
    departing: Departing = None,
    in_house: InHouse = None,
    status: Status = None,
    search: Search = "",
    limit: Limit = 100,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """List stays by arrival: arrivals, departures or who is in house on a date."""
    desk = desk_for(ctx)
    hotel = desk.read(property_view, property_code)

    def on(text: str | None, field: str) -> dt.date | None:
        return parse_date(text, hotel.business_date, field=field) if text is not None else None

    stays = desk.read(
        list_reservations,
        hotel.code,
        arriving=on(arriving, "arriving"),
        departing=on(departing, "departing"),
        staying=on(in_house, "in-house"),
        status=status,
        text=search,
        limit=limit,
    )
    print_rows(stays, _STAY_COLUMNS, json_output=json_output, empty="No reservations match.")


_STAY_COLUMNS: list[Column[ReservationSummary]] = [
    Column("confirmation", lambda s: s.confirmation, no_wrap=True),
    Column("status", lambda s: status_text(s.status)),
    Column("guest", lambda s: escape(s.guest_name)),
    Column("type", lambda s: s.room_type),
    Column("room", lambda s: escape(s.room)),
    Column("arrival", lambda s: day(s.arrival)),
    Column("departure", lambda s: day(s.departure)),
    Column("nights", lambda s: str(s.nights), justify="right"),
    Column("guests", lambda s: str(s.adults + s.children), justify="right"),
]


def rooms(ctx: typer.Context, confirmation: Confirmation, json_output: JsonOption = False) -> None:
    """Rooms that could take the stay for all its nights, best first (inspected, clean, dirty)."""
    print_rows(
        desk_for(ctx).read(free_rooms, confirmation),
        _ROOM_COLUMNS,
        json_output=json_output,
        empty="No free room of this type for all the stay's nights.",
    )


_ROOM_COLUMNS: list[Column[RoomChoice]] = [
    Column("room", lambda c: escape(c.number)),
    Column("floor", lambda c: str(c.floor)),
    Column("housekeeping", lambda c: c.housekeeping),
    Column("features", lambda c: escape(", ".join(c.features))),
]

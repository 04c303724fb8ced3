"""Stays from the command line: `pms reservation create|show|list|modify|cancel|confirm|assign|
unassign|rooms`.

Dates go to the services as the clerk typed them (`2026-12-04`, `4.12`, `+3`, `fri`): the booking
services read them against the property's business date, so the CLI and the TUI agree on what
`fri` means. Every command that changes a stay prints it as it now is (`commands.stay_output`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape

from commands import DATE_FORMS, Confirmation, JsonOption, PropertyOption, VersionOption, desk_for
from commands.output import Column, day, print_json, print_rows, status_text
from commands.stay_options import (
    Adults,
    Arrival,
    Children,
    Company,
    Departure,
    Email,
    GuestName,
    Nights,
    Phone,
    RoomType,
    end_given_once,
)
from commands.stay_output import print_stay
from pms.guests.lookup import GuestInput
from pms.hotel.properties import BASE_PLAN, property_view
from pms.kernel.dates import parse_date
from pms.kernel.desk import Desk
from pms.kernel.money import format_money, to_minor
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import StayChanges, cancel, confirm, modify
from pms.reservations.repricing import reprice
from pms.stays.reservation_lists import ReservationSummary, list_reservations
from pms.stays.reservation_views import get_reservation
from pms.stays.rooms import RoomChoice, assign_room, free_rooms, unassign_room

app = typer.Typer(help="Book, find, change and cancel stays.", no_args_is_help=True)

# What `modify` may change; left out, each stays as it is.
NewArrival = Annotated[
    str | None, typer.Option(metavar="DATE", help=f"Arrival date: {DATE_FORMS}.")
]
NewRoomType = Annotated[
    str | None, typer.Option("--room-type", "-t", metavar="TYPE", help="Room type code, e.g. DBL.")
]
NewAdults = Annotated[int | None, typer.Option(help="Adults in the party.")]
NewChildren = Annotated[int | None, typer.Option(help="Children in the party.")]

IdempotencyKey = Annotated[
    str | None, typer.Option(metavar="KEY", help="Books once however often the same key is sent.")
]
Tentative = Annotated[bool, typer.Option("--tentative", help="Hold the rooms until confirmed.")]
Overbook = Annotated[
    bool, typer.Option("--overbook", help="Sell past the limit when sold out (managers).")
]
RatePlan = Annotated[
    str, typer.Option("--rate-plan", metavar="PLAN", help="Rate plan to book on, e.g. CORP.")
]
ExpectedTotal = Annotated[
    str | None,
    typer.Option(
        metavar="AMOUNT",
        help="The total the guest was quoted; refuse the booking if the price has changed.",
    ),
]

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


@app.command("create")
def create(
    ctx: typer.Context,
    *,  # keyword-only, so the options can come in the order a clerk asks: dates, party, guest
    arrival: Arrival,
    departure: Departure = None,
    nights: Nights = None,
    adults: Adults = 1,
    children: Children = 0,
    room_type: RoomType,
    guest: GuestName,
    email: Email = "",
    phone: Phone = "",
    company: Company = "",
    idempotency_key: IdempotencyKey = None,
    tentative: Tentative = False,
    overbook: Overbook = False,
    rate_plan: RatePlan = BASE_PLAN,
    expected_total: ExpectedTotal = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Book a stay at the prices a quote shows; prints its confirmation number."""
    end_given_once(departure, nights)
    desk = desk_for(ctx)
    view = desk.run(
        book,
        BookingRequest(
            arrival=arrival,
            departure=departure,
            nights=nights,
            room_type=room_type,
            guest=GuestInput(guest, email, phone),
            adults=adults,
            children=children,
            property_code=property_code,
            idempotency_key=idempotency_key,
            tentative=tentative,
            overbook=overbook,
            rate_plan=rate_plan,
            expected_total=_quoted(desk, property_code, expected_total),
            company=company,
        ),
    )
    print_stay(view, json_output, f"Booked [bold]{view.confirmation}[/].")


def _quoted(desk: Desk, property_code: str | None, expected_total: str | None) -> int | None:
    """The total the guest was quoted, in the property's minor units."""
    if expected_total is None:
        return None
    currency = desk.read(property_view, property_code).currency
    return to_minor(expected_total, currency, field="expected total")


@app.command("show")
def show(ctx: typer.Context, confirmation: Confirmation, json_output: JsonOption = False) -> None:
    """Show a stay in full, with its price night by night."""
    print_stay(desk_for(ctx).read(get_reservation, confirmation), json_output)


@app.command("list")
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


@app.command("modify")
def modify_(
    ctx: typer.Context,
    confirmation: Confirmation,
    arrival: NewArrival = None,
    departure: Departure = None,
    nights: Nights = None,
    room_type: NewRoomType = None,
    adults: NewAdults = None,
    children: NewChildren = None,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change a stay's dates, room type or party; what is not given stays as it is.

    A new arrival keeps the length of stay unless --departure or --nights says otherwise.
    """
    end_given_once(departure, nights)
    changes = StayChanges(
        arrival=arrival,
        departure=departure,
        nights=nights,
        room_type=room_type,
        adults=adults,
        children=children,
    )
    if changes == StayChanges():
        raise typer.BadParameter(
            "nothing to change: give --arrival, --departure, --nights, --room-type, --adults "
            "or --children"
        )
    view = desk_for(ctx).run(modify, confirmation, changes, expected_version=version)
    print_stay(view, json_output, f"Changed [bold]{view.confirmation}[/].")


@app.command("cancel")
def cancel_(
    ctx: typer.Context,
    confirmation: Confirmation,
    reason: Annotated[str, typer.Option(help="Why the guest cancelled, for the record.")] = "",
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Cancel a stay that has not arrived: its nights go back on sale, its room is freed, and
    the fee its rate plan's cancellation policy sets for now is recorded and printed."""
    view = desk_for(ctx).run(cancel, confirmation, reason=reason, expected_version=version)
    fee = (
        f"Cancellation fee {format_money(view.cancellation_fee, view.currency)}."
        if view.cancellation_fee
        else "No cancellation fee."
    )
    print_stay(view, json_output, f"Cancelled [bold]{view.confirmation}[/]. {fee}")


@app.command("confirm")
def confirm_(
    ctx: typer.Context,
    confirmation: Confirmation,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Turn a tentative hold into a confirmed booking."""
    view = desk_for(ctx).run(confirm, confirmation, expected_version=version)
    print_stay(view, json_output, f"Confirmed [bold]{view.confirmation}[/].")


@app.command("reprice")
def reprice_(
    ctx: typer.Context,
    confirmation: Confirmation,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Price every night again from today's rates (only when agreed with the guest)."""
    repriced = desk_for(ctx).run(reprice, confirmation, expected_version=version)
    view = repriced.reservation
    if json_output:
        print_json(repriced)
        return
    change = format_money(repriced.difference, view.currency)
    was = format_money(repriced.old_total, view.currency)
    print_stay(view, False, f"Re-priced [bold]{view.confirmation}[/] (was {was}, {change}).")


@app.command("assign")
def assign(
    ctx: typer.Context,
    confirmation: Confirmation,
    room: Annotated[str, typer.Argument(help="Room number, e.g. 101.")],
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Give a stay a room for all its nights (replacing any room it had)."""
    view = desk_for(ctx).run(assign_room, confirmation, room, expected_version=version)
    headline = f"Gave room {escape(view.room)} to [bold]{view.confirmation}[/]."
    print_stay(view, json_output, headline)


@app.command("unassign")
def unassign(
    ctx: typer.Context,
    confirmation: Confirmation,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Take the room back from a stay that has not arrived."""
    view = desk_for(ctx).run(unassign_room, confirmation, expected_version=version)
    print_stay(view, json_output, f"[bold]{view.confirmation}[/] has no room now.")


@app.command("rooms")
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

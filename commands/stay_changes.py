"""Stays from the command line, changed: `pms reservation create|modify|cancel|confirm|reprice|
assign|unassign`.

Dates go to the services as the clerk typed them (`2026-12-04`, `4.12`, `+3`, `fri`): the booking
services read them against the property's business date, so the CLI and the TUI agree on what
`fri` means. Every command prints the stay as it now is (`commands.stay_output`).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import DATE_FORMS, Confirmation, JsonOption, PropertyOption, VersionOption, desk_for
from commands.output import print_json
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
from pms.kernel.desk import Desk
from pms.kernel.money import format_money, to_minor
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import StayChanges, cancel, confirm, modify
from pms.reservations.repricing import reprice
from pms.stays.rooms import assign_room, unassign_room

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


def confirm_(
    ctx: typer.Context,
    confirmation: Confirmation,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Turn a tentative hold into a confirmed booking."""
    view = desk_for(ctx).run(confirm, confirmation, expected_version=version)
    print_stay(view, json_output, f"Confirmed [bold]{view.confirmation}[/].")


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


def unassign(
    ctx: typer.Context,
    confirmation: Confirmation,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Take the room back from a stay that has not arrived."""
    view = desk_for(ctx).run(unassign_room, confirmation, expected_version=version)
    print_stay(view, json_output, f"[bold]{view.confirmation}[/] has no room now.")

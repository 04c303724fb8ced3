"""Stays from the command line: `pms reservation create|show|list|modify|cancel|confirm|assign|
unassign|rooms`.

Dates go to the services as the clerk typed them (`2026-12-04`, `4.12`, `+3`, `fri`): the booking
services read them against the property's business date, so the CLI and the TUI agree on what
`fri` means. Every command that changes a stay prints it as it now is.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands import (
    JsonOption,
    PropertyOption,
    VersionOption,
    console,
    day,
    desk_for,
    print_json,
    status_text,
)
from commands.rateplan import MEAL_PLANS
from pms.dates import parse_date
from pms.guests import GuestInput
from pms.money import format_money, to_minor
from pms.properties import BASE_PLAN, property_view
from pms.repricing import reprice
from pms.reservation_views import ReservationView, get_reservation, list_reservations
from pms.reservations import BookingRequest, StayChanges, book, cancel, confirm, modify
from pms.rooms import assign_room, free_rooms, unassign_room

app = typer.Typer(help="Book, find, change and cancel stays.", no_args_is_help=True)

_DATE_FORMS = "2026-12-04, 4.12, +3 or fri"

Confirmation = Annotated[str, typer.Argument(help="Confirmation number, e.g. AB12-CD34.")]
Arrival = Annotated[str | None, typer.Option(metavar="DATE", help=f"Arrival date: {_DATE_FORMS}.")]
Departure = Annotated[
    str | None,
    typer.Option(metavar="DATE", help=f"Departure date: {_DATE_FORMS}; or give --nights."),
]
Nights = Annotated[int | None, typer.Option(help="Nights to stay, instead of a departure date.")]
RoomType = Annotated[
    str | None, typer.Option("--room-type", "-t", metavar="TYPE", help="Room type code, e.g. DBL.")
]
Adults = Annotated[int | None, typer.Option(help="Adults in the party.")]
Children = Annotated[int | None, typer.Option(help="Children in the party.")]


def _end_given_once(departure: str | None, nights: int | None) -> None:
    """A stay's end is given one way; both at once would leave the desk guessing which wins."""
    if departure is not None and nights is not None:
        raise typer.BadParameter("give --departure or --nights, not both")


@app.command("create")
def create(
    ctx: typer.Context,
    *,  # keyword-only, so the options can come in the order a clerk asks: dates, party, guest
    arrival: Annotated[str, typer.Option(metavar="DATE", help=f"Arrival date: {_DATE_FORMS}.")],
    departure: Departure = None,
    nights: Nights = None,
    adults: Annotated[int, typer.Option(help="Adults in the party.")] = 1,
    children: Annotated[int, typer.Option(help="Children in the party.")] = 0,
    room_type: Annotated[
        str, typer.Option("--room-type", "-t", metavar="TYPE", help="Room type code, e.g. DBL.")
    ],
    guest: Annotated[
        str, typer.Option(metavar="NAME", help="Guest's name: 'Lucía García' or 'García, Lucía'.")
    ],
    email: Annotated[str, typer.Option(help="Guest's e-mail; finds their profile if known.")] = "",
    phone: Annotated[str, typer.Option(help="Guest's phone number.")] = "",
    idempotency_key: Annotated[
        str | None,
        typer.Option(metavar="KEY", help="Books once however often the same key is sent."),
    ] = None,
    tentative: Annotated[
        bool, typer.Option("--tentative", help="Hold the rooms until confirmed.")
    ] = False,
    overbook: Annotated[
        bool, typer.Option("--overbook", help="Sell past the limit when sold out (managers).")
    ] = False,
    rate_plan: Annotated[
        str, typer.Option("--rate-plan", metavar="PLAN", help="Rate plan to book on, e.g. CORP.")
    ] = BASE_PLAN,
    expected_total: Annotated[
        str | None,
        typer.Option(
            metavar="AMOUNT",
            help="The total the guest was quoted; refuse the booking if the price has changed.",
        ),
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Book a stay at the prices a quote shows; prints its confirmation number."""
    _end_given_once(departure, nights)
    desk = desk_for(ctx)
    quoted = None
    if expected_total is not None:
        currency = desk.read(property_view, property_code).currency
        quoted = to_minor(expected_total, currency, field="expected total")
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
            expected_total=quoted,
        ),
    )
    _print_stay(view, json_output, f"Booked [bold]{view.confirmation}[/].")


@app.command("show")
def show(ctx: typer.Context, confirmation: Confirmation, json_output: JsonOption = False) -> None:
    """Show a stay in full, with its price night by night."""
    _print_stay(desk_for(ctx).read(get_reservation, confirmation), json_output)


@app.command("list")
def list_(
    ctx: typer.Context,
    arriving: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only stays arriving on this date.")
    ] = None,
    departing: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only stays departing on this date.")
    ] = None,
    in_house: Annotated[
        str | None,
        typer.Option(
            "--in-house", metavar="DATE", help="Only stays that spend this night at the hotel."
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(help="Only stays in this status, e.g. confirmed, checked_in, cancelled."),
    ] = None,
    search: Annotated[
        str, typer.Option(metavar="TEXT", help="A piece of the guest's name or confirmation.")
    ] = "",
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 100,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """List stays by arrival: arrivals, departures or who is in house on a date."""
    desk = desk_for(ctx)
    hotel = desk.read(property_view, property_code)

    def on(text: str | None, field: str) -> dt.date | None:
        return parse_date(text, hotel.business_date, field=field) if text else None

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
    if json_output:
        print_json(stays)
        return
    if not stays:
        console().print("No reservations match.")
        return
    table = Table()
    table.add_column("confirmation", no_wrap=True)
    for heading in ("status", "guest", "type", "room", "arrival", "departure"):
        table.add_column(heading)
    table.add_column("nights", justify="right")
    table.add_column("guests", justify="right")
    for stay in stays:
        table.add_row(
            stay.confirmation,
            status_text(stay.status),
            escape(stay.guest_name),
            stay.room_type,
            escape(stay.room),
            day(stay.arrival),
            day(stay.departure),
            str(stay.nights),
            str(stay.adults + stay.children),
        )
    console().print(table)


@app.command("modify")
def modify_(
    ctx: typer.Context,
    confirmation: Confirmation,
    arrival: Arrival = None,
    departure: Departure = None,
    nights: Nights = None,
    room_type: RoomType = None,
    adults: Adults = None,
    children: Children = None,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change a stay's dates, room type or party; what is not given stays as it is.

    A new arrival keeps the length of stay unless --departure or --nights says otherwise.
    """
    _end_given_once(departure, nights)
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
    _print_stay(view, json_output, f"Changed [bold]{view.confirmation}[/].")


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
    _print_stay(view, json_output, f"Cancelled [bold]{view.confirmation}[/]. {fee}")


@app.command("confirm")
def confirm_(
    ctx: typer.Context,
    confirmation: Confirmation,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Turn a tentative hold into a confirmed booking."""
    view = desk_for(ctx).run(confirm, confirmation, expected_version=version)
    _print_stay(view, json_output, f"Confirmed [bold]{view.confirmation}[/].")


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
    _print_stay(view, False, f"Re-priced [bold]{view.confirmation}[/] (was {was}, {change}).")


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
    _print_stay(view, json_output, headline)


@app.command("unassign")
def unassign(
    ctx: typer.Context,
    confirmation: Confirmation,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Take the room back from a stay that has not arrived."""
    view = desk_for(ctx).run(unassign_room, confirmation, expected_version=version)
    _print_stay(view, json_output, f"[bold]{view.confirmation}[/] has no room now.")


@app.command("rooms")
def rooms(ctx: typer.Context, confirmation: Confirmation, json_output: JsonOption = False) -> None:
    """Rooms that could take the stay for all its nights, best first (inspected, clean, dirty)."""
    choices = desk_for(ctx).read(free_rooms, confirmation)
    if json_output:
        print_json(choices)
        return
    if not choices:
        console().print("No free room of this type for all the stay's nights.")
        return
    table = Table("room", "floor", "housekeeping", "features")
    for choice in choices:
        features = escape(", ".join(choice.features))
        table.add_row(escape(choice.number), str(choice.floor), choice.housekeeping, features)
    console().print(table)


def _print_stay(view: ReservationView, json_output: bool, headline: str = "") -> None:
    """A stay for people (its details, then its nights and their prices) or for scripts."""
    if json_output:
        print_json(view)
        return
    out = console()
    if headline:
        out.print(headline)
    details = Table.grid(padding=(0, 2))
    details.add_column(style="bold", no_wrap=True)
    details.add_column()
    status = status_text(view.status)
    if view.overbooked:
        status.append("  overbooked", style="yellow")
    contact = " · ".join(part for part in (view.email, view.phone) if part)
    guest = Text(view.guest_name)
    if contact:
        guest.append(f"  {contact}", style="dim")
    details.add_row("confirmation", f"{view.confirmation}  (version {view.version})")
    details.add_row("status", status)
    details.add_row("guest", guest)
    details.add_row(
        "stay",
        f"{day(view.arrival)} → {day(view.departure)}, {_count(view.nights, 'night')}",
    )
    room = f"room {escape(view.room)}" if view.room else "no room yet"
    details.add_row("room", f"{view.room_type}, {room}")
    details.add_row(
        "party", f"{_count(view.adults, 'adult')}, {_count(view.children, 'child', 'children')}"
    )
    meals = MEAL_PLANS.get(view.meal_plan, view.meal_plan)
    details.add_row(
        "rate", f"{view.rate_plan} ({meals}), {format_money(view.total, view.currency)} in all"
    )
    if view.taxes:
        details.add_row("taxes", _tax_summary(view))
    details.add_row("cancellation", view.policy)
    if view.status == "cancelled":
        details.add_row("fee", format_money(view.cancellation_fee, view.currency))
    details.add_row("booked via", f"{escape(view.source)} at {view.property_code}")
    out.print(details)
    out.print(_nightly_table(view))


def _tax_codes(view: ReservationView) -> dict[str, bool]:
    """Each tax code of the stay, and whether it is inside the nightly price."""
    return {tax.code: tax.included for tax in view.taxes}


def _tax_summary(view: ReservationView) -> str:
    """`CITY €12.00 added · VAT €23.77 included`: each tax of the stay, summed over its nights."""
    parts = []
    for code, included in _tax_codes(view).items():
        amount = sum(t.amount for t in view.taxes if t.code == code)
        how = "included" if included else "added"
        parts.append(f"{code} {format_money(amount, view.currency)} {how}")
    return " · ".join(parts)


def _nightly_table(view: ReservationView) -> Table:
    """A row per night: its price and, when the stay has taxes, each tax and the night's total."""
    codes = _tax_codes(view)
    table = Table("night")
    table.add_column("price", justify="right")
    for code, included in codes.items():
        table.add_column(f"{code} incl." if included else code, justify="right")
    if codes:
        table.add_column("total", justify="right")
    for night in view.nightly:
        cells = [format_money(night.price, view.currency)]
        lines = [t for t in view.taxes if t.night == night.night]
        for code in codes:
            amount = sum(t.amount for t in lines if t.code == code)
            cells.append(format_money(amount, view.currency))
        if codes:
            added = sum(t.amount for t in lines if not t.included)
            cells.append(format_money(night.price + added, view.currency))
        table.add_row(day(night.night), *cells)
    return table


def _count(number: int, one: str, many: str = "") -> str:
    """`1 night`, `3 nights`, `2 children`."""
    return f"{number} {one if number == 1 else many or one + 's'}"

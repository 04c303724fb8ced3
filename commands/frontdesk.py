"""The front desk from the command line: `pms checkin`, `pms walkin` and `pms checkout`.

Amounts are typed the way a clerk says them (`150`, `89.50`) in the property's currency. A card
guarantee (`--authorise`) is held through the card gateway the configuration names before the
stay is checked in, so a rate plan that asks for one is satisfied in the same command.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import Confirmation, JsonOption, PropertyOption, VersionOption, open_for
from commands.output import Column, console, day, print_json, table_of
from commands.payments import card_gateway
from commands.stay_options import Adults, Children, Email, GuestName, Nights, Phone
from pms.billing.invoice_views import InvoiceView
from pms.frontdesk.check_in import CheckInView, check_in, walk_in
from pms.frontdesk.check_out import CheckOutView, check_out, post_charges_due
from pms.guests.lookup import GuestInput
from pms.hotel.properties import BASE_PLAN
from pms.kernel.config import Settings
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidTransition
from pms.kernel.money import format_money, to_minor
from pms.payments.take import TEST_CARD, authorise_card, payments_of
from pms.reservations.booking import BookingRequest
from pms.stays.reservation_views import get_reservation

RoomOption = Annotated[
    str | None,
    typer.Option("--room", "-r", metavar="ROOM", help="Room number; else the one assigned."),
]
AllowDirty = Annotated[
    bool,
    typer.Option("--allow-dirty", help="Give a dirty room anyway (supervisors)."),
]
Authorise = Annotated[
    str | None,
    typer.Option(
        "--authorise",
        metavar="AMOUNT",
        help="Hold this amount on the guest's card first (the rate plan's card guarantee).",
    ),
]
WalkInDeparture = Annotated[
    str | None, typer.Option(metavar="DATE", help="Departure date, e.g. 2026-12-04 or +2.")
]
WalkInPlan = Annotated[
    str, typer.Option("--rate-plan", metavar="PLAN", help="Rate plan to book on.")
]
WalkInRoomType = Annotated[
    str,
    typer.Option(
        "--room-type", "-t", metavar="TYPE", help="Room type code, e.g. DBL; with --room, its own."
    ),
]
WalkInRoom = Annotated[
    str | None,
    typer.Option("--room", "-r", metavar="ROOM", help="Room number; else the best ready one."),
]
CardOption = Annotated[
    str,
    typer.Option(
        "--card",
        metavar="PM",
        help="The card processor's payment-method id for the card (never a card number).",
    ),
]


def hold_card(
    desk: Desk, settings: Settings, confirmation: str, amount_text: str, card: str
) -> str:
    """Authorise `amount_text` on the stay's card; the hold as the clerk reads it. A hold of
    at least that much already on the stay (a check-in tried before) is kept, not doubled."""
    stay = desk.read(get_reservation, confirmation)
    amount = to_minor(amount_text, stay.currency, field="authorise")
    gateway = card_gateway(desk, settings)  # first: a hold a stopped desk left pending counts
    for payment in desk.read(payments_of, stay.confirmation):
        if (
            payment.gateway == "stripe"
            and payment.state == "authorised"
            and payment.amount >= amount
        ):
            return f"The card is held already: {payment.amount_text} (payment {payment.id})."
    held = authorise_card(desk, stay.confirmation, amount, gateway, card)
    return f"Held {format_money(held.amount, held.currency)} on the card (payment {held.id})."


def checkin(
    ctx: typer.Context,
    confirmation: Confirmation,
    room: RoomOption = None,
    allow_dirty: AllowDirty = False,
    authorise: Authorise = None,
    card: CardOption = TEST_CARD,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Check an arrival in: give the room (the one asked for, else the one assigned), hold
    the card first when --authorise is given, open the guest folio."""
    desk, settings = open_for(ctx)
    held = hold_card(desk, settings, confirmation, authorise, card) if authorise else ""
    view = desk.run(check_in, confirmation, room, allow_dirty=allow_dirty, expected_version=version)
    _print_check_in(view, json_output, held)


def walkin(
    ctx: typer.Context,
    *,
    guest: GuestName,
    room_type: WalkInRoomType = "",
    nights: Nights = None,
    departure: WalkInDeparture = None,
    adults: Adults = 1,
    children: Children = 0,
    email: Email = "",
    phone: Phone = "",
    rate_plan: WalkInPlan = BASE_PLAN,
    room: WalkInRoom = None,
    allow_dirty: AllowDirty = False,
    authorise: Authorise = None,
    card: CardOption = TEST_CARD,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Book a guest standing at the desk and check them in at once (arriving today); with
    --room the room type is the room's own."""
    if (departure is None) == (nights is None):
        raise typer.BadParameter("give --departure or --nights (one of them)")
    desk, settings = open_for(ctx)
    view = desk.run(
        walk_in,
        BookingRequest(
            arrival="today",
            departure=departure,
            nights=nights,
            room_type=room_type,
            guest=GuestInput(guest, email, phone),
            adults=adults,
            children=children,
            property_code=property_code,
            rate_plan=rate_plan,
        ),
        room,
        allow_dirty=allow_dirty,
    )
    confirmation = view.reservation.confirmation
    held = hold_card(desk, settings, confirmation, authorise, card) if authorise else ""
    _print_check_in(view, json_output, held, guarantee_due=view.guarantee_due and not held)


def checkout(
    ctx: typer.Context,
    confirmation: Confirmation,
    version: VersionOption = None,
    json_output: JsonOption = False,
) -> None:
    """Check an in-house guest out: every folio must be at zero; each becomes an invoice with
    the next number, and the room is left dirty."""
    desk = open_for(ctx)[0]
    due = desk.run(post_charges_due, confirmation)  # kept, so the guest can pay it
    try:
        view = desk.run(check_out, confirmation, expected_version=version)
    except InvalidTransition as refused:
        if not due.amount:
            raise
        posted = format_money(due.amount, due.currency)
        raise InvalidTransition(
            f"room and tax not charged yet were posted ({posted}); {refused}"
        ) from refused
    _print_check_out(view, json_output)


def _print_check_in(
    view: CheckInView, json_output: bool, held: str, *, guarantee_due: bool | str = False
) -> None:
    if json_output:
        print_json(view)
        return
    stay = view.reservation
    out = console()
    if held:
        out.print(held)
    out.print(
        f"Checked in [bold]{stay.confirmation}[/]: {escape(stay.guest_name)} in room "
        f"[bold]{escape(view.room)}[/] until {day(stay.departure)} (folio {view.folio_id})."
    )
    if view.early:
        out.print("Early check-in: before the hotel's check-in hour.")
    if view.late_arrival:
        out.print("Late arrival: after the arrival date's midnight.")
    if guarantee_due:
        out.print(
            f"[yellow]Rate plan {stay.rate_plan} needs a {view.guarantee_due} guarantee — "
            "take it now.[/]"
        )


def _print_check_out(view: CheckOutView, json_output: bool) -> None:
    if json_output:
        print_json(view)
        return
    stay = view.reservation
    out = console()
    room = f" from room {escape(view.room)}" if view.room else ""
    out.print(f"Checked out [bold]{stay.confirmation}[/]: {escape(stay.guest_name)}{room}.")
    if view.early_departure:
        out.print(f"Early departure: the stay now ends {day(stay.departure)}.")
    if not view.invoices:
        out.print("Nothing was posted: no invoice.")
        return
    out.print(table_of(view.invoices, _INVOICE_COLUMNS))


_INVOICE_COLUMNS: list[Column[InvoiceView]] = [
    Column("invoice", lambda i: i.number_text),
    Column("folio", lambda i: escape(i.folio_name)),
    Column("total", lambda i: i.money(i.total)),
    Column("paid", lambda i: i.money(i.paid)),
]

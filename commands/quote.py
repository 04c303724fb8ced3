"""What can I sell: `pms quote`, the caller's question answered cheapest first.

Each offer is a room type on a rate plan with its price, taxes, total, cancellation policy and
rooms left; `--all` adds the combinations that cannot be sold, each with its reason. The total
shown is what `pms reservation create --rate-plan P --expected-total X` expects.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from commands import JsonOption, console, day, desk_for, print_json
from pms.desk import Desk
from pms.errors import InvalidInput, NotFound
from pms.money import format_money, to_minor
from pms.pricing import round_half_up
from pms.properties import list_properties, property_view
from pms.quotes import Offer, QuoteRequest
from pms.quotes import quote as find_offers

_DATE_FORMS = "2026-12-04, 4.12, +3 or fri"


def quote(
    ctx: typer.Context,
    *,  # keyword-only, so the options read in the order a caller asks: dates, party, wishes
    arrival: Annotated[str, typer.Option(metavar="DATE", help=f"Arrival date: {_DATE_FORMS}.")],
    departure: Annotated[
        str | None,
        typer.Option(metavar="DATE", help=f"Departure date: {_DATE_FORMS}; or give --nights."),
    ] = None,
    nights: Annotated[
        int | None, typer.Option(help="Nights to stay, instead of a departure date.")
    ] = None,
    adults: Annotated[int, typer.Option(help="Adults in the party.")],
    children: Annotated[int, typer.Option(help="Children in the party.")] = 0,
    features: Annotated[
        list[str] | None,
        typer.Option(
            "--feature",
            "-f",
            metavar="FEATURE",
            help="Only rooms with it, e.g. 'sea view'; repeat.",
        ),
    ] = None,
    max_price: Annotated[
        str | None, typer.Option(metavar="AMOUNT", help="Only offers whose total is at most this.")
    ] = None,
    max_nightly: Annotated[
        str | None,
        typer.Option(metavar="AMOUNT", help="Only offers whose dearest night is at most this."),
    ] = None,
    rate_plan: Annotated[
        str | None, typer.Option("--rate-plan", metavar="PLAN", help="Only this rate plan.")
    ] = None,
    member: Annotated[
        bool, typer.Option("--member", help="The guest is a loyalty member: members' plans too.")
    ] = False,
    property_code: Annotated[
        str | None,
        typer.Option("--property", "-p", metavar="CODE", help="Only this property."),
    ] = None,
    city: Annotated[
        str | None, typer.Option(metavar="CITY", help="Every property in this city.")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list what cannot be sold, and why.")
    ] = False,
    nightly: Annotated[
        bool, typer.Option("--nightly", help="Show every night's price, not the average.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Quote a stay: every room type and rate plan that can be sold, cheapest first.

    Without --property or --city it quotes every property in the database; --city quotes
    those in that city.
    """
    if departure is not None and nights is not None:
        raise typer.BadParameter("give --departure or --nights, not both")
    if property_code and city:
        raise typer.BadParameter("give --property or --city, not both")
    desk = desk_for(ctx)
    currency = _currency(desk, property_code, city) if max_price or max_nightly else ""

    def budget(text: str | None, field: str) -> int | None:
        return to_minor(text, currency, field=field) if text else None

    offers = desk.read(
        find_offers,
        QuoteRequest(
            arrival=arrival,
            departure=departure,
            nights=nights,
            adults=adults,
            children=children,
            property_code=property_code,
            city=city,
            features=tuple(features or ()),
            max_total=budget(max_price, "max price"),
            max_nightly=budget(max_nightly, "max nightly"),
            rate_plan=rate_plan,
            member=member,
            include_closed=show_all,
        ),
    )
    if json_output:
        print_json(offers)
        return
    _print_offers(offers, adults, children, nightly, show_all)


def _currency(desk: Desk, property_code: str | None, city: str | None) -> str:
    """The currency a typed budget is in: the quoted properties' one currency."""
    if property_code:
        return desk.read(property_view, property_code).currency
    hotels = desk.read(list_properties)
    if city:
        hotels = [h for h in hotels if h.city.strip().lower() == city.strip().lower()]
    if not hotels:
        raise NotFound(f"no property{f' in {city}' if city else ''} is set up")
    currencies = sorted({h.currency for h in hotels})
    if len(currencies) > 1:
        raise InvalidInput(
            "max_price",
            f"these properties sell in {', '.join(currencies)}: name one with --property "
            "to give a maximum price",
        )
    return currencies[0]


def _print_offers(
    offers: list[Offer], adults: int, children: int, nightly: bool, show_all: bool
) -> None:
    out = console()
    selling = [o for o in offers if not o.closed]
    closed = [o for o in offers if o.closed]
    several = len({o.property_code for o in offers}) > 1
    if offers:
        first = offers[0]
        where = (
            "" if several else f"[bold]{first.property_code}[/] {escape(first.property_name)} · "
        )
        party = f"{adults} adult{'s' if adults != 1 else ''}"
        if children:
            party += f", {children} child{'ren' if children != 1 else ''}"
        length = (first.departure - first.arrival).days
        out.print(
            f"{where}{day(first.arrival)} → {day(first.departure)}, "
            f"{length} night{'s' if length != 1 else ''} · {party}"
        )
    if not selling:
        hint = "" if show_all else " (--all shows why)"
        out.print(f"Nothing to sell for this stay and party{hint}.")
    else:
        out.print(_offer_table(selling, several, nightly))
        out.print(_terms(selling, several))
    if closed:
        out.print("[bold]Not for sale[/]")
        table = Table()
        if several:
            table.add_column("property")
        for heading in ("type", "plan", "why not"):
            table.add_column(heading)
        for offer in closed:
            cells = [offer.room_type, offer.rate_plan, escape(offer.closed)]
            table.add_row(*([offer.property_code] if several else []), *cells)
        out.print(table)


def _offer_table(offers: list[Offer], several: bool, nightly: bool) -> Table:
    table = Table()
    if several:
        table.add_column("property", no_wrap=True)
    for heading in ("type", "plan", "meals"):
        table.add_column(heading, no_wrap=True)
    nights: list[dt.date] = sorted({n.night for o in offers for n in o.nights})
    if nightly:
        for night in nights:
            table.add_column(f"{night:%a}\n{night:%d.%m}", justify="right", no_wrap=True)
    else:
        table.add_column("a night", justify="right", no_wrap=True)
    table.add_column("taxes", justify="right")
    table.add_column("total", justify="right", no_wrap=True, style="bold")
    table.add_column("left", justify="right")
    for offer in offers:
        money = {n.night: format_money(n.room, offer.currency) for n in offer.nights}
        prices = [money.get(night, "") for night in nights] if nightly else [_a_night(offer)]
        table.add_row(
            *([offer.property_code] if several else []),
            offer.room_type,
            offer.rate_plan,
            offer.meal_plan,
            *prices,
            _taxes(offer),
            format_money(offer.total, offer.currency),
            str(offer.rooms_left),
        )
    return table


def _terms(offers: list[Offer], several: bool) -> Table:
    """Each plan's name, guarantee and cancellation policy, once, under the offers (they are
    the same for every room type of the plan, and too long to repeat on every line)."""
    terms = Table.grid(padding=(0, 2))
    terms.add_column(style="bold", no_wrap=True)
    terms.add_column()
    seen: dict[str, str] = {}
    for offer in offers:
        key = f"{offer.property_code} {offer.rate_plan}" if several else offer.rate_plan
        guarantee = f"{offer.guarantee} guarantee; " if offer.guarantee != "none" else ""
        seen.setdefault(key, f"{escape(offer.rate_plan_name)}: {guarantee}{offer.policy}")
    for key, text in seen.items():
        terms.add_row(key, text)
    return terms


def _a_night(offer: Offer) -> str:
    """The room price a night: the one price, or the average when nights differ."""
    rooms = [n.room for n in offer.nights]
    if not rooms:
        return ""
    if len(set(rooms)) == 1:
        return format_money(rooms[0], offer.currency)
    average = round_half_up(Decimal(sum(rooms)) / len(rooms))
    return f"avg {format_money(average, offer.currency)}"


def _taxes(offer: Offer) -> str:
    """`+€12.00` added on top, `€23.77 incl.` already inside the price, or both."""
    lines = [t for n in offer.nights for t in n.taxes]
    added = sum(t.amount for t in lines if not t.included)
    inside = sum(t.amount for t in lines if t.included)
    parts = []
    if inside:
        parts.append(f"{format_money(inside, offer.currency)} incl.")
    if added:
        parts.append(f"+{format_money(added, offer.currency)}")
    return " ".join(parts)

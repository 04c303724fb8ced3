"""What can I sell: `pms quote`, the caller's question answered cheapest first.

Each offer is a room type on a rate plan with its price, taxes, total, cancellation policy and
rooms left; `--all` adds the combinations that cannot be sold, each with its reason. The total
shown is what `pms reservation create --rate-plan P --expected-total X` expects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from commands import JsonOption, desk_for
from commands.output import Column, console, day, details, night_heading, print_json, table_of
from commands.stay_options import (
    Adults,
    Arrival,
    Children,
    Company,
    Departure,
    Nights,
    end_given_once,
)
from pms.hotel.properties import list_properties, property_view
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.money import format_money, to_minor
from pms.rates.pricing import CITY_TAX, PER_NIGHT_INCL_VAT, TOTAL_INCL_VAT
from pms.reservations.quotes import Offer, QuoteRequest
from pms.reservations.quotes import quote as find_offers

Features = Annotated[
    list[str] | None,
    typer.Option(
        "--feature", "-f", metavar="FEATURE", help="Only rooms with it, e.g. 'sea view'; repeat."
    ),
]
MaxPrice = Annotated[
    str | None, typer.Option(metavar="AMOUNT", help="Only offers whose total is at most this.")
]
MaxNightly = Annotated[
    str | None,
    typer.Option(metavar="AMOUNT", help="Only offers whose dearest night is at most this."),
]
RatePlan = Annotated[
    str | None, typer.Option("--rate-plan", metavar="PLAN", help="Only this rate plan.")
]
Member = Annotated[
    bool, typer.Option("--member", help="The guest is a loyalty member: members' plans too.")
]
MemberNumber = Annotated[
    str | None,
    typer.Option("--member-number", metavar="NUMBER", help="The caller's member number: "
                 "members' plans too, once the number is found."),
]  # fmt: skip
MinRating = Annotated[
    int | None,
    typer.Option("--min-rating", metavar="1-5", help="Only room types guests rated this or more."),
]
OnlyProperty = Annotated[
    str | None, typer.Option("--property", "-p", metavar="CODE", help="Only this property.")
]
City = Annotated[str | None, typer.Option(metavar="CITY", help="Every property in this city.")]
ShowAll = Annotated[bool, typer.Option("--all", help="Also list what cannot be sold, and why.")]
Nightly = Annotated[
    bool, typer.Option("--nightly", help="Show every night's price, not the average.")
]


def quote(
    ctx: typer.Context,
    *,  # keyword-only, so the options read in the order a caller asks: dates, party, wishes
    arrival: Arrival,
    departure: Departure = None,
    nights: Nights = None,
    adults: Adults,
    children: Children = 0,
    features: Features = None,
    max_price: MaxPrice = None,
    max_nightly: MaxNightly = None,
    rate_plan: RatePlan = None,
    member: Member = False,
    member_number: MemberNumber = None,
    company: Company = "",
    min_rating: MinRating = None,
    property_code: OnlyProperty = None,
    city: City = None,
    show_all: ShowAll = False,
    nightly: Nightly = False,
    json_output: JsonOption = False,
) -> None:
    """Quote a stay: every room type and rate plan that can be sold, cheapest first.

    Without --property or --city it quotes every property in the database; --city quotes
    those in that city.
    """
    end_given_once(departure, nights)
    if property_code and city:
        raise typer.BadParameter("give --property or --city, not both")
    desk = desk_for(ctx)
    most, most_a_night = _budgets(desk, property_code, city, max_price, max_nightly)
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
            max_total=most,
            max_nightly=most_a_night,
            rate_plan=rate_plan,
            member=member,
            include_closed=show_all,
            member_number=member_number or "",
            min_rating=min_rating,
            company=company,
        ),
    )
    if json_output:
        print_json(offers)
        return
    _print_offers(offers, adults, children, nightly, show_all)


def _budgets(
    desk: Desk,
    property_code: str | None,
    city: str | None,
    max_price: str | None,
    max_nightly: str | None,
) -> tuple[int | None, int | None]:
    """The typed maximum total and maximum night, in minor units of the quoted currency."""
    currency = _currency(desk, property_code, city) if max_price or max_nightly else ""

    def budget(text: str | None, field: str) -> int | None:
        return to_minor(text, currency, field=field) if text else None

    return budget(max_price, "max price"), budget(max_nightly, "max nightly")


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
        out.print(_stay_line(offers[0], adults, children, several))
    if not selling:
        hint = "" if show_all else " (--all shows why)"
        out.print(f"Nothing to sell for this stay and party{hint}.")
    else:
        out.print(_offer_table(selling, several, nightly))
        out.print(_terms(selling, several))
    if closed:
        out.print("[bold]Not for sale[/]")
        out.print(table_of(closed, [*_property_column(several), *_CLOSED_COLUMNS]))


def _stay_line(first: Offer, adults: int, children: int, several: bool) -> str:
    """The stay and party quoted for, and the property when there is only one."""
    where = "" if several else f"[bold]{first.property_code}[/] {escape(first.property_name)} · "
    party = f"{adults} adult{'s' if adults != 1 else ''}"
    if children:
        party += f", {children} child{'ren' if children != 1 else ''}"
    length = (first.departure - first.arrival).days
    return (
        f"{where}{day(first.arrival)} → {day(first.departure)}, "
        f"{length} night{'s' if length != 1 else ''} · {party}"
    )


def _property_column(several: bool, *, no_wrap: bool = False) -> list[Column[Offer]]:
    """The property's column, shown only when the offers come from more than one."""
    return [Column("property", lambda o: o.property_code, no_wrap=no_wrap)] if several else []


_CLOSED_COLUMNS: list[Column[Offer]] = [
    Column("type", lambda o: o.room_type),
    Column("plan", lambda o: o.rate_plan),
    Column("why not", lambda o: escape(o.closed)),
]


def _offer_table(offers: list[Offer], several: bool, nightly: bool) -> Table:
    nights: list[dt.date] = sorted({n.night for o in offers for n in o.nights})
    prices = (
        [_night_column(night) for night in nights]
        if nightly
        else [_money_column(PER_NIGHT_INCL_VAT, lambda o: o.price_per_night)]
    )
    columns: list[Column[Offer]] = [
        *_property_column(several, no_wrap=True),
        Column("type", lambda o: o.room_type, no_wrap=True),
        Column("plan", lambda o: o.rate_plan, no_wrap=True),
        Column("meals", lambda o: o.meal_plan, no_wrap=True),
        *prices,
        _money_column(TOTAL_INCL_VAT, lambda o: o.price_total, style="bold"),
        _money_column(CITY_TAX, lambda o: o.city_tax),
        Column("left", lambda o: str(o.rooms_left), justify="right"),
    ]
    if any(o.rating is not None for o in offers):  # a hotel without reviews keeps its 80 columns
        columns.append(Column("rated", _rated, justify="right", no_wrap=True))
    return table_of(offers, columns)


def _rated(offer: Offer) -> str:
    """The room type's average rating and how many reviews make it: `4.5★ (12)`."""
    return f"{offer.rating}★ ({offer.reviews})" if offer.rating is not None else "—"


def _night_column(night: dt.date) -> Column[Offer]:
    """One night's price incl. VAT, blank for an offer without that night."""

    def price(offer: Offer) -> str:
        prices = {n.night: offer.night_price(n) for n in offer.nights}
        return format_money(prices[night], offer.currency) if night in prices else ""

    return Column(night_heading(night), price, justify="right", no_wrap=True)


def _terms(offers: list[Offer], several: bool) -> Table:
    """Each plan's name, guarantee and cancellation policy, once, under the offers (they are
    the same for every room type of the plan, and too long to repeat on every line)."""
    seen: dict[str, str] = {}
    for offer in offers:
        key = f"{offer.property_code} {offer.rate_plan}" if several else offer.rate_plan
        guarantee = f"{offer.guarantee} guarantee; " if offer.guarantee != "none" else ""
        seen.setdefault(key, f"{escape(offer.rate_plan_name)}: {guarantee}{offer.policy}")
    return details(seen.items())


def _money_column(
    heading: str, amount: Callable[[Offer], int], *, style: str = ""
) -> Column[Offer]:
    """A column of one figure of each offer, in the offer's currency."""
    return Column(
        heading,
        lambda o: format_money(amount(o), o.currency) if o.nights else "",
        justify="right",
        no_wrap=True,
        style=style,
    )

"""How `pms reservation` prints a stay: its details, then its nights with their prices and
taxes; or the stay as JSON for scripts. Every reservation command that changes a stay ends here,
so a clerk always sees the stay as it now is.
"""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands.output import Column, console, day, details, print_json, status_text, table_of
from pms.kernel.money import format_money
from pms.rates.plan_terms import MEAL_PLANS
from pms.rates.pricing import CITY_TAX, PER_NIGHT_INCL_VAT, price_summary
from pms.stays.reservation_views import ReservationView


def print_stay(view: ReservationView, json_output: bool, headline: str = "") -> None:
    """A stay for people (its details, then its nights and their prices) or for scripts."""
    if json_output:
        print_json(view)
        return
    out = console()
    if headline:
        out.print(headline)
    out.print(details(_fields(view)))
    out.print(_nightly_table(view))


def _fields(view: ReservationView) -> list[tuple[str, str | Text]]:
    status = status_text(view.status)
    if view.overbooked:
        status.append("  overbooked", style="yellow")
    contact = " · ".join(part for part in (view.email, view.phone) if part)
    guest = Text(view.guest_name)
    if contact:
        guest.append(f"  {contact}", style="dim")
    room = f"room {escape(view.room)}" if view.room else "no room yet"
    party = f"{_count(view.adults, 'adult')}, {_count(view.children, 'child', 'children')}"
    meals = MEAL_PLANS.get(view.meal_plan, view.meal_plan)
    price = price_summary(view.price_per_night, view.price_total, view.city_tax, view.currency)
    fields: list[tuple[str, str | Text]] = [
        ("confirmation", f"{view.confirmation}  (version {view.version})"),
        ("status", status),
        ("guest", guest),
        ("stay", f"{day(view.arrival)} → {day(view.departure)}, {_count(view.nights, 'night')}"),
        ("room", f"{view.room_type}, {room}"),
        ("party", party),
        ("rate", f"{view.rate_plan} ({meals})"),
        ("price", price),
    ]
    if view.company:
        fields.insert(-1, ("company", escape(view.company)))
    if view.taxes:
        fields.append(("taxes", _tax_summary(view)))
    fields.append(("cancellation", view.policy))
    if view.status == "cancelled":
        fields.append(("fee", format_money(view.cancellation_fee, view.currency)))
    fields.append(("booked via", f"{escape(view.source)} at {view.property_code}"))
    return fields


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
    """A row per night: its price incl. VAT and its city tax, as every face shows them."""

    def money(amount: int) -> str:
        return format_money(amount, view.currency)

    return table_of(
        view.nightly,
        [
            Column("night", lambda n: day(n.night)),
            Column(PER_NIGHT_INCL_VAT, lambda n: money(view.night_price(n)), justify="right"),
            Column(CITY_TAX, lambda n: money(view.night_city_tax(n)), justify="right"),
        ],
    )


def _count(number: int, one: str, many: str = "") -> str:
    """`1 night`, `3 nights`, `2 children`."""
    return f"{number} {one if number == 1 else many or one + 's'}"

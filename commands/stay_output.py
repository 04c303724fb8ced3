"""How `pms reservation` prints a stay: its details, then its nights with their prices and
taxes; or the stay as JSON for scripts. Every reservation command that changes a stay ends here,
so a clerk always sees the stay as it now is.
"""

from __future__ import annotations

import datetime as dt

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands.output import Column, console, day, details, print_json, status_text, table_of
from pms.kernel.money import format_money
from pms.rates.plan_terms import MEAL_PLANS
from pms.stays.reservation_views import NightPrice, ReservationView, TaxView


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
    total = format_money(view.total, view.currency)
    fields: list[tuple[str, str | Text]] = [
        ("confirmation", f"{view.confirmation}  (version {view.version})"),
        ("status", status),
        ("guest", guest),
        ("stay", f"{day(view.arrival)} → {day(view.departure)}, {_count(view.nights, 'night')}"),
        ("room", f"{view.room_type}, {room}"),
        ("party", party),
        ("rate", f"{view.rate_plan} ({meals}), {total} in all"),
    ]
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
    """A row per night: its price and, when the stay has taxes, each tax and the night's total."""
    codes = _tax_codes(view)

    def money(amount: int) -> str:
        return format_money(amount, view.currency)

    def taxes_on(night: dt.date) -> list[TaxView]:
        return [t for t in view.taxes if t.night == night]

    def tax(code: str) -> Column[NightPrice]:
        heading = f"{code} incl." if codes[code] else code
        return Column(
            heading,
            lambda n: money(sum(t.amount for t in taxes_on(n.night) if t.code == code)),
            justify="right",
        )

    def total(night: NightPrice) -> str:
        added = sum(t.amount for t in taxes_on(night.night) if not t.included)
        return money(night.price + added)

    columns: list[Column[NightPrice]] = [
        Column("night", lambda n: day(n.night)),
        Column("price", lambda n: money(n.price), justify="right"),
        *(tax(code) for code in codes),
    ]
    if codes:
        columns.append(Column("total", total, justify="right"))
    return table_of(view.nightly, columns)


def _count(number: int, one: str, many: str = "") -> str:
    """`1 night`, `3 nights`, `2 children`."""
    return f"{number} {one if number == 1 else many or one + 's'}"

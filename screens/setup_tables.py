"""What the Set-up area's tables show: a row per room type, room, feature, rate plan and tax,
keyed by its code or number, and the property's details as a few lines."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable

from pms.kernel.money import format_money
from pms.rates.plans import RatePlanView
from pms.rates.taxes import TaxView
from pms.setup.overview import SetupOverview
from screens.dates import long_date

#: Each table's columns, by tab.
TABLES = {
    "room-types": ("Type", "Name", "Rooms", "Guests", "Over", "Price", "Extra a/c", "Features"),
    "rooms": ("Room", "Floor", "Type", "Features", "Housekeeping"),
    "features": ("Feature", "Room types", "Rooms"),
    "rate-plans": ("Plan", "Name", "Price", "Sold to", "Meals", "Guarantee", "Cancellation"),
    "taxes": ("Tax", "Name", "Charge"),
}


def fill_table(table: DataTable[Text], tab: str, view: SetupOverview) -> None:
    """Put the tab's rows in its table, keeping the cursor on the row it was on."""
    key = None
    if table.row_count:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    table.clear()
    for row_key, cells in _ROWS[tab](view):
        table.add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in cells),
                      key=row_key)  # fmt: skip
    if key is not None and key in {k.value for k in table.rows}:
        table.move_cursor(row=table.get_row_index(key))


def property_lines(view: SetupOverview) -> RenderableType:
    """The property's details and settings, a name and its value on each line."""
    p = view.details
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for name, value in [
        ("Property", f"{p.code}  {p.name}"),
        ("Address", ", ".join(part for part in (p.address, p.city) if part) or "—"),
        ("Currency", p.currency),
        ("Time zone", p.timezone),
        ("Check-in / out", f"{p.check_in} / {p.check_out}"),
        ("Tax number", p.tax_number or "—"),
        ("Prices", "include VAT" if p.taxes_inclusive else "VAT added on top"),
        ("Business date", long_date(p.business_date)),
        ("Rooms", f"{p.rooms} in {p.room_types} room types"),
    ]:
        grid.add_row(name, Text(value))
    grid.add_row("", "")
    for name, value in p.settings.items():
        shown = ", ".join(value) if isinstance(value, list) else str(value).lower()
        grid.add_row(Text(name, style="dim"), Text(shown or "—"))
    return grid


Rows = list[tuple[str, tuple[str | Text, ...]]]


def _room_types(view: SetupOverview) -> Rows:
    currency = view.details.currency

    def money(amount: int | None) -> str:
        return "" if amount is None else format_money(amount, currency)

    rows: Rows = []
    for t in view.room_types:
        extras = (
            f"{money(t.extra_adult)} / {money(t.extra_child)}"
            if t.extra_adult or t.extra_child
            else ""
        )
        name = Text(f"{t.name} (retired {t.retired_on})", style="dim") if t.retired_on else t.name
        rows.append((t.code, (t.code, name, str(t.rooms), f"{t.base_occupancy}–{t.max_occupancy}",
                              f"+{t.overbooking_allowance}", money(t.price), extras,
                              ", ".join(t.features))))  # fmt: skip
    return rows


def _rooms(view: SetupOverview) -> Rows:
    return [
        (r.number, (r.number, str(r.floor), r.room_type, ", ".join(r.features), r.housekeeping))
        for r in view.rooms
    ]


def _features(view: SetupOverview) -> Rows:
    return [
        (f.name, (f.name, ", ".join(f.room_types), str(f.rooms) if f.rooms else ""))
        for f in view.features
    ]


def _rate_plans(view: SetupOverview) -> Rows:
    currency = view.details.currency

    def price(plan: RatePlanView) -> str:
        if plan.parent is None:
            return "its own prices"
        parts = [plan.parent]
        if plan.derive_percent_bp:
            parts.append(f"{Decimal(plan.derive_percent_bp) / 100:+g} %")
        if extra := plan.derive_amount:
            parts.append(("+" if extra > 0 else "-") + format_money(abs(extra), currency))
        return " ".join(parts)

    def sold_to(plan: RatePlanView) -> str:
        if plan.restricted:
            return "entitled companies"
        return "members" if plan.members_only else "everyone"

    return [
        (p.code, (p.code, p.name, price(p), sold_to(p), p.meal_plan, p.guarantee, p.policy))
        for p in view.rate_plans
    ]


def _taxes(view: SetupOverview) -> Rows:
    currency = view.details.currency

    def charge(t: TaxView) -> str:
        if t.percent_bp:
            return t.percent_text
        who = "adult" if t.children_exempt else "guest"
        return f"{format_money(t.per_person, currency)} per {who} a night"

    return [(t.code, (t.code, t.name, charge(t))) for t in view.taxes]


_ROWS: dict[str, Callable[[SetupOverview], Rows]] = {
    "room-types": _room_types,
    "rooms": _rooms,
    "features": _features,
    "rate-plans": _rate_plans,
    "taxes": _taxes,
}

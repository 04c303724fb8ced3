"""The rate calendar's line under the grid, in words: the block marked, or the cell under the
cursor with its price, rooms left and restrictions (and, on a derived plan, what it follows)."""

from __future__ import annotations

from rich.text import Text

from pms.hotel.properties import RoomTypeView
from pms.kernel.money import format_money
from pms.rates.calendar_view import RateCell
from pms.rates.plans import RatePlanView
from screens.dates import long_date, short_date
from screens.rate_grid import GridSelection


def restrictions(cell: RateCell) -> list[str]:
    """A cell's restrictions in words, for the line under the grid."""
    words = [
        word
        for word, on_ in (
            ("stop-sell", cell.stop_sell),
            ("closed to arrival", cell.closed_to_arrival),
            ("closed to departure", cell.closed_to_departure),
        )
        if on_
    ]
    if cell.min_los:
        words.append(f"minimum stay {cell.min_los}")
    if cell.max_los:
        words.append(f"maximum stay {cell.max_los}")
    return words


def derivation(plan: RatePlanView, currency: str) -> str:
    """How a derived plan follows its parent (`BAR +€18.00`, `BAR -10 %`); '' for a base plan."""
    if plan.parent is None:
        return ""
    moves = []
    if plan.derive_percent_bp:
        moves.append(f"{plan.derive_percent_bp / 100:+g} %")
    if plan.derive_amount:
        sign = "+" if plan.derive_amount > 0 else "−"
        moves.append(sign + format_money(abs(plan.derive_amount), currency))
    return " ".join([plan.parent, *moves])


def block_info(block: GridSelection, room_types: list[str], can_edit: bool) -> Text:
    """`Selected DBL, TWN · Fri 04 Dec – Sun 06 Dec (3 nights)`, and the keys for a manager."""
    when = f"{short_date(block.first)} – {short_date(block.last)}"
    nights = f"{block.nights} night{'s' if block.nights > 1 else ''}"
    line = Text.assemble(("Selected ", "bold"), f"{', '.join(room_types)} · {when} ({nights})")
    if can_edit:
        line.append(" · e price · r restrictions · esc clears")
    return line


def cell_info(
    cell: RateCell,
    code: str,
    room_type: RoomTypeView | None,
    plan_code: str | None,
    plan: RatePlanView | None,
    currency: str,
) -> Text:
    """`DBL Double · Fri 04 Dec 2026 · BAR €100.00 a night for 2 · 3 rooms left · …`: the cell
    of room type `code` on plan `plan_code`."""
    follows = derivation(plan, currency) if plan else ""
    name = f"{plan_code} ({follows})" if follows else f"{plan_code}"
    price = f"{name} no price"
    if cell.price is not None:
        price = f"{name} {format_money(cell.price, currency)} a night"
        if room_type is not None:
            price += f" for {room_type.base_occupancy}"
    parts = [
        f"{code} {room_type.name}" if room_type else code,
        long_date(cell.night),
        price,
        f"{cell.available} room{'s' if cell.available != 1 else ''} left",
        *restrictions(cell),
    ]
    return Text(" · ".join(parts))

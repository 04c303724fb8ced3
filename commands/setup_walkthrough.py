"""`pms init` at a terminal: the questions that walk an administrator through a first hotel —
its name, code, currency, time zone, then each room type with how many rooms and a base
price — ending with a hotel that can be booked.

The answers make the same description of a hotel a `hotel.toml` holds, and are built the same
way (`pms.setup.first_run.set_up_hotel`); each answer is checked as it is given, with the
checks the services use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from commands.prompts import ask
from pms.hotel import field_checks
from pms.kernel.errors import InvalidInput
from pms.kernel.money import format_money, from_minor, to_minor
from pms.setup.room_numbers import room_numbers


@dataclass(frozen=True)
class Answers:
    """What the administrator answered: the hotel (as a hotel file's data), who signs in first
    and their password (None: make one up)."""

    hotel: dict[str, Any]
    admin: str
    password: str | None


def walk_through(out: Console, *, admin: str, currency: str, timezone: str) -> Answers:
    """Ask for the hotel, room type by room type, then the administrator."""
    out.print("Setting up a new hotel. [dim]Enter keeps the value in brackets.[/]")
    name = ask("Hotel name", lambda text: field_checks.name(text, "name", "property", 120))
    code = ask("Short code", field_checks.code, default=_code_from(name))
    currency = ask("Currency", field_checks.currency, default=currency)
    timezone = ask("Time zone", field_checks.time_zone, default=timezone)
    city = ask("City", lambda text: field_checks.optional_text(text, "city", 80), default="")
    out.print("\nRoom types, one at a time: [dim]an empty code ends the list.[/]")
    room_types: list[dict[str, Any]] = []
    rooms: list[dict[str, Any]] = []
    while True:
        kind = _room_type(out, currency, floor=len(room_types) + 1, taken=room_types)
        if kind is None:
            if room_types:
                break
            out.print("[yellow]A hotel needs at least one room type to be booked.[/]")
            continue
        room_types.append(kind[0])
        rooms.append(kind[1])
    out.print()
    admin, password = ask_admin(default=admin)
    hotel = {
        "property": {"code": code, "name": name, "currency": currency, "timezone": timezone,
                     "city": city},
        "room_types": room_types,
        "rooms": rooms,
    }  # fmt: skip
    return Answers(hotel, admin, password)


def _room_type(
    out: Console, currency: str, *, floor: int, taken: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """One room type and its rooms, or None when the administrator is done."""
    used = {kind["code"] for kind in taken}
    code = ask(
        "Room type code (e.g. DBL)" if not taken else "Next room type code",
        lambda text: _new_code(text, used),
        default="",
    )
    if not code:
        return None
    name = ask("  Name", lambda text: field_checks.optional_text(text, "name", 80), default=code)
    most = ask("  Guests at most", lambda text: _whole(text, "max_occupancy", 1, 20), default="2")
    count = ask("  How many rooms", lambda text: _whole(text, "rooms", 1, 999))
    first = ask("  First room number", lambda text: room_numbers(text)[0], default=f"{floor}01")
    numbers = _numbers_from(first, count)
    price = ask(f"  Base price a night ({currency})", lambda text: _price(text, currency))
    out.print(
        f"  [green]✓[/] {code}: rooms {numbers}, up to {most} guests, "
        f"{format_money(price, currency)} a night"
    )
    kind = {"code": code, "name": name, "max_occupancy": most,
            "base_occupancy": min(2, most), "price": str(from_minor(price, currency))}  # fmt: skip
    return kind, {"numbers": numbers, "type": code}


def ask_admin(*, default: str) -> tuple[str, str | None]:
    """The first administrator's name and password (None: make one up). The users service
    checks both when the hotel is built; `pms init` asks again for the one it refuses."""
    admin = ask("Administrator", str.strip, default=default)
    password = ask("Password (empty: make one up)", str, default="", hide_input=True, confirm=True)
    return admin, password or None


def _code_from(name: str) -> str:
    letters = re.sub(r"[^A-Za-z0-9]", "", name).upper()
    return letters[:3] or "HTL"


def _new_code(text: str, used: set[str]) -> str:
    if not text.strip():
        return ""
    code = field_checks.code(text, what="room type code")
    if code in used:
        raise InvalidInput("code", f"room type {code} is already in this hotel")
    return code


def _whole(text: str, field: str, low: int, high: int) -> int:
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise InvalidInput(field, f"type a whole number from {low} to {high}")
    return int(text)


def _price(text: str, currency: str) -> int:
    price = to_minor(text, currency, field="price")
    if price < 0:
        raise InvalidInput("price", "a price cannot be negative")
    return price


def _numbers_from(first: str, count: int) -> str:
    """`101` and 10 rooms: `101-110` (a single room is just its number)."""
    match = re.match(r"^([A-Za-z]*)(\d+)$", first)
    if count == 1 or match is None:
        return first
    prefix, digits = match.groups()
    return f"{first}-{prefix}{int(digits) + count - 1:0{len(digits)}d}"

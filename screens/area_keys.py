"""The function keys of the main areas, in one table for both footers that show them: the
dashboard names every area beside its key (the desk's map, with room to spare), every other
screen groups the keys under one word so that its own actions keep their place."""

from __future__ import annotations

from textual.binding import Binding

#: Grouped in the footer as "F2 F3 … F11 Areas": each key's name is its tooltip and its command.
AREAS = Binding.Group("Areas")

#: key, action, footer name, palette name: in the order of UX.md.
AREA_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("f2", "new_reservation", "New", "New reservation"),
    ("f3", "search", "Search", "Find a guest, room or reservation"),
    ("f4", "open_list('arrivals')", "Arrivals", ""),
    ("f5", "open_list('in_house')", "In-house", ""),
    ("f6", "open_list('departures')", "Departures", ""),
    ("f7", "rack", "Rack", "Room rack"),
    ("f8", "housekeeping", "HK", "Housekeeping board"),
    ("f9", "rates", "Rates", "Rate calendar"),
    ("f11", "setup", "Set-up", "Set-up: property, room types, rooms, features, rates, taxes"),
)


def area_bindings(prefix: str = "", *, grouped: bool = True) -> list[Binding]:
    """The area keys as bindings; `prefix` "app." for a screen's own copy of the app's keys."""
    return [
        Binding(
            key,
            f"{prefix}{action}",
            name,
            key_display=key.upper(),
            tooltip=tooltip or name,
            group=AREAS if grouped else None,
        )
        for key, action, name, tooltip in AREA_KEYS
    ]

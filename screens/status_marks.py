"""How a stay's state and a room's housekeeping show, the same in every list, grid and picker.

Status colours come from component classes styled in the stylesheets with the theme's
variables, so a dark, a light and a high-contrast theme all work; every status also carries a
symbol and a word, so nothing depends on colour alone (and `NO_COLOR`, which Textual honours,
loses nothing).
"""

from __future__ import annotations

import datetime as dt

#: How each state of a stay shows in lists: a symbol and a word, styled by `state--<key>`.
STATES: dict[str, tuple[str, str]] = {
    "tentative": ("◌", "tentative"),
    "confirmed": ("●", "confirmed"),
    "in-house": ("▶", "in-house"),
    "due-out": ("◀", "due out"),
    "checked-out": ("✓", "out"),
    "cancelled": ("✗", "cancelled"),
    "no-show": ("∅", "no-show"),
}

#: A stay's look on the rack: a symbol leads its bar, so colour is never the only sign.
BAR_SYMBOLS: dict[str, str] = {
    "tentative": "◌",
    "confirmed": "●",
    "in-house": "▶",
    "due-out": "◀",
    "checked-out": "✓",
}

#: Housekeeping as a dot whose shape says it too: dirty ○ red, clean ◐ yellow, inspected ● green.
HOUSEKEEPING_MARKS: dict[str, str] = {"dirty": "○", "clean": "◐", "inspected": "●"}

#: Housekeeping in the room pickers as a coloured dot and a word (UX.md: dirty red, clean
#: yellow, inspected green), so the choice never rests on colour alone.
HOUSEKEEPING_DOTS: dict[str, str] = {
    "inspected": "[$text-success]●[/] inspected",
    "clean": "[$text-warning]●[/] clean    ",
    "dirty": "[$text-error]●[/] dirty    ",
}
#: What a picker shows for a housekeeping state it does not know.
UNKNOWN_DOT = "? unknown  "


def stay_state(status: str, departure: dt.date, business_date: dt.date | None) -> str:
    """The key in STATES for a stay: its status, except that a stay leaving today is 'due out'."""
    if status == "checked_in":
        return "due-out" if departure == business_date else "in-house"
    return status.replace("_", "-")

"""A clerk types faster than the desk draws: keys that reach the desk together (a burst from the
terminal while the machine is busy, a password manager, a barcode reader) act in the order they
were typed — a tab moves on before the next letters, a backspace deletes before the next digit.
"""

from __future__ import annotations

import pytest
from test_tui import SIZE, open_form, settle
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from pms.kernel.desk import Desk
from screens.app import FrontDeskApp

pytestmark = pytest.mark.tui

#: What a terminal sends for the named keys.
_CHARACTERS = {"tab": "\t", "backspace": "\x7f", "enter": "\r"}


def burst(app: App, *keys: str) -> None:
    """The keys as one read from the terminal hands them over: all at once, before the desk
    has handled the first (Pilot's `press` waits after each key, so it never shows this)."""
    for key in keys:
        app.post_message(events.Key(key, _CHARACTERS.get(key, key if len(key) == 1 else None)))


def value(pilot: Pilot, field: str) -> str:
    return pilot.app.screen.query_one(f"#{field}", Input).value


async def test_a_burst_of_keys_fills_the_booking_form_as_typed(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)

        # Arrival, departure left blank, two nights, then the adults: one, rubbed out, three.
        burst(pilot.app, *"today", "tab", "tab", "2", "tab", "end", "backspace", "3")
        await settle(pilot)

        assert value(pilot, "arrival") == "today"
        assert value(pilot, "nights") == "2"
        assert value(pilot, "adults") == "3"
        assert pilot.app.focused is pilot.app.screen.query_one("#adults")


async def test_keys_typed_behind_a_backspace_land_after_it(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)

        # "4," mended to "4.", "13" mended to "12", then a leading zero.
        burst(pilot.app, *"4,", "backspace", *".13", "backspace", "2", "home", "0", "tab")
        await settle(pilot)

        assert value(pilot, "arrival") == "04.12"
        assert pilot.app.focused is pilot.app.screen.query_one("#departure")

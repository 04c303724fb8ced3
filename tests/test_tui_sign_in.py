"""Signing in at the front desk: the desk opens on the sign-in screen, a wrong password is
answered beside the field, the desk locks when left alone and the next clerk takes it over with
the screens as they were. A clerk may type before the screen is drawn: every key goes where
the clerk meant it."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, STAFF
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from pms.kernel.config import RuleSettings
from pms.kernel.desk import Desk
from screens.app import FrontDeskApp
from screens.audit_trail import AuditTrailScreen
from screens.dashboard import DashboardScreen
from screens.room_rack import RoomRackScreen
from screens.sign_in import SignInScreen

pytestmark = pytest.mark.tui

SIZE = (100, 30)


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_in(pilot: Pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.value = ""
    field.focus()
    await pilot.press(*text)


def typed_ahead(pilot: Pilot, *keys: str) -> None:
    """Keys as the terminal hands over what a clerk typed while the desk was busy: all in one
    read, queued before the app handles the first (Pilot's `press` waits for each key in turn,
    as a clerk typing at a quiet desk)."""
    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))


def problem(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#problem", Static).content)


async def test_the_desk_opens_on_the_sign_in_screen(hotel: Desk) -> None:
    hotel.actor = None
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("f7")  # no key leads past it
        assert isinstance(app.screen, SignInScreen)

        await type_in(pilot, "#username", "ana")
        await pilot.press("tab")  # tab (or enter) goes on to the password, as anywhere
        assert app.focused is app.screen.query_one("#password", Input)
        await pilot.press(*"wrong", "enter")
        await settle(pilot)
        assert problem(pilot) == "unknown user or wrong password"
        assert app.screen.query_one("#password", Input).value == ""

        await type_in(pilot, "#password", PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert hotel.actor is not None and hotel.actor.username == "ana"
        assert "clerk: ana" in str(app.screen.query_one("#desk-line", Static).content)


@pytest.mark.parametrize(
    ("next_field", "done"),
    [("tab", "enter"), ("enter", "enter"), ("tab", "ctrl+j"), ("ctrl+j", "ctrl+j")],
    ids=["tab", "enter", "tab-before-pms-ran", "enter-before-pms-ran"],
)
async def test_a_clerk_who_types_as_the_desk_opens_is_signed_in(
    hotel: Desk, next_field: str, done: str
) -> None:
    """On a loaded machine the clerk types user (mending a typo), tab or enter, password and
    enter before the sign-in screen is drawn: the password goes to the password field, and the
    clerk is in. Typed before `pms` even took the terminal, each enter comes as a newline."""
    hotel.actor = None
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        typed_ahead(pilot, *"anx", "backspace", "a", next_field, *PASSWORD, done)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert hotel.actor is not None and hotel.actor.username == "ana"


async def test_a_password_typed_as_the_lock_appears_goes_to_the_password(hotel: Desk) -> None:
    """The desk locks and Ana's password, already typed, reaches the password field (her name
    stands in the user field), not the end of her name."""
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.call_later(app.action_lock)  # as the idle check locks the desk
        typed_ahead(pilot, *PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert hotel.actor is not None and hotel.actor.username == "ana"


async def test_a_clerk_who_locks_and_types_at_once_is_back_at_the_desk(hotel: Desk) -> None:
    """ctrl+g and the password in one read: the lock is up before the password is handed on,
    so the password reaches its field, not the dashboard under the lock."""
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        typed_ahead(pilot, "ctrl+g", *PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert hotel.actor is not None and hotel.actor.username == "ana"


async def test_an_idle_desk_locks_and_the_next_shift_takes_it_over(hotel: Desk) -> None:
    hotel.rules = RuleSettings(idle_lock_minutes=1)
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, RoomRackScreen)

        app._last_input -= 61  # a minute without a key
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#username", Input).value == "ana"

        sam = next(a for a in STAFF if a.username == "sam")
        await type_in(pilot, "#username", sam.username)
        await type_in(pilot, "#password", PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RoomRackScreen)  # the screens as ana left them
        assert hotel.actor is not None and hotel.actor.username == "sam"

        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_a_supervisor_reads_the_audit_trail_and_a_clerk_does_not(hotel: Desk) -> None:
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)  # ana is a clerk

        hotel.actor = next(a for a in STAFF if a.username == "sam")
        names = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Audit trail", "Lock the desk / switch user"} <= names
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, AuditTrailScreen)
        table = app.screen.query_one("#trail", DataTable)
        assert table.row_count > 0  # the hotel's set-up: properties, room types, rooms
        await pilot.press("slash", *"room_type")
        await settle(pilot)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert rows and all("room_type" in str(row[4]) for row in rows)

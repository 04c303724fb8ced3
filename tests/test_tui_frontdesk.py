"""The clerk's day at the desk through the TUI: check in from the arrivals, work the folio,
check out from the departures — key by key, on SQLite and on PostgreSQL, with the services
asked afterwards what was stored."""

from __future__ import annotations

import threading

import pytest
from conftest import BUSINESS_DATE, SUPERVISOR
from sqlalchemy import update
from sqlalchemy.orm import Session
from test_tui import SIZE, d, settle, shown, stay
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from db.models import Property
from pms.billing.folios import folios_of, post_charge, post_room_night, post_to_stay
from pms.frontdesk.check_in import check_in
from pms.frontdesk.room_suggestions import suggest_rooms
from pms.housekeeping.room_status import set_housekeeping
from pms.kernel.desk import Desk
from pms.payments.take import payments_of, take_cash
from pms.stays.reservation_views import get_reservation, load_reservation
from screens.app import FrontDeskApp
from screens.check_in import CheckInScreen
from screens.check_out import CheckOutScreen
from screens.dialogs import ConfirmDialog
from screens.folio import FolioScreen, FolioTable
from screens.folio_dialogs import PostChargeDialog, TextPrompt, TextViewer
from screens.payment_dialogs import PaymentDialog, PaymentInput
from screens.reservation_detail import ReservationDetailScreen
from screens.reservation_list import ReservationListScreen

#: The front desk driven through Textual's Pilot (left out of `make test-fast`).
pytestmark = pytest.mark.tui


def options(pilot: Pilot) -> list[str]:
    """The lines of the check-in room picker."""
    picker = pilot.app.screen.query_one("#rooms", OptionList)
    return [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]


def postings(pilot: Pilot) -> list[str]:
    """The rows of the current folio's table, one line each."""
    screen = pilot.app.screen
    assert isinstance(screen, FolioScreen) and screen.table is not None
    table = screen.table
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def _night_charged_and_paid(session: Session, confirmation: str) -> None:
    """The night audit's room charge of the first night, and the guest paying it in cash."""
    reservation = load_reservation(session, confirmation)
    room = sum(p.amount for p in post_room_night(session, reservation, reservation.arrival))
    post_to_stay(session, reservation, code="PAY-CASH", amount=-room)


async def post_minibar(pilot: Pilot, amount: str, description: str) -> None:
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PostChargeDialog)
    await pilot.press(*"minibar", "tab", *amount, "tab", *description, "enter")
    await settle(pilot)


async def test_a_clerk_checks_in_works_the_folio_and_checks_out(hotel: Desk) -> None:
    conf = stay(hotel, "Lucía García", arrival=BUSINESS_DATE, departure=d(2)).confirmation
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert "o" not in pilot.app.screen.active_bindings  # nobody to check out yet
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckInScreen)
        rooms = options(pilot)
        assert rooms[0].startswith("101") and "clean" in rooms[0]
        await pilot.press("enter")  # the best room, highlighted
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReservationListScreen)
        stored = hotel.read(get_reservation, conf)
        assert stored.status == "checked_in" and stored.room == "101"

        await pilot.press("f5", "f")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FolioScreen)
        await post_minibar(pilot, "12.50", "two waters")
        assert isinstance(pilot.app.screen, FolioScreen)
        assert any("MINIBAR" in row and "12.50" in row for row in postings(pilot))
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TextPrompt)
        await pilot.press("enter")  # no reason: refused beside the field
        assert "reason" in shown(pilot, "#problem")
        await pilot.press(*"not consumed", "enter")
        await settle(pilot)
        rows = postings(pilot)
        assert len(rows) == 2 and "reversed: not consumed" not in rows[0]
        assert "↺ reversed" in rows[0] and "not consumed" in rows[1]
        await post_minibar(pilot, "8", "juice")
        assert "€8.00" in shown(pilot, "#folio-balance")
        await pilot.press("dollar_sign")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PaymentDialog)
        await pilot.press("enter")  # cash, for what is owed
        await settle(pilot)
        assert "€0.00" in shown(pilot, "#folio-balance")
        (folio,) = hotel.read(folios_of, conf)
        assert folio.balance == 0
        assert [p.code for p in folio.postings] == ["MINIBAR", "MINIBAR", "MINIBAR", "PAY-CASH"]

        # The night passes, its room charged and paid in cash: Lucía is due out today.
        hotel.run(_night_charged_and_paid, conf)
        hotel.run(lambda s: s.execute(update(Property).values(business_date=d(2))))
        await pilot.press("escape", "f6")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckOutScreen)
        assert "o checks the guest out" in shown(pilot, "#check-out-balance")
        await pilot.press("o")
        await settle(pilot)
        assert "invoice TST-000001" in shown(pilot, "#check-out-balance")
        assert "TST-000001" in shown(pilot, "#invoice-text")
        assert hotel.read(get_reservation, conf).status == "checked_out"
        await settle(pilot)  # the folios read again after the check-out
        folios_shown = pilot.app.screen.query_one("#check-out-folios", DataTable)
        (status,) = [str(folios_shown.get_row_at(0)[1])]
        assert status.startswith("closed") and "TST-000001" in status
        assert "invoice TST-000001" in shown(pilot, "#check-out-balance")
        await pilot.press("f")  # the closed folio, and its invoice as printed
        await settle(pilot)
        assert isinstance(pilot.app.screen, FolioScreen)
        assert "invoice TST-000001" in shown(pilot, "#folio-balance")
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TextViewer)
        assert "TST-000001" in shown(pilot, "#body")


async def test_a_dirty_room_is_offered_only_to_a_supervisor(hotel: Desk) -> None:
    for number in ("101", "102"):
        hotel.run(set_housekeeping, number, "dirty")
    conf = stay(hotel, arrival=BUSINESS_DATE, departure=d(3)).confirmation
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(ReservationDetailScreen(conf))
        await settle(pilot)
        keys = pilot.app.screen.active_bindings
        assert "c" in keys and "f" in keys and "o" not in keys  # only what applies
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckInScreen)
        assert [line[:3] for line in options(pilot)] == ["103"]
        assert "2 dirty rooms only a supervisor can give" in shown(pilot, "#check-in-note")
    hotel.actor = SUPERVISOR
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(CheckInScreen(conf))
        await settle(pilot)
        lines = options(pilot)
        assert lines[0].startswith("103") and "dirty" in lines[-1]
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, CheckInScreen)
    assert hotel.read(get_reservation, conf).room == "102"


class SlowLineDesk(Desk):
    """The same hotel over a slow line: reading the rooms for a check-in waits until the
    test lets it through, so the clerk's keys land while the picker is still loading."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk.engine, desk.actor, desk.rules)
        self.line_open = threading.Event()

    def read(self, action, *args, **kwargs):  # type: ignore[no-untyped-def]
        if action is suggest_rooms:
            assert self.line_open.wait(timeout=30)
        return super().read(action, *args, **kwargs)


@pytest.mark.parametrize(
    ("keys", "room"),
    [(("enter",), "101"), (("down", "enter"), "102"), (("1", "0", "3", "enter"), "103")],
)
async def test_keys_typed_while_the_rooms_load_are_kept(
    hotel: Desk, keys: tuple[str, ...], room: str
) -> None:
    conf = stay(hotel, arrival=BUSINESS_DATE, departure=d(3)).confirmation
    desk = SlowLineDesk(hotel)
    async with FrontDeskApp(desk).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(ReservationDetailScreen(conf))
        await settle(pilot)
        await pilot.press("c", *keys)  # at once: the rooms are still being read
        assert isinstance(pilot.app.screen, CheckInScreen)
        assert pilot.app.screen.query_one("#rooms", OptionList).loading
        desk.line_open.set()
        await settle(pilot)
        assert not isinstance(pilot.app.screen, CheckInScreen)
    stored = hotel.read(get_reservation, conf)
    assert stored.status == "checked_in" and stored.room == room


def notifications(pilot: Pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications]


async def test_a_split_folio_takes_a_transfer_and_an_old_posting_needs_a_supervisor(
    hotel: Desk,
) -> None:
    conf = stay(hotel, arrival=BUSINESS_DATE, departure=d(3)).confirmation
    hotel.run(check_in, conf, "101")
    hotel.run(post_charge, conf, "FNB", 4500, "dinner")
    async with FrontDeskApp(hotel).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pilot.app.push_screen(FolioScreen(conf))
        await settle(pilot)
        await pilot.press("n", *"Company", "enter")
        await settle(pilot)
        assert "Company €0.00" in shown(pilot, "#folio-switch")
        await pilot.press("t")  # one other folio: straight to the reason
        await settle(pilot)
        assert isinstance(pilot.app.screen, TextPrompt)
        await pilot.press(*"company pays dinners", "enter")
        await settle(pilot)
        assert "Guest €0.00" in shown(pilot, "#folio-switch")
        assert "Company €45.00" in shown(pilot, "#folio-switch")
        screen = pilot.app.screen
        assert isinstance(screen, FolioScreen)
        await pilot.press("s")  # side by side
        assert all(table.display for table in screen.query(FolioTable))
        await pilot.press("right_square_bracket")
        assert "Balance of Company: €45.00" in shown(pilot, "#folio-balance")
        assert any("dinner" in row for row in postings(pilot))
        guest, company = hotel.read(folios_of, conf)
        assert (guest.balance, company.balance) == (0, 4500)

        # The next day a clerk may not reverse yesterday's posting: the service says who can.
        hotel.run(lambda s: s.execute(update(Property).values(business_date=d(2))))
        await pilot.press("v", *"wrong", "enter")
        await settle(pilot)
        assert any("supervisor" in n for n in notifications(pilot))
        assert hotel.read(folios_of, conf)[1].balance == 4500


async def test_a_supervisor_refunds_a_payment_from_the_folio(hotel: Desk) -> None:
    conf = stay(hotel, "Lucía García", arrival=BUSINESS_DATE, departure=d(2)).confirmation
    hotel.run(check_in, conf, "101")
    hotel.run(post_charge, conf, "FNB", 4000)
    take_cash(hotel, conf, 4000)
    hotel.actor = SUPERVISOR
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5", "f")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FolioScreen)
        await pilot.press("down", "R")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TextPrompt)
        await pilot.press(*"paid twice", "enter")
        await settle(pilot)
        assert "€40.00" in shown(pilot, "#folio-balance")
    (payment,) = hotel.read(payments_of, conf)
    assert (payment.state, payment.refunded) == ("refunded", 4000)


async def test_a_payment_taken_again_after_a_lost_connection_is_recorded_once(hotel: Desk) -> None:
    """ctrl+r runs the very action that was lost: the payment as typed, with the key the dialog
    made, so the guest pays once however often it is retried."""
    conf = stay(hotel, "Lucía García", arrival=BUSINESS_DATE, departure=d(2)).confirmation
    hotel.run(check_in, conf, "101")
    hotel.run(post_charge, conf, code="MINIBAR", amount=1250, description="two waters")
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5", "f")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, FolioScreen)
        typed = PaymentInput("cash", 500, "")  # a part: the second one would be allowed
        for _ in range(2):
            screen._pay(typed)
            await settle(pilot)
    assert [p.amount for p in hotel.read(payments_of, conf)] == [500]
    (folio,) = hotel.read(folios_of, conf)
    assert folio.balance == 750


async def test_the_payment_dialog_names_the_terminal_reference_once(hotel: Desk) -> None:
    """The clerk reads each field's label once, and it stays in view while they type."""
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(PaymentDialog("EUR", 4000, "García, Lucía"))
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, PaymentDialog)
        await pilot.press(*"12")
        words = " ".join(str(s.render()) for s in dialog.query(".hint"))
        placeholders = " ".join(i.placeholder for i in dialog.query(Input))
        assert words.count("receipt reference") == 1
        assert "reference" not in placeholders
        assert "amount in EUR" in words

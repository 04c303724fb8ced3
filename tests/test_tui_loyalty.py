"""A clerk with a loyalty member at the desk: the profile's loyalty panel, points paid on the
folio (a refusal stands beside the points typed), and the dashboard's line on reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import MANAGER
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar, Static

from pms.billing.folios import post_room_night
from pms.frontdesk.check_in import check_in
from pms.guests.profile_edits import GuestDetails, create_guest
from pms.kernel.desk import Desk
from pms.loyalty.adjustments import adjust_points
from pms.loyalty.members import enrol
from pms.loyalty.programme import ProgrammeTerms, TierTerms, set_programme, set_tier
from pms.reservations.booking import BookingRequest, book
from pms.reviews.entry import ReviewInput, add_review
from pms.reviews.views import reviews_of_guest
from pms.stays.reservation_views import load_reservation
from screens.app import FrontDeskApp
from screens.folio import FolioScreen
from screens.folio_dialogs import PointsDialog
from screens.guest_profile import GuestProfileScreen
from screens.reservation_detail import ReservationDetailScreen
from screens.review_dialog import ReviewDialog

pytestmark = pytest.mark.tui


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def member_in_house(hotel: Desk) -> tuple[int, str]:
    """Arrange: Lucía, a member with 5,000 points, in house in 101 owing one night."""
    clerk, hotel.actor = hotel.actor, MANAGER
    hotel.run(set_programme, ProgrammeTerms("HARBOUR", "Harbour Rewards"), "TST")
    hotel.run(set_tier, "HARBOUR", TierTerms("BLUE", "Blue", 0))
    hotel.run(set_tier, "HARBOUR", TierTerms("GOLD", "Gold", 1, threshold=10_000))
    guest = hotel.run(create_guest, GuestDetails(name="Lucía García"))
    hotel.run(enrol, guest.id)
    hotel.run(adjust_points, guest.id, redeemable=5000, qualifying=2500, reason="welcome")
    request = BookingRequest(arrival=dt.date(2026, 12, 1), nights=1, room_type="DBL",
                             guest=guest.id)  # fmt: skip
    confirmation = hotel.run(book, request).confirmation
    hotel.run(check_in, confirmation, "101")

    def _night(session) -> None:  # type: ignore[no-untyped-def]
        reservation = load_reservation(session, confirmation)
        post_room_night(session, reservation, reservation.arrival)

    hotel.run(_night)
    hotel.actor = clerk
    return guest.id, confirmation


async def test_the_profile_shows_tier_points_and_progress(hotel: Desk) -> None:
    guest, _ = member_in_house(hotel)
    async with FrontDeskApp(hotel).run_test(size=(100, 30)) as pilot:
        await pilot.app.push_screen(GuestProfileScreen(guest))
        await settle(pilot)
        standing = str(pilot.app.screen.query_one("#loyalty-standing", Static).content)
        assert standing == "Blue · 5,000 points · 7,500 points to GOLD"
        bar = pilot.app.screen.query_one("#loyalty-progress", ProgressBar)
        assert (bar.progress, bar.total) == (2500, 10_000)
        assert "◆ HARBOUR00000001" in str(pilot.app.screen.query_one("#fact-loyalty").content)


async def test_points_pay_the_folio_and_a_refusal_stands_beside_them(hotel: Desk) -> None:
    _, confirmation = member_in_house(hotel)
    async with FrontDeskApp(hotel).run_test(size=(100, 30)) as pilot:
        await pilot.app.push_screen(FolioScreen(confirmation))
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        pilot.app.screen.query_one("#points", Input).value = "6000"
        await pilot.press("enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, PointsDialog)
        assert dialog.query_one("#points", Input).value == "6000"  # the typing stays
        assert "has 5,000 points, not 6,000" in str(dialog.query_one("#problem", Static).content)
        dialog.query_one("#points", Input).value = "4000"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FolioScreen)
        assert pilot.app.screen.account.guest_balance == 10000 - 4000


async def test_the_dashboard_says_how_reviews_go(hotel: Desk) -> None:
    guest = hotel.run(create_guest, GuestDetails(name="Ada Lovelace"))
    request = BookingRequest(arrival=dt.date(2026, 12, 1), nights=1, room_type="DBL",
                             guest=guest.id)  # fmt: skip
    confirmation = hotel.run(book, request).confirmation

    def _left(session) -> None:  # type: ignore[no-untyped-def]
        load_reservation(session, confirmation).status = "checked_out"

    hotel.run(_left)
    hotel.run(add_review, ReviewInput(confirmation, 4, title="Quiet and clean"))
    async with FrontDeskApp(hotel).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        line = str(pilot.app.screen.query_one("#reviews-line", Static).content)
        assert line == "Reviews ★ 4.0 in Dec (1) · latest ★★★★☆ Quiet and clean"


async def test_a_clerk_enters_the_review_a_guest_gives_at_departure(hotel: Desk) -> None:
    guest = hotel.run(create_guest, GuestDetails(name="Ada Lovelace"))
    request = BookingRequest(arrival=dt.date(2026, 12, 1), nights=1, room_type="DBL",
                             guest=guest.id)  # fmt: skip
    confirmation = hotel.run(book, request).confirmation

    def _left(session) -> None:  # type: ignore[no-untyped-def]
        load_reservation(session, confirmation).status = "checked_out"

    hotel.run(_left)
    async with FrontDeskApp(hotel).run_test(size=(100, 30)) as pilot:
        await pilot.app.push_screen(ReservationDetailScreen(confirmation))
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ReviewDialog)
        dialog.query_one("#overall", Input).value = "6"
        dialog.query_one("#score-cleanliness", Input).value = "4"
        dialog.query_one("#title", Input).value = "Quiet and clean"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog  # refused: the typing stays, the reason beside it
        assert "overall is a score from 1 to 5, not 6" in str(
            dialog.query_one("#problem", Static).content
        )
        assert dialog.query_one("#title", Input).value == "Quiet and clean"
        dialog.query_one("#overall", Input).value = "5"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReservationDetailScreen)
    reviews = hotel.read(reviews_of_guest, guest.id)
    assert [(r.overall, r.title) for r in reviews] == [(5, "Quiet and clean")]
    assert reviews[0].scores["cleanliness"] == 4

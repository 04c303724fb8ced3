"""The room rack (F7) and the housekeeping board (F8), driven key by key on SQLite and
PostgreSQL, and their look at 80×24 (SQLite only)."""

from __future__ import annotations

import pytest
from conftest import BUSINESS_DATE
from sqlalchemy.orm import Session
from test_tui import SIZE, d, settle, stay
from textual.pilot import Pilot
from textual.widgets import DataTable

from db.models import ChangeLog
from pms.frontdesk.check_in import check_in
from pms.frontdesk.polling import rack_version
from pms.frontdesk.rack import room_rack
from pms.housekeeping.board import housekeeping_board
from pms.housekeeping.out_of_order import set_out_of_order
from pms.housekeeping.room_status import set_housekeeping, set_out_of_service
from pms.kernel.desk import Desk
from pms.stays.reservation_views import get_reservation
from pms.stays.rooms import assign_room
from screens.app import FrontDeskApp
from screens.date_grid import HEADER, STEP
from screens.housekeeping import HousekeepingScreen
from screens.rack_dialogs import OutOfOrderDialog, ReasonDialog
from screens.rack_grid import RackGrid
from screens.room_rack import RoomRackScreen

#: The front desk driven through Textual's Pilot (left out of `make test-fast`).
pytestmark = pytest.mark.tui


def rack_lines(pilot: Pilot) -> dict[str, str]:
    """What the rack shows: the date header (under "") and each room's line by its number."""
    grid = pilot.app.screen.query_one("#rack", RackGrid)
    lines = [grid.render_line(y).text.rstrip() for y in range(grid.size.height)]
    shown = {"": lines[0]}
    for line in lines[HEADER:]:
        if line.strip():
            shown[line.split()[0]] = line
    return shown


def night_cell(pilot: Pilot, line: str, index: int) -> str:
    """The cell of the index-th night shown on a rack line."""
    gutter = pilot.app.screen.query_one("#rack", RackGrid).gutter_width
    return line[gutter + index * STEP : gutter + (index + 1) * STEP]


async def quiet(pilot: Pilot) -> None:
    """Settle until a change has gone through: a dialog's answer starts the change's worker,
    whose message starts the read that redraws; each step may land after the last settle."""
    for _ in range(3):
        await settle(pilot)


async def open_rack(pilot: Pilot) -> RoomRackScreen:
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RoomRackScreen)
    return screen


async def test_the_rack_shows_bars_and_scrolls_by_day_and_week(hotel: Desk) -> None:
    booked = stay(hotel, "Lucía García", arrival=d(1), departure=d(3))
    hotel.run(assign_room, booked.confirmation, "102")
    stay(hotel, "Chidi Okafor", arrival=d(2), departure=d(4), room_type="TWN")  # no room yet
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        screen = await open_rack(pilot)
        lines = rack_lines(pilot)
        assert lines[""].split()[2:4] == ["Tue", "01"]  # the window starts at the business date
        two_nights = night_cell(pilot, lines["102"], 0) + night_cell(pilot, lines["102"], 1)
        assert two_nights.startswith("● García, Lu")  # cut to its two nights
        assert "García" not in lines["101"]
        panel = [str(o.prompt) for o in screen.panel.options]
        assert len(panel) == 1 and "Okafor, Chidi" in panel[0] and "TWN 02.12 2n" in panel[0]

        await pilot.press("down")  # room 102, Tue 01: the stay is under the cursor
        assert "García, Lucía" in str(screen.query_one("#cell-info").content)
        await pilot.press("right")
        assert screen.cursor is not None and screen.cursor.night == d(2)
        await pilot.press("pagedown")
        await settle(pilot)
        assert screen.start == d(8) and screen.cursor.night == d(9)
        assert rack_lines(pilot)[""].split()[2:4] == ["Tue", "08"]
        assert "García" not in rack_lines(pilot)["102"]
        await pilot.press("g", *"20.12", "enter")  # to a date
        await settle(pilot)
        assert screen.start == d(20) and rack_lines(pilot)[""].split()[2:4] == ["Sun", "20"]
        await pilot.press("g", *"1.12", "enter")
        await settle(pilot)
        assert screen.start == BUSINESS_DATE and screen.cursor.night == d(1)

        await pilot.press("enter")  # enter on the bar opens the stay
        await settle(pilot)
        assert getattr(pilot.app.screen, "confirmation", None) == booked.confirmation


async def test_a_clerk_assigns_an_unassigned_stay_with_a(hotel: Desk) -> None:
    booked = stay(hotel, "Lucía García", arrival=d(2), departure=d(4))
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        screen = await open_rack(pilot)
        assert "García" not in rack_lines(pilot)["103"]
        await pilot.press("down", "down", "a")  # room 103 (a DBL), the first stay in the panel
        await quiet(pilot)
        assert "● García, Lu" in rack_lines(pilot)["103"]
        assert not screen.unassigned
    assert hotel.read(get_reservation, booked.confirmation).rooms == ["103"]


async def test_a_change_at_another_desk_redraws_only_its_room(hotel: Desk) -> None:
    booked = stay(hotel, "Lucía García", arrival=d(2), departure=d(4))
    stay(hotel, "Chidi Okafor", arrival=d(1), departure=d(3), room_type="TWN")
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        screen = await open_rack(pilot)
        rooms = [room.number for room in screen.grid.rooms]
        redrawn: list[int] = []
        refresh_lines = screen.grid.refresh_lines

        def spy(y: int, count: int = 1) -> None:
            redrawn.extend(range(y, y + count))
            refresh_lines(y, count)

        screen.grid.refresh_lines = spy  # type: ignore[method-assign]
        hotel.run(assign_room, booked.confirmation, "102")  # another desk
        screen.poll()  # the timer's next tick, without waiting two seconds for it
        await settle(pilot)
        assert redrawn == [HEADER + rooms.index("102")]  # one room, one line
        assert "● García, Lu" in rack_lines(pilot)["102"]
        assert [s.guest_name for s in screen.unassigned] == ["Okafor, Chidi"]


async def test_the_housekeeping_board_lists_rooms_by_floor_and_changes_a_status(
    hotel: Desk,
) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HousekeepingScreen)
        table = screen.query_one("#board", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == [
            "101", "102", "103", "201", "202", "301",
        ]  # fmt: skip
        assert [str(table.get_row_at(i)[0]) for i in range(3)] == ["1", "", ""]  # floor once
        await pilot.press("down", "d")  # room 102 dirty
        await quiet(pilot)  # the change, then the board read again
        assert str(table.get_row("102")[3]) == "○ dirty"
        await pilot.press("i")  # inspected is a supervisor's pass: refused, and said why
        await settle(pilot)
        assert any("supervisor" in n.message for n in pilot.app._notifications)
        await pilot.press("o")  # out of order: tonight only, with a reason
        await pilot.pause()
        assert isinstance(pilot.app.screen, OutOfOrderDialog)
        await pilot.press(*"leak", "enter")
        await quiet(pilot)
        assert "▓ OOO to 02.12: leak" in str(table.get_row("102")[6])
        await pilot.press("slash", *"dirty")
        await settle(pilot)
        assert table.row_count == 1
    board = {room.number: room for room in hotel.read(housekeeping_board)}
    assert board["102"].housekeeping == "dirty" and board["101"].housekeeping == "clean"
    assert board["102"].out_of_order == "leak"


def test_the_rack_service_reads_rooms_bars_and_unassigned_stays(hotel: Desk) -> None:
    one = stay(hotel, "Lucía García", arrival=d(1), departure=d(3))
    hotel.run(assign_room, one.confirmation, "101")
    stay(hotel, "Chidi Okafor", arrival=d(5), departure=d(7), room_type="TWN")
    stay(hotel, "Far Away", arrival=d(20), departure=d(22))
    view = hotel.read(room_rack, "TST", None, 7)
    assert [r.number for r in view.rooms] == ["101", "102", "103", "201", "202", "301"]
    [bar] = view.rooms[0].bars
    assert (bar.guest_name, bar.first_night, bar.last_night, bar.state) == (
        "García, Lucía", d(1), d(2), "confirmed",
    )  # fmt: skip
    assert bar.arriving and not bar.in_house
    assert [u.guest_name for u in view.unassigned] == ["Okafor, Chidi"]  # Far Away is outside


def test_the_rack_version_notices_a_late_commit_below_the_newest_id(hotel: Desk) -> None:
    def note(session: Session, change_id: int | None) -> None:
        session.add(ChangeLog(id=change_id, entity="room", entity_id=1, operation="update"))

    hotel.run(note, None)
    newest, _ = hotel.read(rack_version)
    hotel.run(note, newest + 2)  # the desk that took the later id commits first …
    seen = hotel.read(rack_version)
    hotel.run(note, newest + 1)  # … the slower one after: the last id stays, the count moves
    assert hotel.read(rack_version)[0] == seen[0] and hotel.read(rack_version) != seen


# How they look (SQLite only: the look does not depend on the database) -------------------------


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_room_rack_look(hotel: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The rack at 80×24: rooms with their housekeeping marks, bars, the unassigned panel."""
    one = stay(hotel, "Lucía García", arrival=d(1), departure=d(3))
    hotel.run(assign_room, one.confirmation, "101")
    hotel.run(check_in, one.confirmation, "101")
    two = stay(hotel, "Ana Novak", arrival=d(3), departure=d(6))
    hotel.run(assign_room, two.confirmation, "102")
    stay(hotel, "Chidi Okafor", arrival=d(2), departure=d(4), room_type="TWN")
    hotel.run(set_out_of_order, "201", d(2), d(5), "leak")
    hotel.run(set_out_of_service, "202", "smell")
    hotel.run(set_housekeeping, "103", "dirty")

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)

    assert snap_compare(FrontDeskApp(hotel), run_before=run_before)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_housekeeping_board_look(hotel: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The board at 80×24: rooms by floor, dots with their shapes, the counts."""
    guest = stay(hotel, "Lucía García", arrival=d(1), departure=d(3))
    hotel.run(check_in, guest.confirmation, "101")
    hotel.run(set_out_of_order, "201", d(1), d(5), "leak")
    hotel.run(set_out_of_service, "202", "smell")
    hotel.run(set_housekeeping, "103", "dirty")

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)

    assert snap_compare(FrontDeskApp(hotel), run_before=run_before)


async def test_an_in_house_stay_is_extended_with_e_and_moved_with_m(hotel: Desk) -> None:
    guest = stay(hotel, "Lucía García", arrival=d(1), departure=d(3))
    hotel.run(check_in, guest.confirmation, "101")
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        screen = await open_rack(pilot)
        assert night_cell(pilot, rack_lines(pilot)["101"], 0).startswith("▶")  # in-house
        await pilot.press("e")  # the cursor starts on room 101, tonight
        await quiet(pilot)
        assert hotel.read(get_reservation, guest.confirmation).departure == d(4)
        assert "▶ García, Lucía" in rack_lines(pilot)["101"]  # three nights: the name fits

        await pilot.press("m", "down", "m")  # pick the stay up, put it on room 102
        for _ in range(100):  # a loaded machine may take a moment to show the dialog
            if isinstance(pilot.app.screen, ReasonDialog):
                break
            await pilot.pause(0.05)
        assert isinstance(pilot.app.screen, ReasonDialog)
        await pilot.press(*"noise", "enter")
        await quiet(pilot)
        assert pilot.app.screen is screen
        assert "García" in rack_lines(pilot)["102"]
    assert hotel.read(get_reservation, guest.confirmation).rooms[-1] == "102"

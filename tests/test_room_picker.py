"""The check-in picker offers the stay's assigned room first, marked, and never a room whose
guest has not checked out yet."""

from __future__ import annotations

from test_frontdesk import roll_to, stay

from pms.frontdesk.check_in import check_in
from pms.frontdesk.room_suggestions import suggest_rooms
from pms.kernel.desk import Desk
from pms.stays.rooms import assign_room


def test_the_assigned_room_comes_first_and_an_occupied_one_is_never_offered(
    hotel: Desk,
) -> None:
    leaving = stay(hotel, 1, 2, "Chidi Okafor")
    hotel.run(check_in, leaving.confirmation, "101")
    roll_to(hotel, 2)  # Chidi is due out of 101 today and still in
    arriving = stay(hotel, 2, 4)
    hotel.run(assign_room, arriving.confirmation, "103")
    offered = hotel.read(suggest_rooms, arriving.confirmation)
    assert [(r.number, r.assigned) for r in offered] == [("103", True), ("102", False)]

"""Two desks sell the first-ever nights of a room type at once (PostgreSQL, READ COMMITTED).

Desk A's guarded update finds no inventory rows; desk B opens the nights and commits before A's
"open the missing rows" step, which then finds nothing to open. A must still sell its room: the
guarded update runs again on every night it missed, whoever opened it. The interleaving is made
exact, not left to chance: a listener on A's engine lets B book, start to finish, right after A's
first guarded update.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event, select

from db.models import Inventory, RoomType
from pms.inventory.nights import stay_nights, take
from pms.kernel.desk import Desk

ARRIVAL = dt.date(2027, 6, 1)  # nights nobody has sold yet: no inventory rows
NIGHTS = stay_nights(ARRIVAL, ARRIVAL + dt.timedelta(days=3))


def _sell_one_double(session: Any) -> None:
    room_type = session.scalar(select(RoomType).where(RoomType.code == "DBL"))
    take(session, room_type, NIGHTS)


def test_a_desk_whose_new_nights_another_desk_opened_first_still_sells(
    db_url: str, hotel: Desk
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite's BEGIN IMMEDIATE lets one desk write at a time: no interleaving")
    other = Desk.open(db_url)
    interleaved: list[str] = []

    def _other_desk_books_now(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not interleaved and statement.lstrip().upper().startswith("UPDATE INVENTORY"):
            interleaved.append(statement)
            other.run(_sell_one_double)  # commits its new rows before this desk opens any

    event.listen(hotel.engine, "after_cursor_execute", _other_desk_books_now)
    try:
        hotel.run(_sell_one_double)
    finally:
        event.remove(hotel.engine, "after_cursor_execute", _other_desk_books_now)
        other.close()
    assert interleaved, "the other desk booked between this desk's steps"
    sold = hotel.read(
        lambda session: list(
            session.scalars(
                select(Inventory.sold).where(Inventory.night.in_(NIGHTS)).order_by(Inventory.night)
            )
        )
    )
    assert sold == [2, 2, 2]

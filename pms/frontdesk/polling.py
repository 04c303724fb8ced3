"""What a live screen polls with: the change log's position, cheap enough to ask every second
or two. When it moves, something changed at some desk, and the screen reads its data again (the
rack, the housekeeping board) and redraws only what differs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ChangeLog
from pms.hotel.properties import resolve_property
from pms.housekeeping.board import RoomStatusView, housekeeping_board

#: How far back in the change log a late commit is still noticed (see `rack_version`).
RECENT_CHANGES = 1000
#: A position in the change log: (last id, changes among the last RECENT_CHANGES ids).
RackVersion = tuple[int, int]


def rack_version(session: Session) -> RackVersion:
    """Where the change log stands: its last id, and how many changes lie within the last
    RECENT_CHANGES ids. Two range reads on the primary key, cheap enough to poll.

    The count is there because ids are taken at insert and committed in any order (PostgreSQL):
    a slow transaction that commits an id below the newest one does not move the last id, but
    it does move the count.
    """
    newest = session.scalar(select(func.max(ChangeLog.id))) or 0
    recent = session.scalar(
        select(func.count()).select_from(ChangeLog).where(ChangeLog.id > newest - RECENT_CHANGES)
    )
    return newest, recent or 0


def read_board(
    session: Session, property_code: str | None, known: RackVersion | None = None
) -> tuple[list[RoomStatusView], dt.date, RackVersion] | None:
    """The board with the business date and the change-log position it was read at; None when
    `known` is given and nothing has changed since."""
    version = rack_version(session)
    if known is not None and version == known:
        return None
    business_date = resolve_property(session, property_code).business_date
    return housekeeping_board(session, property_code), business_date, version

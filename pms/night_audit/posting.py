"""Room and tax for every in-house stay, and the housekeeping that follows the night.

Night D's room line and its added taxes are posted as the guest accepted them, under the
unique key `night:<stay>:<night>:<code>` that the database keeps UNIQUE: the audit posts in
batches (each its own transaction, so desks keep working between them), and a rerun, a second
process or a crash between batches can never post a night twice — the check-out of a guest
who leaves before the audit uses the same keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from db.folios import Folio, Posting
from db.models import Property, Reservation, ReservationStatus
from pms.billing.folios import close_folio
from pms.billing.room_charges import post_nights_in_bulk
from pms.housekeeping.room_status import mark_stayovers_dirty

#: In-house stays posted per transaction: long enough to be quick, short enough that a desk
#: waiting for SQLite's write lock waits well under a second.
BATCH = 250


@dataclass(frozen=True)
class PostingCounts:
    """What one batch posted: stays charged, lines posted and their sum (minor units)."""

    stays: int
    lines: int
    amount: int


def in_house_ids(session: Session, prop: Property, day: dt.date) -> list[int]:
    """The stays in the house on the night of `day`, in id order (the batches' order)."""
    return list(
        session.scalars(
            select(Reservation.id)
            .where(
                Reservation.property_id == prop.id,
                Reservation.status == ReservationStatus.CHECKED_IN,
                Reservation.arrival <= day,
                Reservation.departure > day,
            )
            .order_by(Reservation.id)
        )
    )


def post_room_and_tax(session: Session, stay_ids: list[int], day: dt.date) -> PostingCounts:
    """Post night `day` (room and added taxes) for each of these stays, each line once."""
    stays = session.scalars(
        select(Reservation)
        .where(Reservation.id.in_(stay_ids))
        .options(selectinload(Reservation.nights), selectinload(Reservation.taxes))
        .order_by(Reservation.id)
    ).all()
    lines, amount = post_nights_in_bulk(session, stays, day)
    return PostingCounts(len(stays), lines, amount)


def tidy_after_the_night(session: Session, prop: Property) -> dict[str, int]:
    """Stay-over rooms dirty for tomorrow, and the folios of departed stays that are settled
    (balance zero, with postings) closed into invoices."""
    dirty = mark_stayovers_dirty(session, prop.code)
    settled = session.scalars(
        select(Folio.id)
        .join(Reservation, Reservation.id == Folio.reservation_id)
        .join(Posting, Posting.folio_id == Folio.id)
        .where(
            Folio.property_id == prop.id,
            Folio.status == "open",
            Reservation.status == ReservationStatus.CHECKED_OUT,
        )
        .group_by(Folio.id)
        .having(func.sum(Posting.amount) == 0)
        .order_by(Folio.id)
    ).all()
    for folio_id in settled:
        close_folio(session, folio_id)
    return {"rooms_dirty": len(dirty), "folios_closed": len(settled)}

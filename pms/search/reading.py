"""Reading what the search index's documents are made from (`pms.search.documents` makes
them): a first build reads the tables (the demo and imports insert guests in bulk without
change-log rows); later changes come from the change log (`pms.search.change_log`), which names
the entity and not what changed, so a change is always applied by reading the entity again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from db.models import (
    Guest,
    Property,
    Reservation,
    ReservationStatus,
    Review,
    Room,
    RoomNight,
    RoomType,
)
from pms.search.documents import PAST, RANK_STAY, Doc, Source, make, review_doc, room_doc

#: Ids per IN (...) list: well under SQLite's bound on bound parameters.
_CHUNK = 500


def chunked(ids: Collection[int]) -> Iterator[list[int]]:
    """The ids in sorted lists short enough for one IN (...) each."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


_GUEST_COLUMNS = (
    Guest.id,
    Guest.first_name,
    Guest.last_name,
    Guest.email,
    Guest.phone,
    Guest.company,
    Guest.city,
    Guest.country,
    Guest.loyalty_number,
    Guest.vip_level,
    Guest.do_not_rent,
)
_LIVE_GUEST = (Guest.merged_into_id.is_(None), Guest.anonymised_at.is_(None))


def _stays_by_guest(session: Session, guest_ids: list[int] | None) -> dict[int, str]:
    """Each guest's best stay group, in one grouped query."""
    rank = case(
        (Reservation.status == ReservationStatus.CHECKED_IN, 2),
        (Reservation.status.in_([ReservationStatus.CONFIRMED, ReservationStatus.TENTATIVE]), 1),
        else_=0,
    )
    query = select(Reservation.guest_id, func.max(rank)).group_by(Reservation.guest_id)
    if guest_ids is not None:
        query = query.where(Reservation.guest_id.in_(guest_ids))
    return {guest_id: RANK_STAY[best] for guest_id, best in session.execute(query)}


def guest_sources(session: Session, ids: Collection[int] | None = None) -> Iterator[Source]:
    """What the documents of live guests (neither merged away nor anonymised) are made from;
    all guests when `ids` is None."""
    batches: Iterable[list[int] | None] = [None] if ids is None else chunked(ids)
    for batch in batches:
        stays = _stays_by_guest(session, batch)
        query = select(*_GUEST_COLUMNS).where(*_LIVE_GUEST).order_by(Guest.id)
        if batch is not None:
            query = query.where(Guest.id.in_(batch))
        for row in session.execute(query.execution_options(yield_per=2000)):
            yield Source("guest", "guest", (row, stays.get(row.id, PAST)))


def guest_docs(session: Session, ids: Collection[int] | None = None) -> Iterator[Doc]:
    """Documents of live guests (neither merged away nor anonymised); all when `ids` is None."""
    return map(make, guest_sources(session, ids))


def room_docs(session: Session, ids: Collection[int] | None = None) -> Iterator[Doc]:
    """Documents of rooms; all when `ids` is None."""
    batches: Iterable[list[int] | None] = [None] if ids is None else chunked(ids)
    for batch in batches:
        query = (
            select(Room, RoomType, Property.code)
            .join(RoomType, Room.room_type_id == RoomType.id)
            .join(Property, Room.property_id == Property.id)
            .order_by(Room.id)
        )
        if batch is not None:
            query = query.where(Room.id.in_(batch))
        for room, room_type, property_code in session.execute(query):
            yield room_doc(room, room_type, property_code)


def _rooms_by_reservation(session: Session, ids: list[int] | None) -> dict[int, list[str]]:
    query = (
        select(RoomNight.reservation_id, Room.number)
        .join(Room, Room.id == RoomNight.room_id)
        .order_by(RoomNight.reservation_id, RoomNight.night)
    )
    if ids is not None:
        query = query.where(RoomNight.reservation_id.in_(ids))
    rooms: dict[int, list[str]] = defaultdict(list)
    for reservation_id, number in session.execute(query):
        if number not in rooms[reservation_id]:
            rooms[reservation_id].append(number)
    return rooms


def _reservation_query() -> Select[Any]:
    return (
        select(
            Reservation.id,
            Reservation.guest_id,
            Reservation.confirmation,
            Reservation.external_ref,
            Reservation.status,
            Reservation.arrival,
            Reservation.departure,
            RoomType.code.label("room_type"),
            Property.code.label("property_code"),
            Guest.first_name,
            Guest.last_name,
            Guest.anonymised_at,
        )
        .join(Guest, Reservation.guest_id == Guest.id)
        .join(RoomType, Reservation.room_type_id == RoomType.id)
        .join(Property, Reservation.property_id == Property.id)
        .order_by(Reservation.id)
    )


def reservation_sources(session: Session, ids: Collection[int] | None = None) -> Iterator[Source]:
    """What the documents of reservations are made from; all when `ids` is None."""
    batches: Iterable[list[int] | None] = [None] if ids is None else chunked(ids)
    for batch in batches:
        rooms = _rooms_by_reservation(session, batch)
        query = _reservation_query()
        if batch is not None:
            query = query.where(Reservation.id.in_(batch))
        for row in session.execute(query.execution_options(yield_per=2000)):
            yield Source("reservation", "reservation", (row, rooms.get(row.id, [])))


def reservation_docs(session: Session, ids: Collection[int] | None = None) -> Iterator[Doc]:
    """Documents of reservations: confirmation, the guest's name, dates, status, rooms."""
    return map(make, reservation_sources(session, ids))


def review_docs(session: Session, ids: Collection[int] | None = None) -> Iterator[Doc]:
    """Documents of published reviews (a hidden review leaves the index)."""
    batches: Iterable[list[int] | None] = [None] if ids is None else chunked(ids)
    for batch in batches:
        query = (
            select(Review, Reservation.confirmation, RoomType.code, Property.code)
            .join(Reservation, Reservation.id == Review.reservation_id)
            .join(RoomType, RoomType.id == Review.room_type_id)
            .join(Property, Property.id == Review.property_id)
            .where(Review.status == "published")
            .order_by(Review.id)
        )
        if batch is not None:
            query = query.where(Review.id.in_(batch))
        for review, confirmation, room_type, property_code in session.execute(query):
            yield review_doc(review, confirmation, room_type, property_code)


def totals(session: Session) -> int:
    """How many documents a full build writes (for its progress bar)."""
    counts = [
        session.scalar(select(func.count()).select_from(Guest).where(*_LIVE_GUEST)),
        session.scalar(select(func.count()).select_from(Room)),
        session.scalar(select(func.count()).select_from(Reservation)),
        session.scalar(
            select(func.count()).select_from(Review).where(Review.status == "published")
        ),
    ]
    return sum(c or 0 for c in counts)


def _stays_by_guest_sources(session: Session) -> Iterator[Source]:
    """What every reservation's document is made from, in guest order."""
    rooms = _rooms_by_reservation(session, None)
    query = _reservation_query().order_by(None).order_by(Reservation.guest_id, Reservation.id)
    for row in session.execute(query.execution_options(yield_per=2000)):
        yield Source("reservation", "reservation", (row, rooms.get(row.id, [])))


def all_sources(session: Session) -> Iterator[Source]:
    """What every document is made from, read from the tables: guests and reservations as
    their rows (a build's worker processes make those documents, the phone's parsing is most
    of their cost), rooms and reviews (a few hundred) as documents.

    Each guest's stays follow the guest (in guest id order), so a build's segment holds a
    guest's documents and those of their stays, which show their name: anonymising the guest
    rewrites that one segment (`pms.search.segments`), not one of guests and one of stays."""
    stays = _stays_by_guest_sources(session)
    stay = next(stays, None)
    for guest in guest_sources(session):
        yield guest
        while stay is not None and stay.args[0].guest_id <= guest.args[0].id:
            yield stay
            stay = next(stays, None)
    if stay is not None:
        yield stay
        yield from stays
    yield from (Source("room", "made", (doc,)) for doc in room_docs(session))
    yield from (Source("review", "made", (doc,)) for doc in review_docs(session))


def all_docs(session: Session) -> Iterator[Doc]:
    """Every document, read from the tables."""
    return map(make, all_sources(session))

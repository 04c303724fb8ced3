"""What the search index holds for each guest, room and reservation, read from the database.

The index is a cache: every document here is built from the rows as they are now, so applying a
change twice, or late, or out of order gives the same index. A first build reads the tables
(the demo and imports insert guests in bulk without change-log rows); later changes come from
the change log (followed in `pms.search.change_log`), which names the entity and not what
changed, so a change is always applied by reading the entity again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any, NamedTuple

import phonenumbers
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

#: A document as whoosh takes it: field name → value (text, or anything for the stored `data`).
Doc = dict[str, Any]


class Source(NamedTuple):
    """What one document is made from (`make`): its kind, the maker and the rows it takes, all
    picklable, so that a build's worker process can make it."""

    kind: str
    maker: str
    args: tuple[Any, ...]


#: Where a guest or a stay stands, best first: the ranking puts in-house and upcoming stays
#: before old ones. A status says it without the business date (a stay that never arrived
#: becomes a no-show at the night audit), so the index never goes stale as days pass.
IN_HOUSE, UPCOMING, PAST = "in_house", "upcoming", "past"
_STAY_RANK = {IN_HOUSE: 2, UPCOMING: 1, PAST: 0}
_RANK_STAY = {rank: stay for stay, rank in _STAY_RANK.items()}

#: Ids per IN (...) list: well under SQLite's bound on bound parameters.
_CHUNK = 500


def stay_of(status: str) -> str:
    """The ranking group of a reservation status."""
    if status == ReservationStatus.CHECKED_IN:
        return IN_HOUSE
    if status in (ReservationStatus.CONFIRMED, ReservationStatus.TENTATIVE):
        return UPCOMING
    return PAST


def phone_terms(phone: str) -> tuple[list[str], str, str]:
    """The digit strings a phone number is found by, its digits reversed, and how it is shown.

    `+351 912 345 678` is indexed as `351912345678`, and reversed, so that its last digits find
    it — `912345678` among them (one term a guest fewer than indexing the national number too,
    a sixth of the distinct terms a build writes); the query drops a leading `00` or trunk `0`,
    so `00351…` and `0912…` find it too. Numbers that do not parse (kept as typed before
    validation, imported) are found by their digits and shown as stored. Parsed once: it is
    most of a guest's cost.
    """
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return [], "", phone
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return sorted({digits, digits.lstrip("0")} - {""}), digits[::-1], phone
    national = phonenumbers.national_significant_number(number)
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return [f"{number.country_code}{national}"], digits[::-1], shown


def _name(first: str, last: str) -> str:
    return f"{last}, {first}" if first else last


def _words(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _clean(doc: Doc) -> Doc:
    """Drop empty fields: whoosh would index an empty term for them."""
    return {k: v for k, v in doc.items() if v not in ("", None, [])}


def chunked(ids: Collection[int]) -> Iterator[list[int]]:
    """The ids in sorted lists short enough for one IN (...) each."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


# --- guests ---------------------------------------------------------------------------------

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
    return {guest_id: _RANK_STAY[best] for guest_id, best in session.execute(query)}


def _guest_doc(row: Any, stay: str) -> Doc:
    name = _words(row.first_name, row.last_name)
    phones, reversed_digits, phone = phone_terms(row.phone)
    flags = ["vip", f"vip{row.vip_level}"] if row.vip_level else []
    if row.do_not_rent:
        flags.append("dnr")
    # The member number leads, so the booking form's profile line shows it to the clerk.
    member = f"◆ {row.loyalty_number}" if row.loyalty_number else ""
    detail = " · ".join(p for p in (member, row.email, phone, row.company, row.city) if p)
    return _clean(
        {
            "key": f"guest:{row.id}",
            "kind": "guest",
            "name": name,
            "name_ngram": name,
            "words": _words(row.company, row.city, row.country),
            "start": _words(name, row.company, row.city),
            "email": row.email.lower(),
            "code": (row.loyalty_number or "").lower(),
            "code_start": (row.loyalty_number or "").lower(),
            "phone": " ".join(phones),
            "phone_rev": reversed_digits,
            "flags": " ".join(flags),
            "stay": stay,
            "data": {
                "kind": "guest",
                "id": row.id,
                "ref": f"#{row.id}",
                "title": _name(row.first_name, row.last_name),
                "detail": detail,
                "stay": stay,
                "vip": row.vip_level,
                "dnr": row.do_not_rent,
                "property": "",
            },
        }
    )


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


# --- rooms ----------------------------------------------------------------------------------


def room_docs(session: Session, ids: Collection[int] | None = None) -> Iterator[Doc]:
    """Documents of rooms: number, type, features (the room's and its type's), housekeeping."""
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
            features = sorted({*room.features, *room_type.features})
            text = _words(room_type.code, room_type.name, *features, room.housekeeping)
            kind = f"{room_type.code} {room_type.name}"
            detail = " · ".join([kind, f"floor {room.floor}", *features, room.housekeeping])
            yield _clean(
                {
                    "key": f"room:{room.id}",
                    "kind": "room",
                    "property": property_code.lower(),
                    "code": room.number.lower(),
                    "code_start": room.number.lower(),
                    "words": text,
                    "start": text,
                    "data": {
                        "kind": "room",
                        "id": room.id,
                        "ref": room.number,
                        "title": f"Room {room.number}",
                        "detail": detail,
                        "stay": "",
                        "vip": 0,
                        "dnr": False,
                        "property": property_code,
                    },
                }
            )


# --- reservations ---------------------------------------------------------------------------


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


def _reservation_doc(row: Any, rooms: list[str]) -> Doc:
    """A stay is found by its guest's whole name, its start or a typo; pieces inside a name
    find the guest only (n-grams are most of an index: a guest's stays would double them)."""
    confirmation = row.confirmation.lower()
    anonymous = row.anonymised_at is not None
    name = "" if anonymous else _words(row.first_name, row.last_name)
    guest = "anonymised guest" if anonymous else _name(row.first_name, row.last_name)
    status = row.status.replace("_", " ")
    stay = stay_of(row.status)
    where = f"room {'/'.join(rooms)}" if rooms else "no room yet"
    detail = (
        f"{row.arrival:%a %d %b} → {row.departure:%a %d %b %Y} · {row.room_type} · {where} · "
        f"{status}"
    )
    return _clean(
        {
            "key": f"reservation:{row.id}",
            "kind": "reservation",
            "property": row.property_code.lower(),
            "name": name,
            "words": _words(status, row.room_type, *rooms),
            "start": _words(name, status),
            "code": _words(
                confirmation,
                confirmation.replace("-", ""),
                row.arrival.isoformat(),
                row.departure.isoformat(),
                # The other system's number of an imported stay finds it too.
                (row.external_ref or "").lower(),
            ),
            "code_start": _words(confirmation, confirmation.replace("-", "")),
            "stay": stay,
            "data": {
                "kind": "reservation",
                "id": row.id,
                "ref": row.confirmation,
                "title": f"{row.confirmation} {guest}",
                "detail": detail,
                "stay": stay,
                "vip": 0,
                "dnr": False,
                "property": row.property_code,
                "status": row.status,
                "arrival": row.arrival.isoformat(),
                "departure": row.departure.isoformat(),
            },
        }
    )


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


# --- reviews --------------------------------------------------------------------------------


def review_docs(session: Session, ids: Collection[int] | None = None) -> Iterator[Doc]:
    """Documents of published reviews, found by the words of their title and text (a hidden
    review leaves the index); they open the stay reviewed."""
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
            stars = "★" * review.overall + "☆" * (5 - review.overall)
            yield _clean(
                {
                    "key": f"review:{review.id}",
                    "kind": "review",
                    "property": property_code.lower(),
                    "words": _words(review.title, review.text),
                    "start": review.title,
                    "data": {
                        "kind": "review",
                        "id": review.id,
                        "ref": confirmation,
                        "title": f"{stars} {review.title or 'Review'} · {confirmation}",
                        "detail": f"{review.review_date:%d %b %Y} · {room_type} · "
                        f"{review.text[:120]}",
                        "stay": "",
                        "vip": 0,
                        "dnr": False,
                        "property": property_code,
                    },
                }
            )


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


_MAKERS: dict[str, Callable[..., Doc]] = {
    "guest": _guest_doc,
    "reservation": _reservation_doc,
    "made": lambda doc: doc,
}


def make(source: Source) -> Doc:
    """The document `source` describes."""
    return _MAKERS[source.maker](*source.args)

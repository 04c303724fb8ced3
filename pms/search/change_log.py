"""The search index's view of the change log: which entities changed since the index's
bookmark, and which documents those changes touch.

The change log names the entity and not what changed, so every change is applied by reading the
entity again (`pms.search.documents`): applying one twice, late or out of order gives the same
index. A change also touches the documents that show the changed entity (a guest's stays, a
room type's rooms), and those are followed here."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ChangeLog, Guest, Reservation, Room
from pms.search.documents import Doc
from pms.search.reading import chunked, guest_docs, reservation_docs, review_docs, room_docs

#: The change-log operation of an anonymisation (the audit trigger writes it for the action
#: `anonymise`): desks purge the guest's old documents from their index files before they
#: answer another query.
PURGE = "purge"


@dataclass(frozen=True)
class Change:
    """One change-log row: which entity changed."""

    id: int
    entity: str
    entity_id: int


def log_identity(session: Session) -> str | None:
    """Who this database is: its first change-log row. A database made again at the same URL
    (or a copy reset under it) starts a new log, so an index of the old one is known foreign."""
    first = session.execute(
        select(ChangeLog.id, ChangeLog.at, ChangeLog.entity, ChangeLog.entity_id)
        .order_by(ChangeLog.id)
        .limit(1)
    ).first()
    if first is None:
        return None
    return f"{first.id}|{first.at.isoformat()}|{first.entity}|{first.entity_id}"


def newest_change(session: Session) -> int:
    """The highest change id committed so far (0 for an empty log)."""
    return session.scalar(select(func.max(ChangeLog.id))) or 0


def change_ids_since(session: Session, after: int) -> set[int]:
    """The committed change ids above `after` (to find the gaps a full build must watch)."""
    return set(session.scalars(select(ChangeLog.id).where(ChangeLog.id > after)))


def changes_since(session: Session, after: int, gaps: Collection[int], limit: int) -> list[Change]:
    """Changes above `after`, and those with an id in `gaps`, oldest first.

    Ids are handed out when a row is inserted but become visible when its transaction commits,
    so on PostgreSQL a slow transaction's change can appear below ids already applied: the
    caller keeps such gaps and asks for them again until they fill or grow too old.
    """
    condition = ChangeLog.id > after
    if gaps:
        condition = condition | ChangeLog.id.in_(sorted(gaps))
    rows = session.execute(
        select(ChangeLog.id, ChangeLog.entity, ChangeLog.entity_id)
        .where(condition)
        .order_by(ChangeLog.id)
        .limit(limit)
    )
    return [Change(row.id, row.entity, row.entity_id) for row in rows]


@dataclass
class Affected:
    """The entities whose documents a batch of changes touches."""

    guests: set[int] = field(default_factory=set)
    rooms: set[int] = field(default_factory=set)
    reservations: set[int] = field(default_factory=set)
    reviews: set[int] = field(default_factory=set)

    def keys(self) -> set[str]:
        """The document keys these entities have (or had) in the index."""
        return (
            {f"guest:{i}" for i in self.guests}
            | {f"room:{i}" for i in self.rooms}
            | {f"reservation:{i}" for i in self.reservations}
            | {f"review:{i}" for i in self.reviews}
        )


def affected(session: Session, changes: Iterable[Change]) -> Affected:
    """Follow the changes to every document that shows what changed.

    A reservation shows its guest's name and a guest ranks by their stays, so each pulls in
    the other; a room shows its type's name and features.
    """
    touched = Affected()
    room_types: set[int] = set()
    for change in changes:
        if change.entity == "guest":
            touched.guests.add(change.entity_id)
        elif change.entity == "reservation":
            touched.reservations.add(change.entity_id)
        elif change.entity == "room":
            touched.rooms.add(change.entity_id)
        elif change.entity == "room_type":
            room_types.add(change.entity_id)
        elif change.entity == "review":
            touched.reviews.add(change.entity_id)
    for batch in chunked(room_types):
        touched.rooms |= set(session.scalars(select(Room.id).where(Room.room_type_id.in_(batch))))
    for batch in chunked(set(touched.guests)):
        query = select(Reservation.id).where(Reservation.guest_id.in_(batch))
        touched.reservations |= set(session.scalars(query))
    for batch in chunked(set(touched.reservations)):
        query = select(Reservation.guest_id).where(Reservation.id.in_(batch))
        touched.guests |= set(session.scalars(query))
    return touched


def anonymised(session: Session, guest_ids: Collection[int]) -> set[int]:
    """Which of these guests were anonymised (their old documents must leave the files)."""
    found: set[int] = set()
    for batch in chunked(guest_ids):
        query = select(Guest.id).where(Guest.id.in_(batch), Guest.anonymised_at.is_not(None))
        found |= set(session.scalars(query))
    return found


def purge_keys(session: Session, touched: Affected) -> set[str]:
    """The documents whose every version must leave the files: those of the anonymised guests
    among `touched`, and of their stays (which showed their name)."""
    guests = anonymised(session, touched.guests)
    if not guests:
        return set()
    return affected(session, [Change(0, "guest", guest) for guest in guests]).keys()


#: At most this many gap ids are looked at per query for a late anonymisation; catch-up
#: finds the rest.
_GAPS_LOOKED_AT = 500


def purges_since(session: Session, after: int, gaps: Collection[int]) -> bool:
    """Whether an anonymisation was logged after change `after` (or in one of the gaps below
    it): one indexed query, made before every search."""
    condition = ChangeLog.id > after
    if gaps and len(gaps) <= _GAPS_LOOKED_AT:
        condition = condition | ChangeLog.id.in_(sorted(gaps))
    query = select(ChangeLog.id).where(condition, ChangeLog.operation == PURGE).limit(1)
    return session.scalar(query) is not None


def docs_for(session: Session, touched: Affected) -> list[Doc]:
    """The current documents of the touched entities; those with none are gone from the index."""
    return [
        *guest_docs(session, touched.guests),
        *room_docs(session, touched.rooms),
        *reservation_docs(session, touched.reservations),
        *review_docs(session, touched.reviews),
    ]

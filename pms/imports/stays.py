"""Importing stays from another PMS: stays to come, stays in house today and stays of the past.

A stay to come is booked through `book` itself, so the same inventory rules, restrictions and
prices hold: a file that would oversell a night is refused at the rows at fault (a manager may
pass `--allow-overbook`), and a `total` in the file must be what the rate sheet quotes. A stay
in house on the import date arrives checked in, in its room, with its guest folio open; a stay
wholly past is on record as checked out (both in bulk: `pms.imports.history`), its revenue in
the statistics of its days and its nights on a closed folio flagged imported, settled and
invoiced in the previous system (not with one of our invoice numbers). The nights before the
import date of a stay in house are charged at its check-out: the guest owes them.

A row's guest is the profile with its e-mail or phone (on file, or made by an earlier row);
the others are made in one batch. The other system's confirmation number is kept
(`external_ref`, unique per property), so a stay imported before is skipped: importing the same
file again writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Property, Reservation, ReservationStatus, RoomNight
from pms.guests.duplicates import KnownGuests, contact_keys, known_guests
from pms.imports.guests import insert_profiles, profile_of
from pms.imports.history import House, LivedStay, import_lived_stays, load_house, room_for
from pms.imports.problems import ImportReport, RowProblem, problem_of
from pms.imports.rows import ReservationRow
from pms.inventory.nights import stay_nights
from pms.kernel.errors import InvalidInput, PmsError, RoomUnavailable
from pms.kernel.money import to_minor
from pms.reservations.booking import BookingRequest, book

#: Stays the file may hold that are not imported: they take no room and bring no revenue.
NOT_IMPORTED = frozenset({ReservationStatus.CANCELLED, ReservationStatus.NO_SHOW})


def import_stays(
    session: Session,
    prop: Property,
    rows: list[tuple[int, ReservationRow]],
    allow_overbook: bool,
    report: ImportReport,
    problems: list[RowProblem],
    progress: Callable[[int], None],
) -> None:
    """Write every stay of the rows; a row refused is a problem at its line."""
    fresh = _not_imported_yet(session, prop, rows, report, problems)
    lived: list[LivedStay] = []
    coming: list[tuple[int, ReservationRow, int, ReservationStatus]] = []
    for (line, row), guest_id in zip(fresh, _guests_for(session, fresh), strict=True):
        try:
            phase = _phase(row, prop.business_date)
        except InvalidInput as error:
            problems.append(problem_of(line, error))
            continue
        if phase in (ReservationStatus.CONFIRMED, ReservationStatus.TENTATIVE):
            coming.append((line, row, guest_id, phase))
        else:
            lived.append(LivedStay(line, row, guest_id, phase))
    if not fresh:
        return
    house = load_house(session, prop, [row for _, row in fresh])
    report.created += import_lived_stays(session, prop, house, lived, allow_overbook, problems)
    progress(len(rows) - len(coming))
    rooms: list[tuple[str, int, list[dt.date]]] = []
    for done, (line, row, guest_id, status) in enumerate(coming, len(rows) - len(coming) + 1):
        try:
            rooms += _book(session, prop, house, row, guest_id, status, allow_overbook)
        except PmsError as error:
            column = "" if isinstance(error, InvalidInput) else "room_type"  # sold out
            problems.append(problem_of(line, error, column))
        else:
            report.created += 1
        progress(done)
    if not problems:
        _give_rooms(session, rooms)


def _not_imported_yet(
    session: Session,
    prop: Property,
    rows: list[tuple[int, ReservationRow]],
    report: ImportReport,
    problems: list[RowProblem],
) -> list[tuple[int, ReservationRow]]:
    """The rows to write: not imported before, not cancelled, each stay once in the file."""
    imported = set(
        session.scalars(
            select(Reservation.external_ref).where(
                Reservation.property_id == prop.id, Reservation.external_ref.is_not(None)
            )
        )
    )
    first_line: dict[str, int] = {}
    fresh = []
    for line, row in rows:
        if row.external_ref in first_line:
            earlier = f"line {first_line[row.external_ref]}"
            problems.append(RowProblem(line, "external_ref", f"the same stay as {earlier}"))
            continue
        first_line[row.external_ref] = line
        if row.external_ref in imported or row.status in NOT_IMPORTED:
            report.skipped += 1
        else:
            fresh.append((line, row))
    return fresh


def _guests_for(session: Session, rows: list[tuple[int, ReservationRow]]) -> list[int]:
    """Each row's guest: the profile with its e-mail or phone, else one made for it (the
    rows of one new guest share the profile their first row makes)."""
    on_file = known_guests(session)
    in_file = KnownGuests()
    new: list[dict[str, Any]] = []
    chosen: list[tuple[str, int]] = []  # ("on file", guest id) or ("new", index in `new`)
    for _, row in rows:
        keys = contact_keys(row.email, row.phone)
        if found := on_file.find(keys):
            chosen.append(("on file", found[0]))
        elif earlier := in_file.find(keys):
            chosen.append(("new", earlier[0]))
        else:
            in_file.add(len(new), keys)
            chosen.append(("new", len(new)))
            new.append(profile_of(row))
    made = insert_profiles(session, new)
    return [ref if kind == "on file" else made[ref] for kind, ref in chosen]


def _phase(row: ReservationRow, today: dt.date) -> ReservationStatus:
    """Where the stay is on the import date: to come, in house, or past."""
    said = row.status
    if row.departure < today or (row.departure == today and said != "checked_in"):
        return ReservationStatus.CHECKED_OUT
    if row.arrival < today or said == "checked_in":
        if row.arrival > today:
            raise InvalidInput("status", f"a stay arriving {row.arrival} cannot be in house yet")
        return ReservationStatus.CHECKED_IN
    if said == "checked_out":
        raise InvalidInput("status", f"a stay departing {row.departure} has not ended yet")
    return ReservationStatus(said or "confirmed")


def _book(
    session: Session,
    prop: Property,
    house: House,
    row: ReservationRow,
    guest_id: int,
    status: ReservationStatus,
    allow_overbook: bool,
) -> list[tuple[str, int, list[dt.date]]]:
    """A stay to come, booked as the desk books it; the room the file names is checked first
    (of the type, free on the nights) and returned to be given with the others."""
    nights = stay_nights(row.arrival, row.departure)
    room_type = house.types.get(row.room_type)
    room = room_for(house, row.room, room_type, nights) if row.room and room_type else None
    request = BookingRequest(
        arrival=row.arrival, departure=row.departure, room_type=row.room_type,
        guest=guest_id, adults=row.adults, children=row.children, rate_plan=row.rate_plan,
        property_code=prop.code, tentative=status == ReservationStatus.TENTATIVE,
        source=row.source, overbook=allow_overbook, external_ref=row.external_ref,
        company=row.company,
        expected_total=to_minor(row.total, prop.currency, field="total")
        if row.total is not None else None,
    )  # fmt: skip
    try:
        booked = book(session, request)  # refuses before it writes, or undoes what it sold
    except PmsError:
        if room is not None:  # the room stays free for the rows after this one
            house.taken.difference_update((room.id, night) for night in nights)
        raise
    return [(booked.confirmation, room.id, nights)] if room else []


def _give_rooms(session: Session, rooms: list[tuple[str, int, list[dt.date]]]) -> None:
    """The rooms of the stays to come, under UNIQUE(room_id, night), in one statement."""
    if not rooms:
        return
    confirmations = [confirmation for confirmation, _, _ in rooms]
    ids: dict[str, int] = {}
    for start in range(0, len(confirmations), 1000):
        found = session.execute(
            select(Reservation.confirmation, Reservation.id).where(
                Reservation.confirmation.in_(confirmations[start : start + 1000])
            )
        )
        ids.update((confirmation, reservation_id) for confirmation, reservation_id in found)
    room_nights = [
        {"room_id": room_id, "reservation_id": ids[confirmation], "night": night}
        for confirmation, room_id, nights in rooms
        for night in nights
    ]
    try:
        with session.begin_nested():
            session.execute(insert(RoomNight), room_nights)
    except IntegrityError as exc:
        raise RoomUnavailable(
            "a room of the file was given to another stay at another desk meanwhile — "
            "import the file again"
        ) from exc

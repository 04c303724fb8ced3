"""Importing stays from another PMS: stays to come, stays in house today and stays of the past.

A stay to come is booked through `book` itself, so the same inventory rules, restrictions and
prices hold: a file that would oversell a night is refused at the rows at fault (a manager may
pass `--allow-overbook`), and a `total` in the file must be what the rate sheet quotes. A stay
in house on the import date arrives checked in, in its room, with its guest folio open; a stay
wholly past is on record as checked out. Their nights are prices the guest already accepted:
the file's `total` spread over the nights (else the rate sheet's), and the nights they take
are sold in the inventory as they were (past nights beyond the limit are history, not refused;
nights from the business date on keep the rules). Postings of nights before the import date
stay with the previous system's folios.

The other system's confirmation number is kept (`external_ref`, unique per property), so a
stay imported before is skipped: importing the same file again writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Guest, Property, Reservation, ReservationStatus, RoomType
from pms.billing.folios import guest_folio
from pms.guests.contact import full_name
from pms.guests.duplicates import KnownGuests, contact_keys, known_guests
from pms.hotel.properties import resolve_room_type
from pms.housekeeping.room_status import find_room
from pms.imports.problems import ImportReport, RowProblem, problem_of
from pms.imports.rows import ReservationRow
from pms.inventory.nights import stay_nights, take
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, PmsError, RoomUnavailable
from pms.kernel.money import exact_minor
from pms.rates.plans import resolve_plan
from pms.rates.pricing import NightQuote, Party
from pms.rates.ratesheet import RateSheet
from pms.reservations.booking import BookingRequest, book, new_confirmation
from pms.reservations.selling import priced, sell_nights, store_prices
from pms.stays.reservation_views import snapshot
from pms.stays.rooms import free_rooms, give_room, room_conflict
from pms.stays.stay_rules import check_party

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
    imported = set(
        session.scalars(
            select(Reservation.external_ref).where(
                Reservation.property_id == prop.id, Reservation.external_ref.is_not(None)
            )
        )
    )
    in_file: dict[str, int] = {}
    guests = known_guests(session)
    for done, (line, row) in enumerate(rows, 1):
        progress(done)
        if row.external_ref in in_file:
            earlier = f"line {in_file[row.external_ref]}"
            problems.append(RowProblem(line, "external_ref", f"the same stay as {earlier}"))
            continue
        in_file[row.external_ref] = line
        if row.external_ref in imported or row.status in NOT_IMPORTED:
            report.skipped += 1
            continue
        try:
            with session.begin_nested():
                _import_stay(session, prop, row, _guest_for(session, row, guests), allow_overbook)
        except PmsError as error:
            problems.append(problem_of(line, error, _column_of(error)))
            continue
        report.created += 1


def _column_of(error: PmsError) -> str:
    """The column a refusal without a field is about (sold out: the room type)."""
    return "" if isinstance(error, InvalidInput) else "room_type"


def _guest_for(session: Session, row: ReservationRow, guests: KnownGuests) -> int:
    """The profile on file with the row's e-mail or phone, else a new one."""
    keys = contact_keys(row.email, row.phone)
    if found := guests.find(keys):
        return found[0]
    guest = Guest(
        first_name=row.first_name, last_name=row.last_name, email=row.email, phone=row.phone,
        country=row.country, company=row.company, city=row.city, vip_level=row.vip_level,
        notes=row.notes,
    )  # fmt: skip
    session.add(guest)
    session.flush()
    name = full_name(row.first_name, row.last_name)
    record(session, "create", "guest", guest.id, after={"name": name, "source": "import"})
    guests.add(guest.id, keys)
    return guest.id


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


def _import_stay(
    session: Session, prop: Property, row: ReservationRow, guest_id: int, allow_overbook: bool
) -> None:
    phase = _phase(row, prop.business_date)
    if phase in (ReservationStatus.CONFIRMED, ReservationStatus.TENTATIVE):
        _book(session, prop, row, guest_id, phase, allow_overbook)
    else:
        _on_record(session, prop, row, guest_id, phase, allow_overbook)


def _book(
    session: Session,
    prop: Property,
    row: ReservationRow,
    guest_id: int,
    status: ReservationStatus,
    allow_overbook: bool,
) -> None:
    """A stay to come, booked as the desk books it (and given the room the file names)."""
    booked = book(
        session,
        BookingRequest(
            arrival=row.arrival, departure=row.departure, room_type=row.room_type,
            guest=guest_id, adults=row.adults, children=row.children, rate_plan=row.rate_plan,
            property_code=prop.code, tentative=status == ReservationStatus.TENTATIVE,
            source=row.source, overbook=allow_overbook, external_ref=row.external_ref,
            expected_total=exact_minor(row.total, prop.currency, field="total")
            if row.total is not None else None,
        ),
    )  # fmt: skip
    if row.room:
        reservation = session.scalars(
            select(Reservation).where(Reservation.confirmation == booked.confirmation)
        ).one()
        nights = stay_nights(reservation.arrival, reservation.departure)
        _give_room(session, prop, reservation, row.room, nights)


def _quotes(
    session: Session, prop: Property, row: ReservationRow, room_type: RoomType
) -> list[NightQuote]:
    """The nights as the guest accepted them: the file's total spread evenly (the cents left
    over on the first nights), else the rate sheet's prices."""
    nights = stay_nights(row.arrival, row.departure)
    if row.total is None:
        plan = resolve_plan(session, prop, row.rate_plan)
        sheet = RateSheet.load(session, prop, row.arrival, row.departure)
        return priced(sheet, plan, room_type, nights, Party(row.adults, row.children))
    total = exact_minor(row.total, prop.currency, field="total")
    share, left = divmod(total, len(nights))
    return [
        NightQuote(night=night, room=share + (1 if i < left else 0), taxes=())
        for i, night in enumerate(nights)
    ]


def _on_record(
    session: Session,
    prop: Property,
    row: ReservationRow,
    guest_id: int,
    status: ReservationStatus,
    allow_overbook: bool,
) -> None:
    """A stay in house or past, written as the other system had it."""
    room_type = resolve_room_type(session, prop, row.room_type)
    check_party(room_type, row.adults, row.children)
    plan = resolve_plan(session, prop, row.rate_plan)
    nights = stay_nights(row.arrival, row.departure)
    today = prop.business_date
    past = [night for night in nights if night < today]
    if past:
        take(session, room_type, past, overbook=True)  # what was sold then is a fact
    coming = [night for night in nights if night >= today]
    overbooked = bool(coming) and sell_nights(session, room_type, coming, allow_overbook)
    moment = dt.datetime.combine(row.arrival, dt.time(prop.check_in_hour), dt.UTC)
    reservation = Reservation(
        property_id=prop.id, confirmation=new_confirmation(), guest_id=guest_id,
        room_type_id=room_type.id, rate_plan_id=plan.id, arrival=row.arrival,
        departure=row.departure, adults=row.adults, children=row.children, status=status,
        source=row.source, overbooked=overbooked, external_ref=row.external_ref,
        checked_in_at=moment,
        checked_out_at=dt.datetime.combine(row.departure, dt.time(prop.check_out_hour), dt.UTC)
        if status == ReservationStatus.CHECKED_OUT else None,
    )  # fmt: skip
    store_prices(reservation, _quotes(session, prop, row, room_type))
    session.add(reservation)
    session.flush()
    if row.room or status == ReservationStatus.CHECKED_IN:
        _give_room(session, prop, reservation, row.room, nights)
    if status == ReservationStatus.CHECKED_IN:
        guest_folio(session, reservation)
    record(session, "import", "reservation", reservation.id, after=snapshot(reservation))


def _give_room(
    session: Session, prop: Property, reservation: Reservation, number: str, nights: list[dt.date]
) -> None:
    """The room the other system gave the stay, else (a stay in house) a free one of its type."""
    if not number:
        free = free_rooms(session, reservation.confirmation)
        if not free:
            raise RoomUnavailable(f"no {reservation.room_type.code} room is free for the stay")
        number = free[0].number
    room = find_room(session, prop.id, number)
    if room.room_type_id != reservation.room_type_id:
        kind = reservation.room_type.code
        raise InvalidInput("room", f"room {room.number} is not a {kind} room")
    if conflict := room_conflict(session, room, reservation, nights):
        raise InvalidInput("room", conflict)
    give_room(session, reservation, room, nights)

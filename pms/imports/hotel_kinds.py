"""Importing the house and its prices: room types, rooms, rate plans and the rate sheet.

Each row goes through the service a manager's command calls (the same ones `hotel.toml` is
built with), in a savepoint of the import's one transaction: a row refused is noted at its line
and the next rows still run, so one pass reports every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from db.models import Property
from pms.imports.problems import ImportReport, RowProblem, problem_of
from pms.imports.rows import RatePlanRow, RateRow, RoomRow, RoomTypeRow
from pms.kernel.errors import NotFound, PmsError
from pms.kernel.money import to_minor
from pms.rates.sheet_edits import RestrictionChange, restrict, set_rates
from pms.setup.hotel_build import build_rate_plan, build_room_type
from pms.setup.rooms_admin import add_rooms

#: The column a service's field is written under in a file, where the two differ.
_COLUMNS = {"numbers": "number", "type": "room_type", "plan": "plan", "code": "code"}


def _room_type(session: Session, prop: Property, row: RoomTypeRow) -> None:
    build_room_type(session, prop.code, prop.currency, row)


def _room(session: Session, prop: Property, row: RoomRow) -> None:
    add_rooms(session, prop.code, row.number, row.room_type, floor=row.floor,
              features=row.features or None)  # fmt: skip


def _rate_plan(session: Session, prop: Property, row: RatePlanRow) -> None:
    build_rate_plan(session, prop.code, prop.currency, row)


def _rate(session: Session, prop: Property, row: RateRow) -> None:
    first, last = row.nights
    days = row.days or None
    if row.price is not None:
        price = to_minor(row.price, prop.currency, field="price")
        set_rates(session, prop.code, row.plan, row.room_type, first, last, price, days)
    change = RestrictionChange(
        min_los=row.min_los, max_los=row.max_los, closed_to_arrival=row.closed_to_arrival,
        closed_to_departure=row.closed_to_departure, stop_sell=row.stop_sell,
    )  # fmt: skip
    if any(value is not None for value in vars(change).values()):
        restrict(session, prop.code, row.plan, row.room_type, first, last, change, days)


#: The service that writes one row of each of these kinds.
WRITERS: dict[str, Callable[[Session, Property, Any], None]] = {
    "room-types": _room_type,
    "rooms": _room,
    "rate-plans": _rate_plan,
    "rates": _rate,
}


def write_rows(
    session: Session,
    prop: Property,
    kind: str,
    rows: Sequence[tuple[int, BaseModel]],
    report: ImportReport,
    problems: list[RowProblem],
    progress: Callable[[int], None],
) -> None:
    """Write each row through its service, each in a savepoint; note every refusal."""
    writer = WRITERS[kind]
    for done, (line, row) in enumerate(rows, 1):
        try:
            with session.begin_nested():
                writer(session, prop, row)
        except NotFound as error:
            problems.append(RowProblem(line, _missing_column(kind, error), str(error)))
        except PmsError as error:
            problem = problem_of(line, error)
            problems.append(RowProblem(line, _COLUMNS.get(problem.field, problem.field),
                                       problem.reason))  # fmt: skip
        else:
            report.created += 1
        progress(done)


def _missing_column(kind: str, error: NotFound) -> str:
    """The column naming what a row refers to and is not there: a room type, or a plan (a
    rate's, or a derived plan's parent)."""
    if "room type" in str(error):
        return "room_type"
    return {"rate-plans": "parent", "rates": "plan"}.get(kind, "code")

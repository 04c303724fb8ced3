"""Hot-path statements run straight on the SQLite driver store and return exactly what
SQLAlchemy's own path does, and fail with SQLAlchemy's exceptions (see `db.prepared`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import String, bindparam, cast, event, insert, select
from sqlalchemy.exc import IntegrityError

from db.models import AuditLog, Guest, Inventory, RoomType
from db.prepared import Prepared
from pms.kernel.desk import Desk, connection_of

_AUDIT = Prepared(insert(AuditLog))
_NIGHTS = Prepared(
    select(Inventory.night, Inventory.sold).where(Inventory.capacity >= bindparam("least"))
)
_OPEN = Prepared(insert(Inventory))


def _both_ways(desk: Desk, work: Any) -> tuple[Any, Any]:
    """`work` once on the driver, once through SQLAlchemy (a cursor listener forces that)."""
    direct = desk.run(work)

    def _watch(*_: Any) -> None:
        pass

    event.listen(desk.engine, "before_cursor_execute", _watch)
    try:
        through_sqlalchemy = desk.run(work)
    finally:
        event.remove(desk.engine, "before_cursor_execute", _watch)
    return direct, through_sqlalchemy


def test_rows_written_and_read_on_the_driver_match_sqlalchemys(hotel: Desk) -> None:
    def _work(session: Any) -> Any:
        connection = connection_of(session)
        type_id = session.scalar(select(RoomType.id).where(RoomType.code == "SUI"))
        night = dt.date(2027, 1, 1) + dt.timedelta(
            days=len(session.scalars(select(Inventory.night)).all())
        )
        _OPEN.execute_many(
            connection, [{"room_type_id": type_id, "night": night, "capacity": 9, "sold": 1}]
        )
        _AUDIT.execute(
            connection,
            {"username": "ana", "action": "create", "entity": "x", "entity_id": 1,
             "before": None, "after": {"night": night.isoformat(), "ok": True}},
        )  # fmt: skip
        audit = session.execute(
            select(AuditLog.before, AuditLog.after).order_by(AuditLog.id.desc()).limit(1)
        ).one()
        return _NIGHTS.execute(connection, {"least": 9}), tuple(audit)

    (direct_nights, direct_audit), (orm_nights, orm_audit) = _both_ways(hotel, _work)
    assert direct_nights == [(dt.date(2027, 1, 1), 1)]
    assert orm_nights == [(dt.date(2027, 1, 1), 1), (dt.date(2027, 1, 2), 1)]
    assert isinstance(direct_nights[0][0], dt.date)
    assert direct_audit == (None, {"night": "2027-01-01", "ok": True})
    assert orm_audit == (None, {"night": "2027-01-02", "ok": True})


def test_a_constraint_broken_on_the_driver_raises_sqlalchemys_error(hotel: Desk) -> None:
    def _twice(session: Any) -> None:
        type_id = session.scalar(select(RoomType.id).where(RoomType.code == "DBL"))
        row = {"room_type_id": type_id, "night": dt.date(2027, 2, 1), "capacity": 3, "sold": 0}
        _OPEN.execute(connection_of(session), row)
        _OPEN.execute(connection_of(session), row)

    with pytest.raises(IntegrityError, match=r"UNIQUE|duplicate"):
        hotel.run(_twice)


_GUEST = Prepared(insert(Guest).returning(Guest.id))


def test_times_written_on_the_driver_are_stored_as_sqlalchemy_stores_them(hotel: Desk) -> None:
    """A guest's profile made at a desk whose clock has an offset, and one from an old import:
    the stored text is the same on both paths (`db.prepared` writes dates and times itself)."""
    made = [
        dt.datetime(2026, 12, 7, 9, 30, 0, 250, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        dt.datetime(999, 1, 2, 3, 4, 5),
    ]

    def _work(session: Any) -> Any:
        guest = {"first_name": "Ana", "last_name": "Lima", "email": "", "phone": ""}
        ids = [
            _GUEST.execute(connection_of(session), guest | {"created_at": at})[0][0] for at in made
        ]
        stored = select(cast(Guest.created_at, String)).where(Guest.id.in_(ids))
        return session.scalars(stored.order_by(Guest.id)).all()

    direct, through_sqlalchemy = _both_ways(hotel, _work)
    assert direct == through_sqlalchemy

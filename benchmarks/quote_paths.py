"""The paths `quote.py` measures besides the quote itself: its database half through the ORM,
and the statements it sent replayed on a Core connection and on the bare driver.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from common import Statement, connect_sqlite
from quote_hotel import PROPERTY, Target
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import RatePlan
from pms.hotel.properties import resolve_property
from pms.rates.ratesheet import RateSheet
from pms.reservations.quotes import QuoteRequest, _room_features
from pms.stays.stay_rules import resolve_stay

# ---------------------------------------------------------------------------------------------
# The four measured paths


def quote_request(arrival: dt.date, nights: int) -> QuoteRequest:
    """The question the benchmark asks: every combination, closed ones included."""
    return QuoteRequest(
        arrival=arrival, nights=nights, adults=2, property_code=PROPERTY, include_closed=True
    )


def load_only(session: Session, request: QuoteRequest) -> int:
    """The database half of `quote`: the same reads in the same order, and no pricing."""
    prop = resolve_property(session, request.property_code)
    arrival, departure = resolve_stay(
        session, prop, request.arrival, request.departure, request.nights
    )
    sheet = RateSheet.load(session, prop, arrival, departure)
    plans = list(
        session.scalars(
            select(RatePlan).where(RatePlan.property_id == prop.id).order_by(RatePlan.code)
        )
    )
    features = _room_features(session, prop)
    prop.room_types  # noqa: B018 — the quote loads them here too
    return len(sheet.rates) + len(plans) + len(features)


class RawReplay:
    """Runs captured statements on the bare driver: one transaction, every row fetched."""

    def __init__(self, target: Target) -> None:
        self.backend = target.backend
        self.conn: Any
        if target.backend == "sqlite":
            self.conn = connect_sqlite(target.dbapi)
        else:
            self.conn = psycopg.connect(target.dbapi)

    def run(self, statements: list[Statement]) -> int:
        """Replay; returns the rows fetched."""
        rows = 0
        cur = self.conn.cursor()
        for sql, params in statements:
            cur.execute(sql, params)
            if cur.description:
                rows += len(cur.fetchall())
        self.conn.commit()
        cur.close()
        return rows

    def close(self) -> None:
        self.conn.close()


def core_replay(engine: Engine, statements: list[Statement]) -> int:
    """Replay on a SQLAlchemy Core Connection of the desk's read-only engine (pool, the
    engine's own BEGIN, commit)."""
    rows = 0
    with engine.connect() as conn, conn.begin():
        for sql, params in statements:
            if is_begin(sql):  # the engine's begin event sends its own
                continue
            result = conn.exec_driver_sql(sql, params)
            if result.returns_rows:
                rows += len(result.fetchall())
    return rows


def is_begin(sql: str) -> bool:
    return sql.strip().upper().startswith("BEGIN")

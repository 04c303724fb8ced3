"""The raw baseline's desks: `book` run through the DBAPI driver (sqlite3 or psycopg 3), one
transaction per booking, with the retry rule of `Desk.run`.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
from booking_hotel import CLERK, PROPERTY, Stay, Target
from booking_raw_sql import RawStatements
from common import connect_sqlite
from psycopg.types.json import Json
from sqlalchemy import JSON

from pms.hotel.properties import BASE_PLAN
from pms.inventory.nights import stay_nights
from pms.kernel.desk import MAX_ATTEMPTS
from pms.kernel.errors import Restricted, SoldOut
from pms.rates.pricing import (
    DynamicRule,
    NightQuote,
    Occupancy,
    Party,
    PlanTerms,
    TaxRule,
    price_night,
)
from pms.reservations.booking import new_confirmation


@dataclass
class Sheet:
    """What RateSheet.load reads, as plain dictionaries."""

    type_ids: list[int]
    rates: dict[tuple[int, int, dt.date], tuple[Any, ...]]
    defaults: dict[tuple[int, int], int]
    inventory: dict[tuple[int, dt.date], tuple[int, int]]
    capacity: dict[int, int]
    taxes: list[TaxRule]
    rules: dict[int | None, list[DynamicRule]]


class RawDesk:
    """A desk without SQLAlchemy: one DBAPI connection, one transaction per booking."""

    def __init__(self, dialect: str) -> None:
        self.sql = RawStatements(dialect, self.convert)
        self.log: list[str] | None = None  # when a list, every statement text is appended
        self.rollbacks = 0

    # -- driver specifics ------------------------------------------------------------------
    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...

    def retryable(self, exc: Exception) -> bool:
        raise NotImplementedError

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def many(self, sql: str, params: list[list[Any]]) -> None:
        raise NotImplementedError

    def date(self, value: dt.date) -> Any:
        return value

    def parse_date(self, value: Any) -> dt.date:
        return value  # type: ignore[no-any-return]

    def stamp(self, value: dt.datetime) -> Any:
        return value

    def json(self, value: Any) -> Any:
        return Json(value)

    def convert(self, column: Any, value: Any) -> Any:
        """A model default as this driver takes it (only for columns the booking leaves out)."""
        if isinstance(column.type, JSON):
            return self.json(value)
        return value

    # -- the booking ------------------------------------------------------------------------
    def book(self, stay: Stay) -> str:
        """Book with the retry rule of `Desk.run`: transient conflicts run it again."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.begin()
            try:
                confirmation = self._book(stay)
                self.commit()
                return confirmation
            except Exception as exc:
                self.rollback()
                self.rollbacks += 1
                if not self.retryable(exc) or attempt == MAX_ATTEMPTS:
                    raise
            time.sleep(0.005 * attempt)
        raise AssertionError("unreachable")

    def _one(self, sql: str, params: Sequence[Any]) -> tuple[Any, ...]:
        found = self.rows(sql, params)
        if not found:
            raise LookupError(f"the benchmark hotel lacks a row for {sql[:60]}…")
        return found[0]

    def _record(self, entity: str, entity_id: int, after: dict[str, Any]) -> None:
        """pms.kernel.audit.record: one audit row (a trigger adds its change-log row)."""
        audit = {
            "username": CLERK.username, "action": "create", "entity": entity,
            "entity_id": entity_id, "before": self.json(None), "after": self.json(after),
        }  # fmt: skip
        self.rows(self.sql.audit.sql, self.sql.audit.params(audit))

    def _book(self, stay: Stay) -> str:
        sql, at = self.sql, self.sql.at
        first, _, last = stay.guest_name.rpartition(" ")
        email = stay.guest_email.lower()
        sale = self._one(
            sql.sale,
            (stay.key, email, last, PROPERTY, stay.room_type, BASE_PLAN, *sql.limit_one),
        )
        if sale[-1] is not None:  # an earlier request with this key booked it
            return str(sale[-1])
        prop, room_type, plan, guest = self._split(sale[:-1], sql.sale_models)
        prop_id = prop[at["properties"]["id"]]
        room_type_id = room_type[at["room_types"]["id"]]
        plan_id = plan[at["rate_plans"]["id"]]
        assert plan[at["rate_plans"]["parent_id"]] is None, "the benchmark books its base plan"

        if guest[0] is not None:  # a returning guest
            guest_id, member = guest[0], bool(guest[at["guests"]["loyalty_number"]])
        else:
            known = {
                "first_name": first, "last_name": last, "email": email, "phone": "",
                "created_at": self.stamp(dt.datetime.now(dt.UTC)),
            }  # fmt: skip
            guest_id = self._one(sql.new_guest.sql, sql.new_guest.params(known))[0]
            member = False
            self._record("guest", guest_id, {"name": f"{last}, {first}"})

        nights = stay_nights(stay.arrival, stay.departure)
        first_night, last_night = self.date(nights[0]), self.date(stay.departure)
        sheet = self._sheet(prop_id, room_type_id, first_night, last_night)
        if reason := self._why_closed(prop, plan, room_type_id, stay, nights, sheet, member):
            raise Restricted(reason)
        quotes = self._price(prop, plan, room_type, nights, stay, sheet)

        overbooked = self._take(stay, room_type_id, nights)

        now = self.stamp(dt.datetime.now(dt.UTC))
        confirmation = new_confirmation()  # the same pure function as `book`
        known = {
            "property_id": prop_id, "confirmation": confirmation, "idempotency_key": stay.key,
            "external_ref": None, "guest_id": guest_id, "room_type_id": room_type_id,
            "rate_plan_id": plan_id,
            "arrival": self.date(stay.arrival), "departure": self.date(stay.departure),
            "adults": stay.adults, "children": stay.children, "status": "confirmed",
            "source": "desk", "company": None, "overbooked": overbooked, "created_at": now,
            "updated_at": now,
            "version": 1,
        }  # fmt: skip
        reservation_id = self._one(sql.reservation.sql, sql.reservation.params(known))[0]
        self.many(
            sql.night.sql,
            [sql.night.params({"reservation_id": reservation_id, "night": self.date(q.night),
                               "price": q.room}) for q in quotes],
        )  # fmt: skip
        lines = [
            sql.tax_line.params({"reservation_id": reservation_id, "night": self.date(q.night),
                                 "code": t.code, "amount": t.amount, "included": t.included})
            for q in quotes
            for t in q.taxes
        ]  # fmt: skip
        if lines:
            self.many(sql.tax_line.sql, lines)
        snapshot = {
            "status": "confirmed", "arrival": stay.arrival.isoformat(),
            "departure": stay.departure.isoformat(), "room_type_id": room_type_id,
            "adults": stay.adults, "children": stay.children,
            "total": sum(q.room for q in quotes)
            + sum(t.amount for q in quotes for t in q.taxes if not t.included),
        }  # fmt: skip
        self._record("reservation", reservation_id, snapshot)
        return confirmation

    @staticmethod
    def _split(row: tuple[Any, ...], models: Sequence[type[Any]]) -> list[tuple[Any, ...]]:
        """A joined row cut back into the whole row of each table."""
        parts, start = [], 0
        for model in models:
            width = len(model.__table__.columns)
            parts.append(tuple(row[start : start + width]))
            start += width
        return parts

    def _take(self, stay: Stay, room_type_id: int, nights: list[dt.date]) -> bool:
        """pms.inventory.nights.take: the guarded update; nights it missed are opened, then the
        update runs again on all of them. True when a night sold past capacity (overbooked)."""
        sql = self.sql
        params = (1, room_type_id, self.date(nights[0]), self.date(nights[-1]), 1)
        taken = {
            self.parse_date(row[0]): bool(row[1])
            for row in self.rows(sql.take.format(also=""), params)
        }
        if len(taken) != len(nights):
            missed = [n for n in nights if n not in taken]
            self._open(room_type_id, missed)
            also = sql.take_opened.format(nights=sql.marks(len(missed)))
            more = self.rows(sql.take.format(also=also),
                             (*params, *(self.date(n) for n in missed)))  # fmt: skip
            taken |= {self.parse_date(row[0]): bool(row[1]) for row in more}
        if len(taken) != len(nights):
            if taken:
                sold = sorted(taken)
                self.rows(sql.release.format(nights=sql.marks(len(sold))),
                          (1, room_type_id, *(self.date(n) for n in sold)))  # fmt: skip
            raise SoldOut(stay.room_type, min(set(nights) - set(taken)))
        return any(taken.values())

    def _sheet(self, prop_id: int, room_type_id: int, first: Any, last: Any) -> Sheet:
        """RateSheet.load: six queries over the stay, prices of the room type booked only."""
        sql, at = self.sql, self.sql.at
        capacity = dict(self.rows(sql.room_types, (prop_id,)))
        r = at["rates"]
        rates = {
            (row[r["rate_plan_id"]], row[r["room_type_id"]], self.parse_date(row[r["night"]])): row
            for row in self.rows(sql.rates, (prop_id, prop_id, first, last, room_type_id))
        }
        defaults = {(plan, kind): amount for plan, kind, amount in
                    self.rows(sql.defaults, (prop_id, room_type_id))}  # fmt: skip
        inventory = {
            (kind, self.parse_date(night)): (capacity, sold)
            for kind, night, capacity, sold in self.rows(sql.inventory, (prop_id, first, last))
        }
        taxes = [
            TaxRule(code, name, percent_bp, per_person, bool(children_exempt))
            for code, name, percent_bp, per_person, children_exempt in self.rows(
                sql.taxes, (prop_id,)
            )
        ]
        rules: dict[int | None, list[DynamicRule]] = {}
        for type_id, threshold, adjust, floor, ceiling in self.rows(sql.pricing_rules, (prop_id,)):
            rules.setdefault(type_id, []).append(DynamicRule(threshold, adjust, floor, ceiling))
        return Sheet(list(capacity), rates, defaults, inventory, capacity, taxes, rules)

    def _why_closed(
        self,
        prop: tuple[Any, ...],
        plan: tuple[Any, ...],
        room_type_id: int,
        stay: Stay,
        nights: list[dt.date],
        sheet: Sheet,
        member: bool,
    ) -> str:
        """RateSheet.why_closed for a base plan: sale window, advance, members, restrictions."""
        rp, r = self.sql.at["rate_plans"], self.sql.at["rates"]
        today = self.parse_date(prop[self.sql.at["properties"]["business_date"]])
        sell_from, sell_until = plan[rp["sell_from"]], plan[rp["sell_until"]]
        if sell_from and today < self.parse_date(sell_from):
            return "not on sale yet"
        if sell_until and today > self.parse_date(sell_until):
            return "no longer on sale"
        ahead = (stay.arrival - today).days
        least, most = plan[rp["min_advance_days"]], plan[rp["max_advance_days"]]
        if (least is not None and ahead < least) or (most is not None and ahead > most):
            return "outside the booking window"
        if plan[rp["members_only"]] and not member:
            return "members only"
        plan_id = plan[rp["id"]]
        arrival = sheet.rates.get((plan_id, room_type_id, stay.arrival))
        if arrival is not None and (
            arrival[r["closed_to_arrival"]]
            or (arrival[r["min_los"]] and len(nights) < arrival[r["min_los"]])
            or (arrival[r["max_los"]] and len(nights) > arrival[r["max_los"]])
        ):
            return "closed to arrival or length of stay"
        for night in nights:
            row = sheet.rates.get((plan_id, room_type_id, night))
            if row is not None and row[r["stop_sell"]]:
                return "stop-sell"
        departure = sheet.rates.get((plan_id, room_type_id, stay.departure))
        if departure is not None and departure[r["closed_to_departure"]]:
            return "closed to departure"
        return ""

    def _price(
        self,
        prop: tuple[Any, ...],
        plan: tuple[Any, ...],
        room_type: tuple[Any, ...],
        nights: list[dt.date],
        stay: Stay,
        sheet: Sheet,
    ) -> list[NightQuote]:
        """RateSheet.price_stay with the same pure pricing functions (`pms.rates.pricing`)."""
        p, rp, rt, r = (self.sql.at[t] for t in ("properties", "rate_plans", "room_types",
                                                  "rates"))  # fmt: skip
        plan_id, type_id = plan[rp["id"]], room_type[rt["id"]]
        terms = PlanTerms(plan[rp["code"]], plan[rp["derive_percent_bp"]],
                          plan[rp["derive_amount"]], None)  # fmt: skip
        occupancy = Occupancy(
            room_type[rt["base_occupancy"]], room_type[rt["max_occupancy"]],
            room_type[rt["extra_adult"]], room_type[rt["extra_child"]],
        )  # fmt: skip
        type_rules = sheet.rules.get(type_id)
        dynamic = type_rules if type_rules else sheet.rules.get(None, [])
        scope = sheet.type_ids if not type_rules else [type_id]
        quotes = []
        for night in nights:
            rate = sheet.rates.get((plan_id, type_id, night))
            base = rate[r["price"]] if rate is not None and rate[r["price"]] is not None else None
            if base is None:
                base = sheet.defaults[(plan_id, type_id)]
            forecast = Decimal(0)
            if dynamic:
                counts = [sheet.inventory.get((t, night), (sheet.capacity.get(t, 0), 0))
                          for t in scope]  # fmt: skip
                capacity, sold = sum(c for c, _ in counts), sum(s for _, s in counts)
                forecast = Decimal(sold * 100) / capacity if capacity else Decimal(0)
            quotes.append(
                price_night(
                    night, base, terms, occupancy, Party(stay.adults, stay.children),
                    forecast_pct=forecast, dynamic=dynamic, taxes=sheet.taxes,
                    taxes_inclusive=bool(prop[p["taxes_inclusive"]]),
                    rounding_step=prop[p["rate_rounding"]],
                )
            )  # fmt: skip
        return quotes

    def _open(self, room_type_id: int, nights: list[dt.date]) -> list[dt.date]:
        """pms.inventory.nights.open_nights: rows for the nights that have none; returns those."""
        sql = self.sql
        existing = {
            self.parse_date(row[0])
            for row in self.rows(
                sql.open_nights, (room_type_id, self.date(nights[0]), self.date(nights[-1]))
            )
        }
        missing = [n for n in nights if n not in existing]
        if not missing:
            return []
        self.rows(sql.lock_room_type, (room_type_id,))
        retired_on = [
            None if row[0] is None else self.parse_date(row[0])
            for row in self.rows(sql.rooms_in_service, (room_type_id, self.date(missing[0])))
        ]
        rooms = len(retired_on)
        out: Counter[dt.date] = Counter()
        for retired in retired_on:
            if retired is not None:
                out.update(n for n in missing if n >= retired)
        windows = self.rows(
            sql.out_of_order, (room_type_id, self.date(missing[-1]), self.date(missing[0]))
        )
        for start, end, retired in windows:
            start, end = self.parse_date(start), self.parse_date(end)
            retired = None if retired is None else self.parse_date(retired)
            out.update(n for n in missing if start <= n < end and (retired is None or n < retired))
        rows = ", ".join([sql.open_row] * len(missing))
        params = [p for n in missing for p in (room_type_id, self.date(n), rooms - out[n], 0)]
        self.rows(sql.open.format(rows=rows), params)
        return missing


class RawSqlite(RawDesk):
    """sqlite3 set up like `db.engine`: WAL, foreign keys, synchronous=NORMAL, BEGIN IMMEDIATE."""

    def __init__(self, path: str) -> None:
        super().__init__("sqlite")
        self.conn = connect_sqlite(path)

    def _exec(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        if self.log is not None:
            self.log.append(sql)
        return self.conn.execute(sql, params)

    def begin(self) -> None:
        self._exec("BEGIN IMMEDIATE", ())

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    def retryable(self, exc: Exception) -> bool:
        return False  # as Desk.run: BEGIN IMMEDIATE queues writers; a lock timeout is an error

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return self._exec(sql, params).fetchall()

    def many(self, sql: str, params: list[list[Any]]) -> None:
        if self.log is not None:
            self.log.append(sql)
        self.conn.executemany(sql, params)

    def date(self, value: dt.date) -> Any:
        return value.isoformat()

    def parse_date(self, value: Any) -> dt.date:
        return dt.date.fromisoformat(value)

    def stamp(self, value: dt.datetime) -> Any:
        return f"{value:%Y-%m-%d %H:%M:%S.%f}"  # SQLAlchemy's SQLite DateTime format

    def json(self, value: Any) -> Any:
        return json.dumps(value)

    def convert(self, column: Any, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return self.stamp(value)
        if isinstance(value, dt.date):
            return self.date(value)
        return super().convert(column, value)


class RawPostgres(RawDesk):
    """psycopg 3, READ COMMITTED, one connection held by the desk (the DBAPI's own BEGIN)."""

    def __init__(self, dsn: str) -> None:
        super().__init__("postgresql")
        self.conn = psycopg.connect(dsn, autocommit=False)
        self.cur = self.conn.cursor()

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        self.conn.close()

    def retryable(self, exc: Exception) -> bool:
        transient = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)
        return isinstance(exc, transient)

    def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        if self.log is not None:
            self.log.append(sql)
        self.cur.execute(sql, params)
        return self.cur.fetchall() if self.cur.description else []

    def many(self, sql: str, params: list[list[Any]]) -> None:
        if self.log is not None:
            self.log.append(sql)
        self.cur.executemany(sql, params)


def raw_desk(target: Target) -> RawDesk:
    return RawSqlite(target.dbapi) if target.backend == "sqlite" else RawPostgres(target.dbapi)

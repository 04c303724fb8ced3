"""The raw baseline's SQL: the statements `book` sends, spelt for one dialect as SQLAlchemy
spells them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from db.models import (
    AuditLog,
    Guest,
    Inventory,
    PricingRule,
    Property,
    RatePlan,
    Reservation,
    ReservationNight,
    ReservationTax,
    RoomType,
    Tax,
)

# ---------------------------------------------------------------------------------------------
# The raw baseline: the statements `book` sends, through the DBAPI driver
#
# The statements are written out below in the order `book` sends them. Column lists of the rows
# it reads and writes whole (property, room type, rate plan, guest, reservation, audit and
# change-log rows) come from `db.models`, so a new column does not make the baseline stale;
# a new *statement* in the service does, and the probe before the timed runs says so.


def _quote(dialect: str) -> Callable[[str], str]:
    preparer = (sqlite_dialect if dialect == "sqlite" else pg_dialect).dialect().identifier_preparer
    return preparer.quote


def _select_all(model: type[Any], where: str, dialect: str) -> str:
    table = model.__table__
    quote = _quote(dialect)
    columns = ", ".join(f"{table.name}.{quote(c.name)}" for c in table.columns)
    return f"SELECT {columns} FROM {table.name} WHERE {where}"


def _select_columns(model: type[Any], names: Sequence[str], where: str, dialect: str) -> str:
    table = model.__table__
    quote = _quote(dialect)
    columns = ", ".join(f"{table.name}.{quote(n)}" for n in names)
    return f"SELECT {columns} FROM {table.name} WHERE {where}"


def _select_joined(
    models: Sequence[type[Any]], joined: str, where: str, dialect: str, also: str = ""
) -> str:
    """Whole rows of several tables side by side, a repeated column name labelled `name_1` …
    as SQLAlchemy labels it; `also` is one more column after them."""
    quote = _quote(dialect)
    seen: Counter[str] = Counter()
    columns = []
    for model in models:
        for c in model.__table__.columns:
            label = f" AS {quote(f'{c.name}_{seen[c.name]}')}" if seen[c.name] else ""
            columns.append(f"{model.__table__.name}.{quote(c.name)}{label}")
            seen[c.name] += 1
    if also:
        columns.append(also)
    return f"SELECT {', '.join(columns)} FROM {joined} WHERE {where}"


@dataclass
class InsertSpec:
    """An INSERT as SQLAlchemy spells it. The unit of work names every column but the generated
    key and server-only defaults; a Core `insert()` names the columns given and those with a
    Python-side default. Columns the booking does not set get their model default.
    """

    sql: str
    names: list[str]
    fixed: dict[str, Any]
    dynamic: dict[str, Callable[[], Any]]

    def params(self, known: dict[str, Any]) -> list[Any]:
        return [
            known[n] if n in known else self.fixed[n] if n in self.fixed else self.dynamic[n]()
            for n in self.names
        ]


def _insert(
    model: type[Any],
    dialect: str,
    convert: Callable[[Any, Any], Any],
    returning: str = "",
    known: Sequence[str] = (),
    *,
    core: bool = False,
) -> InsertSpec:
    table = model.__table__
    quote = _quote(dialect)
    mark = "?" if dialect == "sqlite" else "%s"
    columns = [
        c
        for c in table.columns
        if not (c.primary_key and c.autoincrement is True)
        and not (c.primary_key and c.autoincrement == "auto" and len(table.primary_key) == 1)
        and not (c.server_default is not None and c.default is None and c.name not in known)
        and not (core and c.default is None and c.name not in known)
    ]
    fixed: dict[str, Any] = {}
    dynamic: dict[str, Callable[[], Any]] = {}
    for c in columns:
        if c.default is None:
            fixed[c.name] = None
        elif c.default.is_scalar:
            fixed[c.name] = convert(c, c.default.arg)
        else:
            make = c.default.arg
            dynamic[c.name] = lambda c=c, make=make: convert(c, make(None))
    sql = (
        f"INSERT INTO {table.name} ({', '.join(quote(c.name) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    return InsertSpec(sql + (f" RETURNING {returning}" if returning else ""),
                      [c.name for c in columns], fixed, dynamic)  # fmt: skip


class RawStatements:
    """The statements of `book`, spelt for one dialect as SQLAlchemy spells them."""

    def __init__(self, dialect: str, convert: Callable[[Any, Any], Any]) -> None:
        lite = dialect == "sqlite"
        self.mark = mark = "?" if lite else "%s"
        true = "1" if lite else "true"  # a boolean as each dialect spells it in SQL

        def returning(table: str, *columns: str) -> str:  # SQLite unqualified, PostgreSQL not
            return ", ".join(c if lite else f"{table}.{c}" for c in columns)

        def columns(model: type[Any]) -> dict[str, int]:  # name → position in a whole row
            return {c.name: i for i, c in enumerate(model.__table__.columns)}

        self.at = {m.__tablename__: columns(m) for m in (Property, RoomType, RatePlan, Guest)}
        # property, room type, rate plan and the returning guest's profile (find_or_create_guest's
        # look-up, NULLs for an address no profile has) in one query (book's _SALE), whole
        # rows side by side
        self.sale_models = (Property, RoomType, RatePlan, Guest)
        # ... and the confirmation an earlier request with the same idempotency key made
        earlier = (
            "(SELECT reservations.confirmation FROM reservations "
            f"WHERE reservations.idempotency_key = {mark}) AS anon_1"
        )
        self.sale = _select_joined(
            self.sale_models,
            "properties JOIN room_types ON room_types.property_id = properties.id "
            "JOIN rate_plans ON rate_plans.property_id = properties.id "
            f"LEFT OUTER JOIN guests ON guests.email = {mark} AND guests.last_name = {mark} "
            "AND guests.merged_into_id IS NULL AND guests.anonymised_at IS NULL",
            f"properties.code = {mark} AND room_types.code = {mark} AND rate_plans.code = {mark} "
            + (f"ORDER BY guests.id LIMIT {mark} OFFSET {mark}" if lite else
               f"ORDER BY guests.id LIMIT {mark}"),
            dialect,
            also=earlier,
        )  # fmt: skip
        self.limit_one: tuple[int, ...] = (1, 0) if lite else (1,)
        # ... a new profile: a Core INSERT that gives every column
        self.new_guest = _insert(Guest, dialect, convert, returning("guests", "id"))
        # pms.kernel.audit.record: Core INSERTs (on PostgreSQL Core returns the new key, as for
        # guests)
        self.audit = _insert(AuditLog, dialect, convert, "" if lite else "audit_log.id")
        # RateSheet.load: room types with their room counts, then the sheet for the nights
        self.room_types = (
            "SELECT room_types.id, count(rooms.id) AS count_1 FROM room_types LEFT OUTER JOIN "
            f"rooms ON rooms.room_type_id = room_types.id WHERE room_types.property_id = {mark} "
            "GROUP BY room_types.id"
        )
        # the property's room types as a subquery (RateSheet's _PROPERTY_TYPES)
        types = f"SELECT room_types.id FROM room_types WHERE room_types.property_id = {mark}"
        within = "{column} IN (" + types + ") AND {table}.night >= " + mark
        within += " AND {table}.night <= " + mark
        sheet_columns = ("rate_plan_id", "room_type_id", "night", "price", "min_los", "max_los",
                         "closed_to_arrival", "closed_to_departure", "stop_sell")  # fmt: skip
        self.at["rates"] = {name: i for i, name in enumerate(sheet_columns)}
        self.rates = (
            f"SELECT {', '.join('rates.' + c for c in sheet_columns)} FROM rates WHERE "
            "rates.rate_plan_id IN (SELECT rate_plans.id FROM rate_plans WHERE "
            f"rate_plans.property_id = {mark}) AND "
            + within.format(column="rates.room_type_id", table="rates")
            + f" AND rates.room_type_id = {mark}"  # a booking's sheet: its room type only
        )
        self.defaults = (
            "SELECT rate_plan_prices.rate_plan_id, rate_plan_prices.room_type_id, "
            "rate_plan_prices.amount FROM rate_plan_prices JOIN rate_plans ON rate_plans.id = "
            f"rate_plan_prices.rate_plan_id WHERE rate_plans.property_id = {mark} "
            f"AND rate_plan_prices.room_type_id = {mark}"
        )
        self.inventory = _select_all(
            Inventory,
            within.format(column="inventory.room_type_id", table="inventory"),
            dialect,
        )
        self.taxes = _select_columns(
            Tax, ("code", "name", "percent_bp", "per_person", "children_exempt"),
            f"taxes.property_id = {mark} AND taxes.room IS {true} ORDER BY taxes.code", dialect,
        )  # fmt: skip
        self.pricing_rules = _select_columns(
            PricingRule, ("room_type_id", "threshold_pct", "adjust_bp", "floor", "ceiling"),
            f"pricing_rules.property_id = {mark}", dialect,
        )  # fmt: skip
        # pms.inventory.nights.take: the guarded update, then (nights never sold) open_nights and
        # the update again for the nights it opened
        self.take = (
            f"UPDATE inventory SET sold=(inventory.sold + {mark}) WHERE inventory.room_type_id = "
            f"{mark} AND inventory.night >= {mark} AND inventory.night <= {mark} AND "
            f"inventory.sold + {mark} <= inventory.capacity + (SELECT "
            "room_types.overbooking_allowance FROM room_types WHERE room_types.id = "
            "inventory.room_type_id){also} RETURNING "
            + returning("inventory", "night")
            + (", sold > capacity AS anon_1" if lite else
               ", inventory.sold > inventory.capacity AS anon_1")
        )  # fmt: skip
        self.take_opened = " AND inventory.night IN ({nights})"
        self.open_nights = (
            "SELECT inventory.night FROM inventory WHERE inventory.room_type_id = "
            f"{mark} AND inventory.night >= {mark} AND inventory.night <= {mark}"
        )
        # lock_room_type (FOR UPDATE on PostgreSQL; SQLite's writers queue at BEGIN IMMEDIATE)
        self.lock_room_type = (
            f"SELECT room_types.id FROM room_types WHERE room_types.id = {mark}"
            + ("" if lite else " FOR UPDATE")
        )
        self.rooms_in_service = (
            f"SELECT rooms.retired_on FROM rooms WHERE rooms.room_type_id = {mark} AND "
            f"(rooms.retired_on IS NULL OR rooms.retired_on > {mark})"
        )
        self.out_of_order = (
            "SELECT out_of_order.start_date, out_of_order.end_date, rooms.retired_on "
            "FROM out_of_order "
            f"JOIN rooms ON rooms.id = out_of_order.room_id WHERE rooms.room_type_id = {mark} "
            f"AND out_of_order.start_date <= {mark} AND out_of_order.end_date > {mark}"
        )
        self.open_row = f"({mark}, {mark}, {mark}, {mark})"
        self.open = (
            "INSERT INTO inventory (room_type_id, night, capacity, sold) VALUES {rows} "
            "ON CONFLICT DO NOTHING"
        )
        self.release = (
            f"UPDATE inventory SET sold=(inventory.sold - {mark}) WHERE inventory.room_type_id = "
            f"{mark} AND inventory.night IN ({{nights}})"
        )
        # the reservation, its nights and tax lines: Core INSERTs, the lines executemany (the
        # lines, like the audit rows, give every column: both spellings of `_insert` agree)
        self.reservation = _insert(
            Reservation, dialect, convert, returning("reservations", "id"), core=True,
            known=("property_id", "confirmation", "idempotency_key", "external_ref", "guest_id",
                   "room_type_id", "rate_plan_id", "arrival", "departure", "adults", "children",
                   "status", "source", "company", "overbooked", "version"),
        )  # fmt: skip
        self.night = _insert(ReservationNight, dialect, convert)
        self.tax_line = _insert(ReservationTax, dialect, convert)

    def marks(self, count: int) -> str:
        return ", ".join([self.mark] * count)

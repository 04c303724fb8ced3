"""Statements of the hot paths, compiled once and run on the DBAPI connection of the unit of
work (SQLite).

Why: on SQLite a booking's statement costs ~15 µs in the database and 30–50 µs more in
SQLAlchemy's `Connection.execute` (cache key, compiled-cache look-up, parameter and result
set-up; `benchmarks/booking.py --profile`). A booking sends a dozen of them, so that Python was
most of what separated the service from the same statements sent through sqlite3.

What the database sees does not change: SQLAlchemy compiles the statement for the dialect once,
and its bind processors (dates as ISO text, booleans, JSON), the Python-side column defaults an
INSERT leaves out, and the result processors are applied here as SQLAlchemy would apply them.
Driver errors are wrapped into SQLAlchemy's (`IntegrityError`, `OperationalError`), so callers
catch the same exceptions on either path.

Everything else takes SQLAlchemy's own path: PostgreSQL (a network round trip dwarfs the Python
there, and a dead connection must be invalidated by SQLAlchemy so the desk can retry), a
connection someone watches with cursor-execute events (the benchmarks' statement capture,
tests that step between statements), and statements whose compiled form needs SQLAlchemy at run
time (expanding IN lists, SQL-expression defaults).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection, Date, DateTime, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import Executable

Row = tuple[Any, ...]


@dataclass(frozen=True)
class _Compiled:
    """One statement for one set of parameter names, ready for `sqlite3.Connection.execute`."""

    sql: str
    names: tuple[str, ...]  # the bound parameters in placeholder order
    fixed: dict[str, Any]  # parameters whose value the statement carries (`sold + 1`)
    processors: dict[str, Callable[[Any], Any]]
    defaults: dict[str, Callable[[], Any]]  # INSERT columns left out, filled as Core fills them
    results: tuple[Callable[[Any], Any] | None, ...]
    given: frozenset[str]  # the parameter names the caller passes for this form
    # (name, bind processor, value when not given) per placeholder; (position, processor) of
    # the result columns that need one
    _fill: tuple[tuple[str, Callable[[Any], Any] | None, Callable[[], Any]], ...] = field(
        init=False
    )
    _converted: tuple[tuple[int, Callable[[Any], Any]], ...] = field(init=False)
    _processed: tuple[tuple[int, Callable[[Any], Any]], ...] = field(init=False)  # placeholders
    _complete: bool = field(init=False)  # every placeholder is a parameter the caller passes

    def __post_init__(self) -> None:
        # Worked out once, not per row: every booking runs these a few dozen times.
        fill: list[tuple[str, Callable[[Any], Any] | None, Callable[[], Any]]] = []
        for name in self.names:
            fixed = self.fixed.get(name)
            default = self.defaults.get(name, lambda fixed=fixed: fixed)
            fill.append((name, self.processors.get(name), default))
        converted = [(i, p) for i, p in enumerate(self.results) if p is not None]
        processed = [(i, p) for i, (_, p, _) in enumerate(fill) if p is not None]
        object.__setattr__(self, "_complete", self.given.issuperset(self.names))
        object.__setattr__(self, "_fill", tuple(fill))
        object.__setattr__(self, "_converted", tuple(converted))
        object.__setattr__(self, "_processed", tuple(processed))

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...] | list[Any]:
        """The placeholder values for `params`, processed for the driver."""
        # The usual case (every placeholder given) in one pass over the names; a statement
        # runs this for each of its rows, a booking ~20 times.
        if not self._complete:
            return self._filled(params)
        out = [params[name] for name in self.names]
        for i, processor in self._processed:
            out[i] = processor(out[i])
        return out

    def _filled(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        """`values` when some placeholders take their default or the statement's own value."""
        out = []
        for name, processor, default in self._fill:
            value = params[name] if name in params else default()
            out.append(value if processor is None else processor(value))
        return tuple(out)

    def rows(self, raw: list[Row]) -> list[Row]:
        """Rows as SQLAlchemy would return them (dates parsed back on SQLite, for one)."""
        converted = self._converted
        if not converted:
            return raw
        rows = []
        for row in raw:
            values = list(row)
            for i, processor in converted:
                values[i] = processor(values[i])
            rows.append(tuple(values))
        return rows


class Prepared:
    """A Core statement run on the DBAPI connection of SQLite units of work (see the module
    docstring); on any other connection it runs through SQLAlchemy as usual.

    Args:
        statement: the Core statement, built once at import time like the other hot ones.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], _Compiled | None] = {}

    def execute(self, connection: Connection, params: Mapping[str, Any]) -> list[Row]:
        """Run the statement once; the rows it returns (none for a write without RETURNING)."""
        compiled = self._for(connection, params)
        if compiled is None:
            result = connection.execute(self.statement, dict(params))
            return [tuple(row) for row in result] if result.returns_rows else []
        values = compiled.values(params)
        dbapi = connection.connection.dbapi_connection
        assert dbapi is not None
        try:
            return compiled.rows(dbapi.execute(compiled.sql, values).fetchall())
        except connection.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(connection, compiled.sql, values, exc) from exc

    def execute_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement for each parameter set (all with the same names), in one call."""
        if not rows:
            return
        compiled = self._for(connection, rows[0])
        if compiled is None:
            connection.execute(self.statement, [dict(row) for row in rows])
            return
        values = [compiled.values(row) for row in rows]
        dbapi = connection.connection.dbapi_connection
        assert dbapi is not None
        try:
            dbapi.executemany(compiled.sql, values)
        except connection.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(connection, compiled.sql, values, exc) from exc

    def _for(self, connection: Connection, params: Mapping[str, Any]) -> _Compiled | None:
        """The compiled form for these parameter names, or None for SQLAlchemy's path."""
        if connection.dialect.name != "sqlite" or _watched(connection):
            return None
        # The names in the caller's order: a call site always builds its parameters alike, and
        # another order only compiles once more.
        keys = tuple(params)
        try:
            return self._compiled[keys]
        except KeyError:
            compiled = self._compiled[keys] = _compile(self.statement, connection, keys)
            return compiled


def execute_plain(connection: Connection, sql: str) -> None:
    """A statement without parameters (`BEGIN IMMEDIATE`), on the driver where `Prepared` runs
    its statements there: through `exec_driver_sql` it cost ~60 µs of Python per transaction."""
    if connection.dialect.name != "sqlite" or _watched(connection):
        connection.exec_driver_sql(sql)
        return
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    try:
        dbapi.execute(sql)
    except connection.dialect.loaded_dbapi.Error as exc:
        raise _wrapped(connection, sql, (), exc) from exc


def _watched(connection: Connection) -> bool:
    dispatch = connection.dispatch
    return bool(dispatch.before_cursor_execute) or bool(dispatch.after_cursor_execute)


def _compile(statement: Executable, connection: Connection, keys: tuple[str, ...]) -> Any:
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]
    assert isinstance(compiled, SQLCompiler)
    if not compiled.positional or any(b.expanding for b in compiled.binds.values()):
        return None
    defaults: dict[str, Callable[[], Any]] = {}
    for column in compiled.insert_prefetch:
        default = column.default
        if default is None or not (default.is_scalar or default.is_callable):
            return None
        defaults[column.key] = _default_maker(default)
    fixed = {
        name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required
    }
    results = tuple(
        column[3]._cached_result_processor(dialect, None) for column in compiled._result_columns
    )
    return _Compiled(
        sql=compiled.string,
        names=tuple(compiled.positiontup or ()),
        fixed=fixed,
        processors=_iso_processors(compiled),
        defaults=defaults,
        results=results,
        given=frozenset(keys),
    )


# A date and datetimes the dialect's own processors must write as `isoformat` does, for
# `_iso_processors` to use the faster call in their place.
_DATE_PROBE = dt.date(1, 2, 3)
_DATETIME_PROBES = (
    dt.datetime(1, 2, 3, 4, 5, 6, 7),
    dt.datetime(2026, 12, 7, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=5))),
)


def _iso_processors(compiled: SQLCompiler) -> dict[str, Callable[[Any], Any]]:
    """The statement's bind processors, a date's and a datetime's as `isoformat` where the
    dialect writes them as ISO text (SQLite's default storage formats): its `%`-formatting of
    a dictionary was a tenth of `Prepared`'s own time, and a booking binds ~20 of them. None
    or a value of any other type still goes to the dialect's processor."""
    processors = dict(compiled._bind_processors)
    for name, processor in processors.items():
        kind = compiled.binds[name].type
        if isinstance(kind, DateTime):
            if all(processor(p) == _iso_datetime_text(p) for p in _DATETIME_PROBES):
                processors[name] = _iso_datetime(processor)
        elif isinstance(kind, Date) and processor(_DATE_PROBE) == _DATE_PROBE.isoformat():
            processors[name] = _iso_date(processor)
    return processors


def _iso_date(slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def process(value: Any) -> Any:
        return value.isoformat() if type(value) is dt.date else slow(value)

    return process


def _iso_datetime_text(value: dt.datetime) -> str:
    # The wall-clock fields, as SQLite's DATETIME writes them: an offset is not written.
    return value.isoformat(" ", "microseconds")[:26]


def _iso_datetime(slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def process(value: Any) -> Any:
        return _iso_datetime_text(value) if type(value) is dt.datetime else slow(value)

    return process


def _default_maker(default: Any) -> Callable[[], Any]:
    if default.is_scalar:
        return lambda: default.arg
    return lambda: default.arg(None)  # Core wraps a no-argument callable to take a context


def _wrapped(connection: Connection, sql: str, values: Any, exc: Exception) -> DBAPIError:
    error = DBAPIError.instance(sql, values, exc, connection.dialect.loaded_dbapi.Error)
    return error  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Whole rows read (or written) as Core, in the session as if the ORM had loaded them
#
# Loading an entity through the ORM costs ~0.3 ms of Python per row on SQLite (ORM execution
# context, loader set-up, instance processing) against ~0.05 ms for the same SELECT run here.
# The object made from the row is what the ORM would have given: in the identity map, every
# column loaded and nothing pending, relationships loaded lazily when first read.


def whole_row(model: type[Any]) -> list[Column[Any]]:
    """The columns of every column attribute of the model, in the order `as_loaded` takes."""
    return [attr.columns[0] for attr in inspect(model).column_attrs]  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class _Loading:
    """What `as_loaded` needs of a model, worked out once: a booking puts four rows in its
    session, and looking the mapper up for each cost more than the rest of the work."""

    keys: tuple[str, ...]  # the column attributes, in `whole_row`'s order
    primary: tuple[int, ...]  # positions of the primary key's columns in a whole row
    mapper: Any
    new_instance: Callable[[], Any]


@cache
def _loading(model: type[Any]) -> _Loading:
    mapper = inspect(model)
    keys = tuple(attr.key for attr in mapper.column_attrs)
    primary = tuple(keys.index(mapper.get_property_by_column(c).key) for c in mapper.primary_key)
    return _Loading(keys, primary, mapper, mapper.class_manager.new_instance)


def as_loaded(session: Session, model: type[Any], values: Sequence[Any]) -> Any:
    """The entity of a whole row (`whole_row`'s columns): the one the session holds already,
    as the ORM would return it, else a new persistent object with exactly these values."""
    loading = _loading(model)
    key = loading.mapper.identity_key_from_primary_key(tuple(values[i] for i in loading.primary))
    identity_map = session.identity_map
    held = identity_map.get(key)
    if held is not None:
        return held
    # As the ORM's loader does (`sqlalchemy.orm.loading`): a bare instance, its attributes
    # written to its state without attribute events (there is no history to keep), given its
    # identity and put in the identity map. `make_transient_to_detached` then `Session.add`
    # did the same in ~90 µs a row, mostly `add`'s cascade walk over relationships that a
    # row just read cannot have loaded.
    entity = loading.new_instance()
    loaded = instance_state(entity)
    loaded.dict.update(zip(loading.keys, values, strict=True))
    loaded.key = key
    loaded.identity_token = key[2]
    loaded.session_id = session.hash_key
    identity_map._add_unpresent(loaded, key)  # the loader's own call
    return entity

"""Shared fixtures: every test runs on a real SQLite file and on a real PostgreSQL database.

The PostgreSQL database is created for this test run on the local server and dropped at the end.
If the server cannot be reached the PostgreSQL tests fail; set PMS_TEST_SKIP_POSTGRES=1 on a
laptop without one (never in CI).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from db.engine import make_engine
from db.models import Role, User, load_all
from pms.hotel.features import add_features
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.hotel.session_file import StoredSession, remember
from pms.hotel.sign_in import open_session
from pms.kernel.desk import Actor, Desk, safe_url


@functools.cache
def _hash() -> str:
    return PasswordHasher().hash(PASSWORD)


ADMIN_URL = os.environ.get(
    "PMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SKIP_POSTGRES = os.environ.get("PMS_TEST_SKIP_POSTGRES") == "1"
BUSINESS_DATE = dt.date(2026, 12, 1)  # a Tuesday
PASSWORD = "secret"

CLERK = Actor("ana", Role.CLERK)
SUPERVISOR = Actor("sam", Role.SUPERVISOR)
MANAGER = Actor("maria", Role.MANAGER)

BACKENDS = ["sqlite"] if SKIP_POSTGRES else ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep the user's own config, data and cache directories out of every test."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    for var in ("PMS_DATABASE_URL", "PMS_CONFIG", "PMS_USER", "PMS_TOKEN"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    desk = Desk.open(f"sqlite:///{path}")
    desk.upgrade()
    desk.close()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run, dropped afterwards."""
    name = f"pms_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL at {ADMIN_URL} is not reachable ({exc.__class__.__name__}); start it "
            "or set PMS_TEST_SKIP_POSTGRES=1 to run only the SQLite half"
        )
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    desk = Desk.open(url)
    desk.upgrade()
    desk.close()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in load_all().sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Pilot journeys run on SQLite only: a screen reaches the database only through the `pms`
    services, whose every test runs on both, and the journeys were half the suite's time."""
    on_postgres = [
        item for item in items if item.get_closest_marker("tui") and "[postgresql" in item.nodeid
    ]
    if on_postgres:
        config.hook.pytest_deselected(items=on_postgres)
        items[:] = [item for item in items if item not in on_postgres]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """The URL of an empty, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "pms.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def desk(db_url: str) -> Iterator[Desk]:
    """A desk on the empty database, acting as the system administrator."""
    desk = Desk.open(db_url)
    yield desk
    desk.close()


def set_up_hotel(desk: Desk) -> None:
    """The test hotel: 3 DBL (+1 overbooking), 2 TWN, 1 SUI; its staff; business date 1 Dec."""

    def _build(session) -> None:  # type: ignore[no-untyped-def]
        create_property(
            session,
            "TST",
            "Test Harbour Hotel",
            currency="EUR",
            timezone="Europe/Lisbon",
            city="Porto",
            business_date=BUSINESS_DATE,
        )
        add_features(session, "TST", ["double bed", "twin beds", "sea view", "quiet"])
        add_room_type(
            session,
            "TST",
            "DBL",
            "Double",
            max_occupancy=3,
            price=10000,
            features=["double bed"],
            overbooking_allowance=1,
        )
        add_room_type(
            session, "TST", "TWN", "Twin", max_occupancy=2, price=9000, features=["twin beds"]
        )
        add_room_type(
            session, "TST", "SUI", "Suite", max_occupancy=4, price=25000, features=["sea view"]
        )
        for number, kind in [
            ("101", "DBL"),
            ("102", "DBL"),
            ("103", "DBL"),
            ("201", "TWN"),
            ("202", "TWN"),
            ("301", "SUI"),
        ]:
            add_room(session, "TST", number, kind)
        # One argon2 hash for all the staff: hashing is slow on purpose, and tests add many hotels.
        for actor in STAFF:
            session.add(User(username=actor.username, role=actor.role, password_hash=_hash()))

    desk.run(_build)
    sign_in_staff(desk)


#: The test hotel's staff; the password of each is PASSWORD.
STAFF = (CLERK, SUPERVISOR, MANAGER, Actor("admin", Role.ADMIN))


def sign_in_staff(desk: Desk, staff: tuple[Actor, ...] = STAFF) -> None:
    """Sign every one of `staff` in as `pms login` would (a session each, kept in this test's
    state directory), so CLI tests run `pms --db URL --user ana …` as after a login. The
    password check itself is skipped: it is argon2, slow on purpose, and tested on its own."""

    def _open(session) -> list[StoredSession]:  # type: ignore[no-untyped-def]
        opened = [open_session(session, actor.username, hours=12) for actor in staff]
        return [StoredSession(s.username, s.token, s.expires_at) for s in opened]  # type: ignore[arg-type]

    remember(safe_url(desk.engine), desk.run(_open), current=None)


@pytest.fixture
def hotel(desk: Desk) -> Desk:
    """A desk on the small test hotel, signed in as the clerk Ana."""
    set_up_hotel(desk)
    desk.actor = CLERK
    return desk

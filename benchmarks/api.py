"""The booking API's latency over HTTP through a real uvicorn process, beside the same calls
in-process, on the hotel HotelDruid 2.2.3 was measured on.

Run it from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, for that half)::

    .venv/bin/python benchmarks/api.py                        # SQLite
    .venv/bin/python benchmarks/api.py --backend both         # + PostgreSQL
    .venv/bin/python benchmarks/api.py --searches 400 --bookings 200

The hotel: 40 rooms — 30 for two at 80 a night, 10 for three at 100 — with daily BAR prices for
a year (a row per night and room type on the rate sheet), every night open for sale. The server
is `pms api serve` in its own process (one uvicorn worker), called over a kept-alive HTTP
connection with a channel's key:

- **offers**: `GET /v1/properties/HDR/offers?arrival&departure&adults=2` — 3 nights for 2
  people, arrivals spread over the year: what is free, at what price, on which terms;
- **availability**: `GET …/availability?from&to` — the same 3 nights as a rooms-left grid;
- **booking**: `POST …/bookings` with a new Idempotency-Key each, 3 nights for 2, spread over
  the year so none sells out.

In-process is the same `pms.channels` service through `Desk.read` / `Desk.run`, no HTTP.
Targets: HotelDruid's figures over its own HTTP on a 2-core machine — availability median
5.9 ms, booking 12.1 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from common import load_average, temp_postgres, temp_sqlite
from rich.console import Console
from rich.table import Table

from db.models import Role, User
from pms.channels.bookings import ChannelBooking, GuestContact, book_for_channel
from pms.channels.catalogue import channel_availability, channel_offers
from pms.channels.keys import add_key, authenticate
from pms.hotel.properties import add_room, add_room_type, create_property, resolve_property
from pms.inventory.nights import open_nights, stay_nights
from pms.kernel.desk import SYSTEM, Desk
from pms.rates.sheet_edits import set_rates

PROPERTY = "HDR"
BUSINESS_DATE = dt.date(2027, 1, 4)
NIGHTS = 3
TARGETS = {"offers": 5.9, "availability": 5.9, "booking": 12.1}


def build_hotel(desk: Desk) -> str:
    """The 40-room hotel with a year of daily prices; returns a channel key for it."""

    def _build(session) -> None:  # type: ignore[no-untyped-def]
        create_property(session, PROPERTY, "HotelDruid bench", currency="EUR",
                        timezone="Europe/Rome", business_date=BUSINESS_DATE)  # fmt: skip
        add_room_type(session, PROPERTY, "DBL", "Double", max_occupancy=2, price=8000)
        add_room_type(session, PROPERTY, "TRP", "Triple", max_occupancy=3, price=10000)
        for number in range(1, 41):
            add_room(session, PROPERTY, str(100 + number), "DBL" if number <= 30 else "TRP")
        last = BUSINESS_DATE + dt.timedelta(days=365 + NIGHTS)
        set_rates(session, PROPERTY, "BAR", "DBL", BUSINESS_DATE, last, 8000)
        set_rates(session, PROPERTY, "BAR", "TRP", BUSINESS_DATE, last, 10000)
        # Every night of the year open for sale, as in a hotel that has been selling: otherwise
        # the first booking of a night also counts its rooms, and the run that comes first pays.
        prop = resolve_property(session, PROPERTY)
        for room_type in prop.room_types:
            open_nights(session, room_type, stay_nights(BUSINESS_DATE, last))
        session.add(User(username="admin", role=Role.ADMIN, password_hash="-"))

    desk.run(_build)
    return desk.run(add_key, "website", ["availability", "book"], 100_000).key


def _arrival(i: int) -> dt.date:
    return BUSINESS_DATE + dt.timedelta(days=(i * 7) % 365)


def _body(i: int) -> dict[str, object]:
    arrival = _arrival(i)
    return {
        "arrival": arrival.isoformat(),
        "departure": (arrival + dt.timedelta(days=NIGHTS)).isoformat(),
        "adults": 2,
        "room_type": "DBL",
        "guest": {"first_name": "Guest", "last_name": f"No{i}", "email": f"g{i}@example.com"},
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def api_server(url: str) -> Iterator[str]:
    """`pms api serve` in its own process; yields its base URL once it answers."""
    port = _free_port()
    pms = Path(sys.executable).parent / "pms"
    env = os.environ | {"PMS_USER": "admin"}
    server = subprocess.Popen(
        [str(pms), "--db", url, "api", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/metrics", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    stderr = server.stderr.read().decode() if server.stderr else ""
                    raise SystemExit(f"the server stopped: {stderr}") from None
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _timed(call: Callable[[int], None], count: int) -> list[float]:
    for i in range(20):  # warm-up: connections, caches, first queries
        call(10_000 + i)
    times = []
    for i in range(count):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


class _Client:
    """One kept-alive connection through the standard library's http.client: a client as
    light as curl's, so the figures are the server's rather than a client library's."""

    def __init__(self, base: str, key: str) -> None:
        self._connection = http.client.HTTPConnection(base.removeprefix("http://"))
        self._connection.connect()
        # http.client writes a request's headers and body in two sends; without NODELAY the
        # body waits for the server's delayed ACK (curl and browsers write them together).
        self._connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self._prefix = f"/v1/properties/{PROPERTY}"

    def call(self, method: str, path: str, body: object = None, **headers: str) -> int:
        data = json.dumps(body).encode() if body is not None else None
        self._connection.request(method, self._prefix + path, data, self._headers | headers)
        response = self._connection.getresponse()
        response.read()
        return response.status


def over_http(base: str, key: str, searches: int, bookings: int) -> dict[str, list[float]]:
    """Median-ready samples of each call through the server."""
    client = _Client(base, key)

    def offers(i: int) -> None:
        arrival = _arrival(i)
        departure = arrival + dt.timedelta(days=NIGHTS)
        assert (
            client.call("GET", f"/offers?arrival={arrival}&departure={departure}&adults=2") == 200
        )

    def grid(i: int) -> None:
        arrival = _arrival(i)
        departure = arrival + dt.timedelta(days=NIGHTS)
        assert client.call("GET", f"/availability?from={arrival}&to={departure}") == 200

    def booking(i: int) -> None:
        status = client.call("POST", "/bookings", _body(i), **{"Idempotency-Key": uuid.uuid4().hex})
        assert status == 201, status

    return {"offers": _timed(offers, searches), "availability": _timed(grid, searches),
            "booking": _timed(booking, bookings)}  # fmt: skip


def server_means(base: str) -> dict[str, float]:
    """The server's own mean time per call (ms), from its Prometheus histogram: the gap to the
    client's figure is the network stack and the two processes waiting for a CPU."""
    text = httpx.get(base + "/metrics").text
    found: dict[str, dict[str, float]] = {}
    for name, route, value in re.findall(
        r'pms_api_request_seconds_(sum|count)\{method="\w+",route="[^"]*/([\w-]+)"\} (\S+)', text
    ):
        found.setdefault(route, {})[name] = float(value)
    calls = {"offers": "offers", "availability": "availability", "booking": "bookings"}
    return {
        call: 1000 * found[route]["sum"] / found[route]["count"]
        for call, route in calls.items()
        if route in found
    }


def in_process(desk: Desk, key: str, searches: int, bookings: int) -> dict[str, list[float]]:
    """The same calls as services, no HTTP."""
    access = desk.read(authenticate, key)
    channel = Desk(desk.engine, access.actor, desk.rules)

    def offers(i: int) -> None:
        arrival = _arrival(i)
        departure = arrival + dt.timedelta(days=NIGHTS)
        channel.read(channel_offers, access, PROPERTY, arrival, departure, 2, 0)

    def grid(i: int) -> None:
        arrival = _arrival(i)
        departure = arrival + dt.timedelta(days=NIGHTS)
        channel.read(channel_availability, access, PROPERTY, arrival, departure)

    def booking(i: int) -> None:
        arrival = _arrival(i + 1)  # other nights than the HTTP run's, so none sells out
        stay = ChannelBooking(arrival, arrival + dt.timedelta(days=NIGHTS), "DBL", "BAR",
                              GuestContact("Guest", f"In{i}"), adults=2)  # fmt: skip
        channel.run(book_for_channel, access, PROPERTY, uuid.uuid4().hex, stay)

    return {"offers": _timed(offers, searches), "availability": _timed(grid, searches),
            "booking": _timed(booking, bookings)}  # fmt: skip


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def run(backend: str, url: str, searches: int, bookings: int) -> Table:
    desk = Desk.open(url)
    desk.upgrade()
    desk.actor = SYSTEM
    key = build_hotel(desk)
    with api_server(url) as base:
        http = over_http(base, key, searches, bookings)
        server = server_means(base)
    local = in_process(desk, key, searches, bookings)
    desk.close()
    table = Table(title=f"{backend}: ms (load {load_average():.1f})")
    for column in ("call", "HTTP median", "HTTP p95", "server mean", "in-process median",
                   "in-process p95", "target median"):  # fmt: skip
        table.add_column(column, justify="left" if column == "call" else "right")
    for call, times in http.items():
        table.add_row(
            call,
            f"{statistics.median(times):.2f}",
            f"{_p95(times):.2f}",
            f"{server.get(call, 0):.2f}",
            f"{statistics.median(local[call]):.2f}",
            f"{_p95(local[call]):.2f}",
            f"< {TARGETS[call]}",
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--bookings", type=int, default=150)
    args = parser.parse_args()
    console = Console(width=140)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        temp = temp_sqlite if backend == "sqlite" else temp_postgres
        with temp("pms_api_bench_") as (url, _):
            console.print(run(backend, url, args.searches, args.bookings))


if __name__ == "__main__":
    main()

"""The booking API as a channel uses it, over HTTP (Starlette's TestClient, a real database of
each kind): keys and scopes, availability and offers, booking once per Idempotency-Key,
changing and cancelling, the one error shape, the rate limit, and the committed spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from commands.api import openapi_text
from db.models import AuditLog, Reservation
from pms.channels.keys import add_key, revoke_key
from pms.kernel.desk import SYSTEM, Desk
from pms.operations.journal import configure, log_file

BASE = "/v1/properties/TST"
STAY = {
    "arrival": "2026-12-03",
    "departure": "2026-12-05",
    "adults": 2,
    "children": 0,
    "room_type": "DBL",
    "rate_plan": "BAR",
    "guest": {"first_name": "Ada", "last_name": "Lee", "email": "ada@example.com"},
}


def make_key(
    desk: Desk, channel: str = "website", scopes: str = "availability,book", **kw: Any
) -> str:
    """A new key for the channel, made by the system administrator."""
    actor, desk.actor = desk.actor, SYSTEM
    try:
        return desk.run(add_key, channel, scopes.split(","), **kw).key
    finally:
        desk.actor = actor


class Channel:
    """A channel's HTTP client with its key."""

    def __init__(self, client: TestClient, key: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params=params, headers=self.headers)

    def book(self, body: dict[str, Any] = STAY, key: str = "key-1") -> Any:
        headers = self.headers | {"Idempotency-Key": key}
        return self.client.post(BASE + "/bookings", json=body, headers=headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(BASE + path, json=body, headers=self.headers)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(BASE + path, json=body, headers=self.headers)


@pytest.fixture
def app(hotel: Desk) -> Any:
    return create_app(hotel, key_cache_seconds=0)


@pytest.fixture
def website(hotel: Desk, app: Any) -> Channel:
    return Channel(TestClient(app), make_key(hotel))


def error(response: Any, status: int) -> dict[str, Any]:
    """The one error of an answer, after checking its status and shape."""
    assert response.status_code == status, response.text
    (item,) = response.json()["errors"]
    assert set(item) == {"code", "field", "message"}
    return item


def test_availability_and_offers_read_the_desks_inventory_and_prices(website: Channel) -> None:
    grid = website.get("/availability", **{"from": "2026-12-03", "to": "2026-12-05"}).json()
    rooms = {rt["code"]: [n["available"] for n in rt["nights"]] for rt in grid["room_types"]}
    # What still sells: the doubles' overbooking allowance of one is on sale to every channel.
    assert rooms == {"DBL": [4, 4], "TWN": [2, 2], "SUI": [1, 1]}
    offers = website.get("/offers", arrival="2026-12-03", departure="2026-12-05", adults=2)
    cheapest = offers.json()["offers"][0]
    assert (cheapest["room_type"], cheapest["rate_plan"], cheapest["total"]) == (
        "TWN",
        "BAR",
        18000,
    )
    assert cheapest["currency"] == "EUR" and cheapest["rooms_left"] == 2 and cheapest["policy"]
    types = website.get("/room-types").json()
    assert [rt["code"] for rt in types["room_types"]] == ["DBL", "SUI", "TWN"]
    assert [p["code"] for p in website.get("/rate-plans").json()["rate_plans"]] == ["BAR"]


def test_a_booking_is_made_once_per_idempotency_key(hotel: Desk, website: Channel) -> None:
    first = website.book()
    assert first.status_code == 201, first.text
    booking = first.json()
    assert booking["source"] == "website" and booking["status"] == "confirmed"
    assert booking["total"] == 20000 and [n["price"] for n in booking["nightly"]] == [10000] * 2
    again = website.book()
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == booking
    other = error(website.book(STAY | {"adults": 1}), 422)
    assert other["field"] == "Idempotency-Key"
    second = website.book(key="key-2")
    assert second.status_code == 201 and second.json()["confirmation"] != booking["confirmation"]

    def _stored(session: Any) -> tuple[int, list[str]]:
        count = len(session.scalars(select(Reservation.id)).all())
        who = session.scalars(
            select(AuditLog.username).where(AuditLog.entity == "reservation")
        ).all()
        return count, sorted(set(who))

    assert hotel.read(_stored) == (2, ["api:website"])


def test_a_booking_needs_an_idempotency_key(website: Channel) -> None:
    response = website.client.post(BASE + "/bookings", json=STAY, headers=website.headers)
    assert error(response, 422)["field"] == "Idempotency-Key"
    assert error(website.book(key="  "), 422)["field"] == "Idempotency-Key"


def test_keys_and_scopes_are_checked(hotel: Desk, app: Any) -> None:
    client = TestClient(app)
    assert error(client.get(BASE + "/room-types"), 401)["code"] == "unauthenticated"
    wrong = Channel(client, "pms_nothing_like_a_key")
    assert error(wrong.get("/room-types"), 401)["code"] == "unauthenticated"
    reader = Channel(client, make_key(hotel, "metasearch", "availability"))
    assert reader.get("/room-types").status_code == 200
    assert error(reader.book(), 403)["code"] == "forbidden"
    key = make_key(hotel, "old")
    key_id = key.split("_")[1]
    actor, hotel.actor = hotel.actor, SYSTEM
    hotel.run(revoke_key, key_id)
    hotel.actor = actor
    assert error(Channel(client, key).get("/room-types"), 401)["code"] == "unauthenticated"


def test_changes_and_cancellation_go_through_the_desks_rules(website: Channel) -> None:
    booking = website.book().json()
    path = f"/bookings/{booking['confirmation']}"
    longer = website.patch(path, {"departure": "2026-12-06", "version": booking["version"]})
    assert longer.status_code == 200, longer.text
    assert longer.json()["nights"] == 3 and longer.json()["total"] == 30000
    stale = error(website.patch(path, {"adults": 1, "version": booking["version"]}), 409)
    assert stale["code"] == "stale_version"
    renamed = website.patch(path, {"guest": {"last_name": "Lovelace"}}).json()
    assert renamed["guest_name"] == "Lovelace, Ada"
    too_many = error(website.patch(path, {"adults": 9}), 422)
    assert too_many["code"] == "invalid"
    cancelled = website.post(path + "/cancel", {"reason": "plans changed"}).json()
    assert cancelled["status"] == "cancelled" and cancelled["cancellation_fee"] == 10000
    assert error(website.post(path + "/cancel"), 409)["code"] == "invalid_state"
    assert website.get(path).json()["status"] == "cancelled"


def test_a_channel_sees_only_its_own_bookings(hotel: Desk, app: Any, website: Channel) -> None:
    confirmation = website.book().json()["confirmation"]
    other = Channel(TestClient(app), make_key(hotel, "otherota"))
    assert error(other.get(f"/bookings/{confirmation}"), 404)["code"] == "not_found"
    assert error(website.get("/bookings/NOPE-NOPE"), 404)["code"] == "not_found"


def test_sold_out_is_409_and_bad_input_is_422_never_500(website: Channel) -> None:
    for n in range(4):  # 3 doubles and the allowance of 1
        assert website.book(key=f"k{n}").status_code == 201
    sold_out = error(website.book(key="k-last"), 409)
    assert sold_out["code"] == "sold_out" and "sold out" in sold_out["message"]
    past = error(website.book(STAY | {"arrival": "2026-11-01"}, key="k-past"), 422)
    assert past["field"] == "arrival"
    shape = website.client.post(
        BASE + "/bookings",
        content=b"{not json",
        headers=website.headers | {"Idempotency-Key": "x", "Content-Type": "application/json"},
    )
    assert shape.status_code == 422 and shape.json()["errors"]
    bad_date = error(website.get("/availability", **{"from": "soon", "to": "2026-12-05"}), 422)
    assert bad_date["field"] == "from"
    assert error(website.get("/availability", **{"from": "2026-12-05", "to": "2026-12-01"}), 422)
    unknown = error(website.get("/nowhere"), 404)
    assert unknown["code"] == "not_found"
    assert error(website.book(STAY | {"room_type": "PENTHOUSE"}, key="k-x"), 404)


def test_a_key_over_its_rate_limit_is_told_when_to_come_back(hotel: Desk, app: Any) -> None:
    channel = Channel(TestClient(app), make_key(hotel, "busy", rate_limit=3))
    assert [channel.get("/room-types").status_code for _ in range(3)] == [200] * 3
    limited = channel.get("/room-types")
    assert error(limited, 429)["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    other = Channel(TestClient(app), make_key(hotel, "calm"))  # each key has its own bucket
    assert other.get("/room-types").status_code == 200


def test_metrics_count_requests_and_bookings(website: Channel) -> None:
    website.book()
    text = website.client.get("/metrics").text
    assert 'pms_api_bookings_total{channel="website"} 1.0' in text
    assert 'route="/v1/properties/{code}/bookings",status="201"' in text
    assert "pms_api_request_seconds_bucket" in text
    assert "# TYPE pms_payments gauge" in text


def test_the_committed_spec_is_the_one_the_code_serves() -> None:
    committed = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"
    assert committed.read_text() == openapi_text(), "run `pms api openapi > docs/openapi.json`"
    assert "Idempotency-Key" in json.dumps(json.loads(committed.read_text()))


def test_verbose_logs_one_line_a_request_without_the_key(website: Channel) -> None:
    configure(verbose=True)
    try:
        website.get("/room-types")
    finally:
        configure(verbose=False)
    text = log_file().read_text()
    line = json.loads(text.splitlines()[-1])
    assert line["action"] == "GET /v1/properties/{code}/room-types" and line["duration_ms"] >= 0
    assert website.headers["Authorization"].split()[1] not in text

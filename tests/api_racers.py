"""Channels in separate processes, for the API's race tests: each builds the API on its own
engine, waits at the barrier with the desks, then books over HTTP and reports what it got."""

from __future__ import annotations

from typing import Any


def book_over_api_at_once(
    url: str, barrier: Any, results: Any, api_key: str, idempotency_key: str, last_name: str
) -> None:
    """POST a booking of the suite on 3–5 December as soon as every racer is ready."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from pms.kernel.desk import Desk

    desk = Desk.open(url)
    try:
        client = TestClient(create_app(desk))
        headers = {"Authorization": f"Bearer {api_key}"}
        client.get("/v1/properties/TST/room-types", headers=headers)  # connect and warm up first
        body = {
            "arrival": "2026-12-03",
            "departure": "2026-12-05",
            "room_type": "SUI",
            "guest": {"first_name": "Web", "last_name": last_name},
        }
        barrier.wait()
        response = client.post(
            "/v1/properties/TST/bookings",
            json=body,
            headers=headers | {"Idempotency-Key": idempotency_key},
        )
        if response.status_code == 201:
            results.put(("ok", response.json()["confirmation"]))
        else:
            results.put((response.json()["errors"][0]["code"], response.text))
    except Exception as exc:
        results.put(("crash", repr(exc)))
    finally:
        desk.close()

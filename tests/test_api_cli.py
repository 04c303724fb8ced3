"""An administrator manages the channels' keys from the command line: the key is shown once,
only its hash is kept, a revoked key stops working, and a clerk may not make one."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import set_up_hotel
from sqlalchemy import select
from test_cli import data, one_line_error, pms

from db.models import ApiKey
from pms.channels.keys import authenticate
from pms.kernel.desk import Desk


def test_a_key_is_shown_once_kept_hashed_listed_and_revoked(db_url: str, desk: Desk) -> None:
    set_up_hotel(desk)
    made = data(pms(db_url, "api", "key", "add", "Website", "--scopes", "availability,book",
                    "--rate-limit", "120", "--json"))  # fmt: skip
    key = made["key"]
    assert made["channel"] == "website" and made["scopes"] == ["availability", "book"]
    stored = desk.read(lambda s: s.scalars(select(ApiKey.key_hash)).all())
    assert stored == [hashlib.sha256(key.encode()).hexdigest()] and key not in stored
    assert desk.read(authenticate, key).channel == "website"
    listed = data(pms(db_url, "api", "key", "list", "--json"))
    assert [(k["key_id"], k["revoked_at"]) for k in listed] == [(made["key_id"], None)]
    assert "key" not in listed[0]
    revoked = data(pms(db_url, "api", "key", "revoke", made["key_id"], "--json"))
    assert revoked["revoked_at"] is not None
    assert "no API key" in one_line_error(pms(db_url, "api", "key", "revoke", "zzz"))
    assert "scopes" in one_line_error(pms(db_url, "api", "key", "add", "x", "--scopes", "all"))
    clerk = one_line_error(
        pms(db_url, "--user", "ana", "api", "key", "add", "x", "--scopes", "book")
    )
    assert "admin" in clerk


@pytest.mark.slow
def test_pms_api_serve_answers_over_http(db_url: str, desk: Desk) -> None:
    set_up_hotel(desk)
    key = data(pms(db_url, "api", "key", "add", "website", "--scopes", "availability", "--json"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    pms_script = Path(sys.executable).parent / "pms"
    server = subprocess.Popen(
        [str(pms_script), "--db", db_url, "api", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/metrics", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        headers = {"Authorization": f"Bearer {key['key']}"}
        answer = httpx.get(base + "/v1/properties/TST/room-types", headers=headers)
        assert answer.status_code == 200 and answer.json()["currency"] == "EUR"
        assert "pms_api_requests_total" in httpx.get(base + "/metrics").text
    finally:
        server.terminate()
        server.wait(timeout=10)

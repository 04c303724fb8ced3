"""The audit trail and the permission matrix: a day's money at the desk leaves one row per action
(who, when, which desk, before and after) that nobody can change afterwards, a supervisor reads
it by reservation, user or action, and every role meets exactly the doors the matrix draws."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import BUSINESS_DATE, CLERK, MANAGER, SUPERVISOR
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError
from test_cli import data, one_line_error, pms

from db.models import AuditLog, Role, SignInAttempt
from pms.guests.lookup import GuestInput
from pms.kernel.desk import SYSTEM, Actor, Desk
from pms.kernel.errors import PermissionDenied
from pms.kernel.permissions import PERMISSIONS, allowed, require
from pms.reservations.booking import BookingRequest, book

ROOT = Path(__file__).resolve().parents[1]
ROLES = [Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN]
RANK = {role: i for i, role in enumerate(ROLES)}


@pytest.mark.parametrize("action", sorted(PERMISSIONS))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_meets_the_doors_the_matrix_draws(role: Role, action: str) -> None:
    actor = Actor("someone", role)
    expected = RANK[role] >= RANK[PERMISSIONS[action].role]
    assert allowed(actor, action) is expected

    session = SimpleNamespace(info={"actor": actor})  # all `require` reads of a unit of work
    if expected:
        assert require(session, action) == actor  # type: ignore[arg-type]
    else:
        with pytest.raises(PermissionDenied, match=f"needs the {PERMISSIONS[action].role} role"):
            require(session, action)  # type: ignore[arg-type]


def test_every_action_of_the_matrix_is_enforced_by_a_service() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "pms").rglob("*.py"))
    called = set(re.findall(r'require\(\s*session,\s*"([a-z_.]+)"', source))
    assert called == set(PERMISSIONS)


def test_the_matrix_is_listed_for_everyone(hotel: Desk, db_url: str) -> None:
    listed = data(pms(db_url, "--user", "ana", "user", "permissions", "--json"))
    lowest = {p["action"]: p["role"] for p in listed}
    assert lowest["payment.refund"] == "supervisor" and lowest["rates.set"] == "manager"
    assert lowest["user.add"] == "admin" and len(listed) == len(PERMISSIONS)


def test_a_days_money_is_in_the_trail_by_reservation(hotel: Desk, db_url: str) -> None:
    request = BookingRequest(
        arrival=BUSINESS_DATE, nights=1, room_type="DBL", guest=GuestInput("Lucía García")
    )
    confirmation = hotel.run(book, request).confirmation
    steps = [
        ("ana", ["checkin", confirmation, "--room", "101"]),
        ("ana", ["folio", "post", confirmation, "FNB", "40"]),
        ("ana", ["folio", "pay", confirmation, "--method", "cash", "--amount", "40"]),
    ]
    for user, step in steps:
        done = pms(db_url, "--user", user, *step)
        assert done.exit_code == 0, (step, done.output)
    payment = data(pms(db_url, "payments", "list", confirmation, "--json"))[0]["id"]
    refund = ["folio", "refund", str(payment), "--amount", "10", "--reason", "cold soup"]
    assert "needs the supervisor role" in one_line_error(pms(db_url, "--user", "ana", *refund))
    assert pms(db_url, "--user", "sam", *refund).exit_code == 0

    trail = data(pms(db_url, "--user", "sam", "audit-log", "--record", confirmation, "--json"))
    actions = [(r["username"], r["action"], r["entity"]) for r in reversed(trail)]
    assert ("ana", "check_in", "reservation") in actions
    assert ("sam", "refund", "payment") in actions
    assert sum(1 for a in actions if a[2] == "folio") >= 2  # the charge and the payment posted
    refund_row = next(r for r in trail if r["action"] == "refund")
    assert refund_row["desk"].startswith("cli@") and refund_row["before"] and refund_row["after"]

    only_sam = data(pms(db_url, "--user", "sam", "audit-log", "--user", "sam", "--json"))
    assert {r["username"] for r in only_sam} == {"sam"} and only_sam
    refunds = data(pms(db_url, "--user", "sam", "audit-log", "--action", "refund", "--json"))
    assert [r["action"] for r in refunds] == ["refund"]
    table = pms(db_url, "--user", "sam", "audit-log", "--from", "2020-01-01", "--to", "2030-01-01")
    assert table.exit_code == 0 and "refund" in table.stdout
    assert "reading the audit trail needs the supervisor role" in one_line_error(
        pms(db_url, "--user", "ana", "audit-log")
    )
    assert "from must be a date" in one_line_error(
        pms(db_url, "--user", "sam", "audit-log", "--from", "yesterday")
    )


def test_admin_actions_are_in_the_trail(hotel: Desk, db_url: str) -> None:
    added = pms(db_url, "--user", "admin", "user", "add", "eve", "--role", "clerk",
                "--password", "longsecret")  # fmt: skip
    assert added.exit_code == 0, added.output
    pms(db_url, "--user", "admin", "token", "create", "--user", "eve")
    pms(db_url, "--user", "sam", "user", "unlock", "eve")
    trail = data(pms(db_url, "--user", "admin", "audit-log", "--json"))
    assert [(r["username"], r["action"], r["entity"]) for r in trail[:3]] == [
        ("sam", "unlock", "user"),
        ("admin", "create", "token"),
        ("admin", "create", "user"),
    ]


def test_the_trail_and_the_sign_in_log_refuse_any_change(hotel: Desk) -> None:
    hotel.actor = SYSTEM
    hotel.run(lambda s: s.add(SignInAttempt(username="ana", outcome="failed")))
    request = BookingRequest(
        arrival=BUSINESS_DATE, nights=1, room_type="DBL",
        guest=GuestInput("Chidi Okafor"),
    )  # fmt: skip
    hotel.run(book, request)
    forgeries = [
        update(AuditLog).values(username="nobody"),
        update(AuditLog).values(after={"price": 1}),
        delete(AuditLog),
        update(SignInAttempt).values(outcome="ok"),
        delete(SignInAttempt),
    ]
    for forgery in forgeries:
        with pytest.raises(DBAPIError, match="append-only"):
            hotel.run(lambda s, f=forgery: s.execute(f))
    # The one change allowed: blanking the copies an anonymised guest's rows hold.
    hotel.run(lambda s: s.execute(update(AuditLog).values(before=None, after=None)))


@pytest.mark.parametrize("actor", [CLERK, SUPERVISOR, MANAGER])
def test_nobody_below_admin_adds_users(hotel: Desk, actor: Actor) -> None:
    from pms.hotel.users import create_user

    hotel.actor = actor
    with pytest.raises(PermissionDenied, match="adding a user needs the admin role"):
        hotel.run(create_user, "eve", "longsecret", "admin")


def test_overrides_are_in_the_trail_with_the_action(hotel: Desk) -> None:
    from pms.frontdesk.check_in import check_in
    from pms.housekeeping.room_status import set_housekeeping

    def booking(name: str, overbook: bool = False) -> BookingRequest:
        return BookingRequest(arrival=BUSINESS_DATE, nights=1, room_type="SUI",
                              guest=GuestInput(name), overbook=overbook)  # fmt: skip

    hotel.actor = SUPERVISOR
    first = hotel.run(book, booking("Lucía García")).confirmation
    hotel.run(set_housekeeping, "301", "dirty")
    hotel.run(check_in, first, "301", allow_dirty=True)
    hotel.actor = MANAGER
    hotel.run(book, booking("Chidi Okafor", overbook=True))

    def overrides(session) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
        rows = session.query(AuditLog).order_by(AuditLog.id)
        return [(r.username, r.action, r.after["override"]) for r in rows
                if r.after and "override" in r.after]  # fmt: skip

    assert hotel.read(overrides) == [
        ("sam", "check_in", "dirty room given"),
        ("maria", "create", "overbooking"),
    ]

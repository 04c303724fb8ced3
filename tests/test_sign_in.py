"""Signing in at the command line, as a hotel's morning goes: the clerk logs in once for the
shift, a name alone opens nothing, a guessed password locks the account until a supervisor
lifts it, the 2 a.m. script runs on an API token, and logging out closes the door again."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from conftest import PASSWORD
from test_cli import data, one_line_error, pms

from db.models import SignInAttempt
from pms.hotel.session_file import sessions_file
from pms.kernel.desk import Desk


@pytest.fixture
def nobody_signed_in(hotel: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine where nobody has run `pms login` yet (the hotel fixture signs the staff in)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "fresh-state"))


def login(db_url: str, user: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return pms(db_url, "login", "--user", user, "--password-stdin", input=password + "\n")


def attempts(desk: Desk, username: str) -> list[str]:
    def _read(session) -> list[str]:  # type: ignore[no-untyped-def]
        rows = session.query(SignInAttempt).filter_by(username=username).order_by(SignInAttempt.id)
        return [a.outcome for a in rows]

    return desk.read(_read)


@pytest.mark.usefixtures("nobody_signed_in")
def test_a_clerk_logs_in_for_the_shift_and_out_again(hotel: Desk, db_url: str) -> None:
    refused = pms(db_url, "--user", "ana", "property", "show")
    assert one_line_error(refused) == "not signed in as ana: run pms login --user ana"

    signed = login(db_url, "ana")
    assert signed.exit_code == 0, signed.output
    assert "Signed in as ana (clerk) until" in signed.stdout
    assert stat.S_IMODE(sessions_file().stat().st_mode) == 0o600
    assert PASSWORD not in sessions_file().read_text()

    # The last one to log in is who the commands act as; --user picks among stored sessions.
    me = data(pms(db_url, "whoami", "--json"))
    assert (me["username"], me["role"], me["kind"]) == ("ana", "clerk", "session")
    assert pms(db_url, "property", "show").exit_code == 0

    out = pms(db_url, "logout")
    assert "Signed out ana." in out.stdout
    assert "not signed in" in one_line_error(pms(db_url, "--user", "ana", "property", "show"))
    assert attempts(hotel, "ana") == ["ok"]


@pytest.mark.usefixtures("nobody_signed_in")
def test_a_name_alone_never_signs_anyone_in(
    hotel: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The three break-ins, each now one line.
    add = pms(db_url, "user", "add", "mallory", "--role", "admin", "--password", "xxxx")
    assert one_line_error(add) == "not signed in as admin: run pms login --user admin"
    monkeypatch.setenv("PMS_USER", "mallory")
    rates = pms(db_url, "rates", "set", "--plan", "BAR", "-t", "DBL", "--from", "2026-12-01",
               "--to", "2026-12-02", "--price", "1")  # fmt: skip
    assert one_line_error(rates) == "not signed in as mallory: run pms login --user mallory"
    monkeypatch.delenv("PMS_USER")
    refund = pms(db_url, "--user", "sam", "folio", "refund", "1", "--amount", "12.50",
                 "--reason", "x")  # fmt: skip
    assert one_line_error(refund) == "not signed in as sam: run pms login --user sam"
    assert login(db_url, "mallory", "xxxx").exit_code == 1


@pytest.mark.usefixtures("nobody_signed_in")
def test_five_wrong_passwords_lock_the_user_until_a_supervisor_unlocks(
    hotel: Desk, db_url: str
) -> None:
    for _ in range(4):
        assert one_line_error(login(db_url, "ana", "guess")) == "unknown user or wrong password"
    fifth = one_line_error(login(db_url, "ana", "guess"))
    assert "ana is locked after 5 failed sign-ins until" in fifth
    assert "locked" in one_line_error(login(db_url, "ana"))  # even the right password

    assert login(db_url, "sam").exit_code == 0
    unlocked = pms(db_url, "--user", "sam", "user", "unlock", "ana")
    assert unlocked.exit_code == 0, unlocked.output
    assert login(db_url, "ana").exit_code == 0
    assert attempts(hotel, "ana") == ["failed"] * 5 + ["refused", "unlocked", "ok"]
    # An unknown user is counted and answered the same: nobody learns who works here.
    assert one_line_error(login(db_url, "nobody", "x")) == "unknown user or wrong password"


def test_a_clerk_cannot_unlock_and_a_lock_ends_by_itself(hotel: Desk, db_url: str) -> None:
    refused = pms(db_url, "--user", "ana", "user", "unlock", "sam")
    assert "unlocking a user needs the supervisor role" in one_line_error(refused)

    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)

    def _old_failures(session) -> None:  # type: ignore[no-untyped-def]
        session.add_all(
            SignInAttempt(username="sam", outcome="failed", at=long_ago) for _ in range(5)
        )

    hotel.run(_old_failures)
    assert login(db_url, "sam").exit_code == 0


def test_the_night_audit_script_runs_on_an_api_token(
    hotel: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = pms(db_url, "--user", "admin", "token", "create", "--user", "maria", "--expires",
               "90d", "--label", "night audit cron")  # fmt: skip
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert "shown this once" in made.stdout
    clerk = pms(db_url, "--user", "ana", "token", "create", "--user", "ana")
    assert "creating an API token needs the admin role" in one_line_error(clerk)

    monkeypatch.setenv("PMS_TOKEN", token)
    me = data(pms(db_url, "whoami", "--json"))
    assert (me["username"], me["role"], me["kind"]) == ("maria", "manager", "api")
    assert "PMS_TOKEN signs in maria, not ana" in one_line_error(pms(db_url, "--user", "ana",
                                                                     "whoami"))  # fmt: skip
    monkeypatch.delenv("PMS_TOKEN")

    listed = data(pms(db_url, "--user", "admin", "token", "list", "--json"))
    api = [t for t in listed if t["kind"] == "api"]
    assert [(t["username"], t["label"], t["revoked"]) for t in api] == [
        ("maria", "night audit cron", False)
    ]
    assert token not in str(listed)
    revoked = pms(db_url, "--user", "admin", "token", "revoke", str(api[0]["id"]))
    assert revoked.exit_code == 0, revoked.output
    monkeypatch.setenv("PMS_TOKEN", token)
    assert one_line_error(pms(db_url, "whoami")) == "the api token of maria was revoked"
    monkeypatch.setenv("PMS_TOKEN", "made-up")
    assert "not one this database knows" in one_line_error(pms(db_url, "whoami"))
    monkeypatch.delenv("PMS_TOKEN")
    assert "expires must be" in one_line_error(
        pms(db_url, "--user", "admin", "token", "create", "--user", "ana", "--expires", "forever")
    )


def test_init_prints_the_admin_password_once_and_it_signs_in(db_url: str, desk: Desk) -> None:
    made = data(pms(db_url, "init", "--code", "NEW", "--name", "New Inn", "--json"))
    assert made["admin"] == "admin" and made["password"]
    # Whoever set the database up is signed in on this machine, and only here.
    assert data(pms(db_url, "whoami", "--json"))["username"] == "admin"
    assert "Signed out admin." in pms(db_url, "logout").stdout
    assert "not signed in" in one_line_error(pms(db_url, "property", "show"))
    assert login(db_url, "admin", made["password"]).exit_code == 0
    assert pms(db_url, "property", "show").exit_code == 0


def test_an_expired_session_asks_for_a_new_login(hotel: Desk, db_url: str) -> None:
    def _expire(session) -> None:  # type: ignore[no-untyped-def]
        from db.models import AccessToken

        for access in session.query(AccessToken):
            access.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)

    hotel.run(_expire)
    expired = pms(db_url, "--user", "ana", "property", "show")
    assert one_line_error(expired) == "not signed in as ana: run pms login --user ana"

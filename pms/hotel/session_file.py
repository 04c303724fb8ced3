"""The sessions `pms login` keeps on this machine: one file in the user's state directory,
readable by that user alone (mode 0600), holding per database the session token of each user
who signed in and who signed in last.

The file holds tokens, not passwords; each expires with its session (`rules.session_hours`) and
`pms logout` removes it and ends it in the database too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from pms.kernel.config import APP_NAME


@dataclass(frozen=True)
class StoredSession:
    """A session this machine keeps for one user of one database."""

    username: str
    token: str
    expires_at: dt.datetime

    @property
    def expired(self) -> bool:
        """True once the session's time is up (the database would refuse it anyway)."""
        return self.expires_at <= dt.datetime.now(dt.UTC)


def sessions_file() -> Path:
    """Where the sessions live (XDG_STATE_HOME on Linux)."""
    return Path(platformdirs.user_state_dir(APP_NAME)) / "sessions.json"


def _load() -> dict[str, Any]:
    try:
        return json.loads(sessions_file().read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _save(data: dict[str, Any]) -> None:
    """Write the file whole, created 0600 before any token is in it, then moved into place."""
    path = sessions_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=1)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def remember(database: str, sessions: list[StoredSession], *, current: str | None) -> None:
    """Keep `sessions` for `database`; `current` (who just ran `pms login`) is the one used
    when a command names nobody."""
    data = _load()
    place = data.setdefault(database, {"current": None, "sessions": {}})
    for stored in sessions:
        place["sessions"][stored.username] = {
            "token": stored.token,
            "expires_at": stored.expires_at.isoformat(),
        }
    if current is not None:
        place["current"] = current
    _save(data)


def stored_session(database: str, username: str | None) -> StoredSession | None:
    """The session kept for `username` (None: whoever signed in last) on `database`."""
    place = _load().get(database, {})
    username = username or place.get("current")
    entry = place.get("sessions", {}).get(username) if username else None
    if entry is None:
        return None
    return StoredSession(username, entry["token"], dt.datetime.fromisoformat(entry["expires_at"]))


def last_signed_in(database: str) -> str | None:
    """Who ran `pms login` last on this machine for `database`."""
    return _load().get(database, {}).get("current")


def forget(database: str, username: str) -> None:
    """Drop a user's session from this machine (`pms logout`)."""
    data = _load()
    place = data.get(database)
    if place is None:
        return
    place["sessions"].pop(username, None)
    if place.get("current") == username:
        place["current"] = None
    _save(data)

"""How a desk starts: read the configuration, open the database, check it, sign the user in.

The CLI and the TUI both start here, so they agree on which database and which user. A name
(`--user`, `PMS_USER`, `rules.default_user`) only says whose `pms login` session to use; the
way in is always a token — that session, or an API token in `PMS_TOKEN`.
"""

from __future__ import annotations

import gc
import os
import socket

from pms.hotel.session_file import StoredSession, last_signed_in, remember, stored_session
from pms.hotel.sign_in import AccessTokenView, actor_for_token, open_session
from pms.kernel.config import Settings, load_settings
from pms.kernel.desk import Actor, Desk, safe_url
from pms.kernel.errors import NotSignedIn


def open_desk(
    database_url: str | None = None,
    username: str | None = None,
    *,
    ready: bool = True,
    sign_in: bool = True,
    face: str = "cli",
) -> tuple[Desk, Settings]:
    """A desk on the configured database.

    Args:
        database_url: the --db option; wins over PMS_DATABASE_URL and the config files.
        username: the --user option; else PMS_USER; names whose stored session to use.
        ready: check the database answers and is migrated, and sign the user in. Commands that
            create or migrate the database pass False and act as the system.
        sign_in: False leaves nobody signed in (`pms login`, the front desk's sign-in screen):
            the desk then refuses every write until someone signs in.
        face: `cli` or `tui`, noted with the machine's name on every audit row.
    """
    settings = load_settings(database_url)
    desk = Desk.open(settings.database_url, rules=settings.rules)
    desk.name = f"{face}@{socket.gethostname()}"[:80]
    if ready:
        desk.check_ready()
        desk.actor = signed_in(desk, username)[0] if sign_in else None
    # Everything loaded so far (modules, mappers, settings) lives as long as the process: keep
    # it out of the collector's full passes, which otherwise cost 60–120 ms each in a desk that
    # quotes all day (measured by benchmarks/quote.py). No collection first: it would cost a
    # command ~30 ms to find almost nothing.
    gc.freeze()
    return desk, settings


def signed_in(desk: Desk, username: str | None) -> tuple[Actor, AccessTokenView]:
    """Who the desk acts as: the holder of PMS_TOKEN, else the stored session of the user
    named, else of whoever ran `pms login` last, else of `rules.default_user`.

    Raises:
        NotSignedIn: with the one line that says how to sign in.
    """
    named = username or os.environ.get("PMS_USER") or None
    if token := os.environ.get("PMS_TOKEN"):
        actor, access = desk.read(actor_for_token, token)
        if named and named.strip().lower() != actor.username:
            raise NotSignedIn(f"PMS_TOKEN signs in {actor.username}, not {named}")
        return actor, access
    database = session_key(desk)
    chosen = named or last_signed_in(database) or desk.rules.default_user
    stored = stored_session(database, chosen)
    if stored is None or stored.expired:
        raise NotSignedIn(f"not signed in as {chosen}: run pms login --user {chosen}")
    try:
        return desk.read(actor_for_token, stored.token)
    except NotSignedIn:
        raise NotSignedIn(f"not signed in as {chosen}: run pms login --user {chosen}") from None


def session_key(desk: Desk) -> str:
    """The database a stored session belongs to, as the session file names it."""
    return safe_url(desk.engine)


def keep_session(desk: Desk, username: str) -> StoredSession:
    """Sign in the administrator `pms init` or `pms demo` has just made, on this machine, as
    `pms login` would: whoever set the database up holds its first password anyway."""
    opened = desk.run(open_session, username, desk.rules.session_hours)
    assert opened.token is not None and opened.expires_at is not None
    stored = StoredSession(opened.username, opened.token, opened.expires_at)
    remember(session_key(desk), [stored], current=opened.username)
    return stored

"""Signing in on the command line: `pms login`, `pms logout`, `pms whoami`.

`pms login` checks the password once and keeps a session token in the user's state directory
(`pms.hotel.session_file`), so the commands of a shift run without asking again; `--user` and
`PMS_USER` afterwards only choose whose session to use.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.markup import escape

from commands import GlobalOptions, JsonOption, open_for
from commands.output import console, print_json
from pms.kernel.errors import InvalidInput

UserOption = Annotated[
    str | None,
    typer.Option(
        "--user", metavar="NAME", help="Who signs in; else the global --user or PMS_USER."
    ),
]


def _named(ctx: typer.Context, user: str | None) -> str | None:
    options = ctx.find_object(GlobalOptions)
    return user or (options.user if options else None) or os.environ.get("PMS_USER") or None


def login(
    ctx: typer.Context,
    user: UserOption = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from one line of standard input."),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Sign in: asks for the password once and keeps a session until the end of the shift."""
    from pms.hotel.session_file import StoredSession, remember
    from pms.hotel.sign_in import sign_in
    from pms.startup import session_key

    desk, settings = open_for(ctx, sign_in=False)
    username = _named(ctx, user) or typer.prompt("User")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True)
    else:
        raise InvalidInput("password", "give --password-stdin to read the password from a pipe")
    signed = sign_in(desk, username, password, session_hours=settings.rules.session_hours)
    assert signed.token is not None and signed.expires_at is not None
    remember(
        session_key(desk),
        [StoredSession(signed.username, signed.token, signed.expires_at)],
        current=signed.username,
    )
    if json_output:
        print_json(
            {"username": signed.username, "role": signed.role, "expires_at": signed.expires_at}
        )
        return
    console().print(
        f"Signed in as [bold]{escape(signed.username)}[/] ({signed.role}) until "
        f"{signed.expires_at:%a %d %b %H:%M} UTC."
    )


def logout(ctx: typer.Context, user: UserOption = None, json_output: JsonOption = False) -> None:
    """Sign out: end the session in the database and forget it on this machine."""
    from pms.hotel.session_file import forget, last_signed_in, stored_session
    from pms.hotel.sign_in import sign_out
    from pms.startup import session_key

    desk, _ = open_for(ctx, sign_in=False)
    database = session_key(desk)
    username = _named(ctx, user) or last_signed_in(database) or desk.rules.default_user
    stored = stored_session(database, username)
    ended = stored is not None and desk.run(sign_out, stored.token)
    forget(database, username)
    if json_output:
        print_json({"username": username, "signed_out": ended})
        return
    console().print(
        f"Signed out {escape(username)}." if ended else f"{escape(username)} was not signed in."
    )


def whoami(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Who the commands act as here, in which role, and until when."""
    from pms.startup import signed_in

    desk, _ = open_for(ctx, sign_in=False)
    actor, access = signed_in(desk, _named(ctx, None))
    info = {"username": actor.username, "role": actor.role, "kind": access.kind,
            "expires_at": access.expires_at, "database": desk.database_tag}  # fmt: skip
    if json_output:
        print_json(info)
        return
    console().print(
        f"[bold]{escape(actor.username)}[/] ({actor.role}) by {access.kind} token until "
        f"{access.expires_at:%a %d %b %H:%M} UTC, on {escape(desk.database_tag)}."
    )

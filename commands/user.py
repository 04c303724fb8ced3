"""The hotel's staff: `pms user add|list|unlock|permissions` (adding users is for admins)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, desk_for
from commands.output import Column, console, print_json, print_rows
from pms.hotel.users import UserView, create_user, list_users
from pms.kernel.permissions import PERMISSIONS, Permission

app = typer.Typer(help="Who may sign in, and in which role.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Sign-in name: letters, digits or _.")],
    *,  # keyword-only, so the required password may follow the options with defaults
    role: Annotated[str, typer.Option(help="clerk, supervisor, manager or admin.")],
    full_name: Annotated[str, typer.Option(help="Name shown in the header and audit.")] = "",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Asked for, hidden and twice, when left out (keeps it out of shell history).",
        ),
    ],
    json_output: JsonOption = False,
) -> None:
    """Add a user who can sign in at a desk."""
    view = desk_for(ctx).run(create_user, username, password, role, full_name)
    if json_output:
        print_json(view)
        return
    console().print(f"Added [bold]{escape(view.username)}[/] ({view.role}).")


@app.command("list")
def list_(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List every user with their role."""
    print_rows(desk_for(ctx).read(list_users), _USER_COLUMNS, json_output=json_output)


_USER_COLUMNS: list[Column[UserView]] = [
    Column("user", lambda u: escape(u.username)),
    Column("name", lambda u: escape(u.full_name)),
    Column("role", lambda u: u.role),
    Column("active", lambda u: "yes" if u.active else "no"),
]


@app.command("unlock")
def unlock(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user locked out by failed sign-ins.")],
    json_output: JsonOption = False,
) -> None:
    """Lift a lockout before its 15 minutes are up (supervisors and above)."""
    from pms.hotel.sign_in import unlock_user

    desk_for(ctx).run(unlock_user, username)
    if json_output:
        print_json({"username": username, "unlocked": True})
        return
    console().print(f"Unlocked {escape(username)}.")


@app.command("permissions")
def permissions(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """The permission matrix: every guarded action and the lowest role that may do it."""
    print_rows(list(PERMISSIONS.values()), _PERMISSION_COLUMNS, json_output=json_output)


_PERMISSION_COLUMNS: list[Column[Permission]] = [
    Column("action", lambda p: p.action),
    Column("lowest role", lambda p: p.role),
    Column("kind", lambda p: p.kind),
    Column("what", lambda p: p.doing),
]

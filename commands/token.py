"""API tokens from the command line: `pms token create|list|revoke` (administrators).

A token is printed once, when it is made; scripts read it from PMS_TOKEN.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, desk_for
from commands.output import Column, console, print_json, print_rows
from pms.hotel.sign_in import AccessTokenView
from pms.hotel.tokens import create_api_token, list_tokens, parse_lifetime, revoke_token

app = typer.Typer(help="API tokens for scripts and cron jobs (PMS_TOKEN).", no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", metavar="NAME", help="Whom the token signs in.")],
    expires: Annotated[str, typer.Option(help="Lifetime in days, e.g. 90d.")] = "90d",
    label: Annotated[str, typer.Option(help="What the token is for, e.g. night audit cron.")] = "",
    json_output: JsonOption = False,
) -> None:
    """Make an API token for a user; it is shown this once and kept only hashed."""
    desk = desk_for(ctx)
    new = desk.run(create_api_token, user, parse_lifetime(expires), label)
    if json_output:
        print_json(new)
        return
    out = console()
    out.print(
        f"Token #{new.id} for [bold]{escape(new.username)}[/] until "
        f"{new.expires_at:%Y-%m-%d} — shown this once; set it as PMS_TOKEN:"
    )
    typer.echo(new.token)


@app.command("list")
def list_(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List the API tokens and sign-in sessions that have not expired (never the tokens)."""
    print_rows(desk_for(ctx).read(list_tokens), _TOKEN_COLUMNS, json_output=json_output)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The number `token list` shows.")],
    json_output: JsonOption = False,
) -> None:
    """End a token or a session now."""
    view = desk_for(ctx).run(revoke_token, token_id)
    if json_output:
        print_json(view)
        return
    console().print(f"Revoked token #{view.id} of {escape(view.username)}.")


_TOKEN_COLUMNS: list[Column[AccessTokenView]] = [
    Column("#", lambda t: str(t.id), justify="right"),
    Column("user", lambda t: escape(t.username)),
    Column("kind", lambda t: t.kind),
    Column("label", lambda t: escape(t.label)),
    Column("expires", lambda t: f"{t.expires_at:%Y-%m-%d %H:%M}"),
    Column("revoked", lambda t: "yes" if t.revoked else ""),
]

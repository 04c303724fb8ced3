"""The booking API: `pms api serve` runs it; `pms api key add|list|revoke` manage the channels'
keys (administrators only); `pms api openapi` prints its spec (kept as docs/openapi.json).

FastAPI and uvicorn load only inside `serve` and `openapi`, so `pms --help` stays fast.
"""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, desk_for
from commands.output import Column, console, day, plain, print_json, print_rows
from pms.channels.keys import SCOPES, KeyView, add_key, list_keys, revoke_key

app = typer.Typer(
    help="The booking API for the website and channel managers.", no_args_is_help=True
)
key_app = typer.Typer(help="API keys, one or more per channel.", no_args_is_help=True)
app.add_typer(key_app, name="key")


@key_app.command("add")
def key_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The channel, e.g. website or siteminder.")],
    *,
    scopes: Annotated[
        str, typer.Option(help=f"What the key may do, comma-separated: {', '.join(SCOPES)}.")
    ],
    rate_limit: Annotated[
        int, typer.Option("--rate-limit", metavar="N", help="Requests a minute.")
    ] = 600,
    json_output: JsonOption = False,
) -> None:
    """Make a key for a channel; it is shown this once (only its hash is kept)."""
    new = desk_for(ctx).run(add_key, name, scopes.split(","), rate_limit)
    if json_output:
        print_json({"key": new.key, **plain(new.view)})
        return
    view = new.view
    console().print(
        f"Key [bold]{view.key_id}[/] for {escape(view.channel)} ({', '.join(view.scopes)}, "
        f"{view.rate_limit}/min). Keep it now — it is not shown again:\n{new.key}"
    )


@key_app.command("list")
def key_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Every key with its channel, scopes and state (never the key itself)."""
    print_rows(desk_for(ctx).read(list_keys), _KEY_COLUMNS, json_output=json_output)


@key_app.command("revoke")
def key_revoke(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key id `pms api key list` shows.")],
    json_output: JsonOption = False,
) -> None:
    """Stop a key from working (a running server drops it within 10 seconds)."""
    view = desk_for(ctx).run(revoke_key, key_id)
    if json_output:
        print_json(view)
        return
    console().print(f"Revoked key {view.key_id} of {escape(view.channel)}.")


_KEY_COLUMNS: list[Column[KeyView]] = [
    Column("key id", lambda k: k.key_id, no_wrap=True),
    Column("channel", lambda k: escape(k.channel)),
    Column("scopes", lambda k: ", ".join(k.scopes)),
    Column("limit/min", lambda k: str(k.rate_limit), justify="right"),
    Column("made", lambda k: f"{day(k.created_at.date())} by {escape(k.created_by)}"),
    Column("state", lambda k: "revoked" if k.revoked_at else "active"),
]


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    workers: Annotated[
        int,
        typer.Option(min=1, max=64, help="Server processes; each has its own rate limits."),
    ] = 1,
) -> None:
    """Serve the API (and Prometheus metrics at /metrics) until Ctrl-C.

    A worker answers one request at a time (the endpoints run on its event loop, which
    measured faster than a thread pool the GIL serialises anyway): more traffic, more workers.
    """
    import uvicorn

    from api.app import create_app

    # The server signs no one in: each request acts as its key's channel. The database must
    # still be there and migrated before the first request.
    desk = desk_for(ctx, ready=False)
    desk.check_ready()
    if workers == 1:
        uvicorn.run(create_app(desk), host=host, port=port, access_log=False)
        return
    os.environ["PMS_DATABASE_URL"] = desk.engine.url.render_as_string(hide_password=False)
    uvicorn.run("api.app:from_environment", factory=True, workers=workers, host=host,
                port=port, access_log=False)  # fmt: skip


@app.command("openapi")
def openapi() -> None:
    """Print the API's OpenAPI spec (JSON), as kept in docs/openapi.json."""
    typer.echo(openapi_text(), nl=False)


def openapi_text() -> str:
    """The spec as committed: generated from the app, indented, keys in order."""
    from api.app import create_app
    from pms.kernel.desk import Desk

    spec = create_app(Desk.open("sqlite://")).openapi()
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

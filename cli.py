"""The `pms` command line: the global options, the wiring of the sub-commands, the one error
handler, and the front desk (the TUI) when no command is given.

Each area's commands live in their own module of `commands/`; nothing here talks to the hotel.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from commands import (
    GlobalOptions,
    desk_for,
    folio,
    frontdesk,
    guest,
    loyalty,
    payments,
    properties,
    quote,
    rateplan,
    rates,
    reservation,
    revenue,
    review,
    search,
    setup,
    setup_features,
    setup_property,
    setup_room_types,
    setup_rooms,
    user,
)
from pms.kernel.errors import InvalidInput, PmsError


class _RootGroup(TyperGroup):
    """The root command: every sub-command runs inside its `invoke`, so errors meet here once."""

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the command; turn any error into one line on stderr and exit code 1.

        Typer's own exits pass through untouched: usage errors (exit 2), --help, Ctrl-C.
        Anything else that is not a domain error (a database driver's error that slipped past
        the desk, a bug) still gets one line, so a clerk never faces a traceback; --debug
        re-raises to show it.
        """
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):
            raise
        except Exception as error:
            if ctx.params.get("debug"):
                raise
            typer.echo(f"error: {describe(error)}", err=True)
            raise typer.Exit(1) from None


def describe(error: Exception) -> str:
    """The error as one line: the clerk's message, led by the field it is about when the
    message does not name it already (`departure: a stay may last at most 60 nights`)."""
    if isinstance(error, PmsError):
        message = str(error)
        if isinstance(error, InvalidInput):
            field = error.field.replace("_", " ")
            if not re.search(rf"\b{re.escape(field)}\b", message, re.IGNORECASE):
                return f"{field}: {message}"
        return message
    lines = str(error).strip().splitlines()
    reason = f": {lines[0]}" if lines else ""
    return f"unexpected {type(error).__name__}{reason} (run with --debug to see where)"


app = typer.Typer(
    cls=_RootGroup,
    # Tracebacks shown with --debug must not print local variables: they may hold passwords.
    pretty_exceptions_show_locals=False,
)
app.command("init")(setup.init)
app.command("demo")(setup.demo)
app.add_typer(setup.db_app, name="db")
app.add_typer(setup_property.app, name="property")
app.command("availability")(properties.availability)
app.add_typer(reservation.app, name="reservation")
app.add_typer(user.app, name="user")
app.add_typer(rates.app, name="rates")
app.add_typer(rateplan.plan_app, name="rateplan")
app.add_typer(revenue.tax_app, name="tax")
app.add_typer(revenue.rule_app, name="pricing-rule")
app.add_typer(setup_room_types.app, name="room-type")
app.add_typer(setup_features.app, name="feature")
app.command("quote")(quote.quote)
app.add_typer(search.app, name="search")
app.add_typer(guest.app, name="guest")
app.command("checkin")(frontdesk.checkin)
app.command("walkin")(frontdesk.walkin)
app.command("checkout")(frontdesk.checkout)
app.add_typer(setup_rooms.app, name="room")
app.add_typer(folio.app, name="folio")
app.add_typer(payments.app, name="payments")
app.add_typer(loyalty.app, name="loyalty")
app.add_typer(review.app, name="review")


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Database URL (SQLAlchemy form); wins over PMS_DATABASE_URL and the config.",
        ),
    ] = None,
    user_name: Annotated[
        str | None,
        typer.Option(
            "--user",
            metavar="NAME",
            help="Act as this user; else PMS_USER, else the config's rules.default_user.",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an error, not just one line.")
    ] = False,
) -> None:
    """Hotel PMS: the front desk in your terminal. Without a command it opens the front desk."""
    ctx.obj = GlobalOptions(db=db, user=user_name, debug=debug)
    if ctx.invoked_subcommand is None:
        # Textual loads only when the front desk is wanted, so scripted commands start fast.
        from screens.app import FrontDeskApp

        FrontDeskApp(desk_for(ctx)).run()


def main() -> None:
    """Entry point of the `pms` script."""
    app()

"""The `pms` command line: the global options, the wiring of the sub-commands, the one error
handler, and the front desk (the TUI) when no command is given.

Each area's commands live in their own module of `commands/`; nothing here talks to the hotel.
"""

from __future__ import annotations

import os
import re
import sys
import time
from typing import Annotated, Any

import typer

from commands import GlobalOptions, desk_for
from commands.lazy import LazyCommand, LazyGroup, long_lived_imports
from pms.kernel.errors import InvalidInput, PmsError


class _RootGroup(LazyGroup):
    """The root command: every sub-command runs inside its `invoke`, so errors meet here once."""

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the command; turn any error into one line on stderr and exit code 1.

        Typer's own exits pass through untouched: usage errors (exit 2), --help, Ctrl-C.
        Anything else that is not a domain error (a database driver's error that slipped past
        the desk, a bug) still gets one line, so a clerk never faces a traceback; --debug
        re-raises to show it.
        """
        started = time.perf_counter()
        try:
            result = super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`pms export postings | head`): stop quietly, as cat and git
            # do, with the status of a process SIGPIPE ended; nothing more reaches the pipe.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(128 + 13) from None
        except Exception as error:
            _journal(ctx, started, error)
            if ctx.params.get("debug"):
                raise
            typer.echo(f"error: {describe(error)}", err=True)
            raise typer.Exit(1) from None
        _journal(ctx, started, None)
        return result


def _journal(ctx: typer.Context, started: float, error: Exception | None) -> None:
    """Note the command in the structured log: its duration, and any error's traceback."""
    if ctx.invoked_subcommand is None:
        return
    from pms.operations.journal import action_done

    options = ctx.find_object(GlobalOptions)
    user = options.acting if options else ""  # who signed in, not a name typed with --user
    action_done(ctx.invoked_subcommand, user, started, error)


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


#: Every sub-command of `pms`: name, where it lives, and the line `pms --help` shows beside it.
#: One line per sub-command; its module is imported only when that command runs, so adding one
#: costs the other commands nothing at start-up.
SUB_COMMANDS = (
    LazyCommand("init", "commands.setup:init", "Set up an empty database: migrate it, add the first property and its administrator."),
    LazyCommand("demo", "commands.setup:demo", "Make a realistic demo hotel: room types, floors, guests, and stays in every state."),
    LazyCommand("availability", "commands.properties:availability", "Rooms left to sell per room type and night: available / rooms to sell."),
    LazyCommand("quote", "commands.quote:quote", "Quote a stay: every room type and rate plan that can be sold, cheapest first."),
    LazyCommand("checkin", "commands.frontdesk:checkin", "Check an arrival in: give the room, hold the card first when --authorise is given, open the guest folio."),
    LazyCommand("walkin", "commands.frontdesk:walkin", "Book a guest standing at the desk and check them in at once (arriving today)."),
    LazyCommand("checkout", "commands.frontdesk:checkout", "Check an in-house guest out: every folio must be at zero; each becomes an invoice with the next number."),
    LazyCommand("db", "commands.setup:db_app", "The database schema (Alembic migrations)."),
    LazyCommand("property", "commands.setup_property:app", "The hotels in this database: details, settings, room types and rooms."),
    LazyCommand("reservation", "commands.reservation:app", "Book, find, change and cancel stays."),
    LazyCommand("user", "commands.user:app", "Who may sign in, and in which role."),
    LazyCommand("login", "commands.sign_in:login", "Sign in: asks for the password once and keeps a session for the shift."),
    LazyCommand("logout", "commands.sign_in:logout", "Sign out: end this machine's session."),
    LazyCommand("whoami", "commands.sign_in:whoami", "Who the commands act as here, and until when."),
    LazyCommand("token", "commands.token:app", "API tokens for scripts and cron jobs (PMS_TOKEN)."),
    LazyCommand("audit-log", "commands.audit_log:app", "The audit trail: who did what to money, overrides and users, when and where."),
    LazyCommand("rates", "commands.rates:app", "The rate sheet: prices and restrictions per night."),
    LazyCommand("rateplan", "commands.rateplan:plan_app", "Rate plans: base and derived, with their terms."),
    LazyCommand("tax", "commands.revenue:tax_app", "Taxes: VAT and city tax."),
    LazyCommand("pricing-rule", "commands.revenue:rule_app", "Dynamic pricing: prices that move with forecast occupancy."),
    LazyCommand("room-type", "commands.setup_room_types:app", "Room types: guests, features, overbooking, base price and extra persons."),
    LazyCommand("search", "commands.search:app", "Find guests, rooms and reservations (`pms search QUERY` is short for `pms search find QUERY`); rebuild the index."),
    LazyCommand("guest", "commands.guest:app", "Guest profiles: look up, add, change, merge and anonymise."),
    LazyCommand("room", "commands.setup_rooms:app", "Rooms: adding and retiring them, their type, floor and features; status, out of order, room moves and in-house stay changes."),
    LazyCommand("folio", "commands.folio:app", "Folios: charges, corrections, payments and invoices."),
    LazyCommand("payments", "commands.payments:app", "Payments: a stay's payments, unsettled ones, reconciliation."),
    LazyCommand("audit", "commands.audit:app", "The night audit: close the business date (run), see how it stands (status) and went (history)."),
    LazyCommand("report", "commands.report:report", "Reports: arrivals, departures, in-house, no-shows, cancellations, flash, history, forecast, journal, trial balance, ledgers, reviews."),
    LazyCommand("feature", "commands.setup_features:app", "Features: the words room types and rooms are described with (sea view, accessible …)."),
    LazyCommand("loyalty", "commands.loyalty:app", "Loyalty: members, points, tiers and the programme."),
    LazyCommand("review", "commands.review:app", "Guest reviews: enter, list, moderate, import and report."),
    LazyCommand("doctor", "commands.operations:doctor", "Check this installation: database, migrations, search index, payments, business dates, disk, config."),
    LazyCommand("backup", "commands.operations:backup", "Back the database up while desks work (SQLite online backup; pg_dump)."),
    LazyCommand("restore", "commands.operations:restore", "Replace the database's contents with a backup."),
    LazyCommand("api", "commands.api:app", "The booking API for the website and channel managers: serve it, manage its keys."),
    LazyCommand("import", "commands.imports:import_", "Import room types, rooms, rate plans, rates, guests or reservations from CSV or JSON, whole or not at all."),
    LazyCommand("export", "commands.imports:export", "Export guests, reservations, rates, postings, invoices or payments as CSV or JSON."),
)  # fmt: skip


class _PmsGroup(_RootGroup):
    """The `pms` root: the one error handler over the sub-commands of `SUB_COMMANDS`."""

    lazy_commands = SUB_COMMANDS


app = typer.Typer(
    cls=_PmsGroup,
    # Tracebacks shown with --debug must not print local variables: they may hold passwords.
    pretty_exceptions_show_locals=False,
)


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
            help="Use this user's `pms login` session (a name never signs in); else PMS_USER.",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an error, not just one line.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Write debug lines to the log file too.")
    ] = False,
) -> None:
    """Hotel PMS: the front desk in your terminal. Without a command it opens the front desk."""
    from pms.operations.journal import configure

    configure(verbose)  # errors are logged with their traceback, whatever the screen shows
    ctx.obj = GlobalOptions(db=db, user=user_name, debug=debug)
    if ctx.invoked_subcommand is None:
        # Textual loads only when the front desk is wanted, so scripted commands start fast.
        with long_lived_imports():
            from screens.app import FrontDeskApp

        FrontDeskApp(desk_for(ctx, sign_in=False, face="tui")).run()


def main() -> None:
    """Entry point of the `pms` script."""
    app()

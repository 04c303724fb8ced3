"""The night audit from the command line: `pms audit run|status|history|prechecks|reinstate`.

`run` shows tonight's pre-checks, asks before applying the yellow items' defaults (`--yes`
answers for an unattended run, e.g. cron at 2 a.m.), then closes the business date with a
progress bar per step; `--json` prints the run's summary. A run within `audit.min_hours` of
the last one asks first. Red items stop the run unless fixed or overridden by a supervisor
(`--override NAME=REASON`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from commands import JsonOption, PropertyOption, desk_for, open_for
from commands.output import Column, console, day, print_json, print_rows, table_of
from pms.kernel.errors import ConfigError, InvalidInput
from pms.night_audit.prechecks import Finding
from pms.night_audit.status import (
    RunView,
    StepView,
    audit_history,
    audit_status,
    hours_since_last_close,
    run_view,
    tonight_prechecks,
)

if TYPE_CHECKING:
    from rich.progress import TaskID

    from pms.kernel.config import Settings
    from pms.kernel.desk import Desk
    from pms.night_audit.run import Progress
    from pms.payments.gateways.interface import PaymentGateway

app = typer.Typer(help="The night audit: close the business date, see how it went.",
                  no_args_is_help=True)  # fmt: skip

_LEVEL_STYLE = {"red": "bold red", "yellow": "yellow"}


def _overrides(pairs: list[str] | None) -> dict[str, str]:
    overrides = {}
    for pair in pairs or []:
        name, equals, reason = pair.partition("=")
        if not equals or not reason.strip():
            raise InvalidInput("override", f"{pair!r} is not NAME=REASON")
        overrides[name.strip()] = reason.strip()
    return overrides


def print_findings(findings: list[Finding]) -> None:
    """The pre-checks in colours, each with what to do and what --yes does."""
    if not findings:
        console().print("[green]Pre-checks: nothing left undone.[/]")
        return
    for finding in findings:
        style = _LEVEL_STYLE[finding.level]
        items = ", ".join(finding.items[:8]) + (" …" if len(finding.items) > 8 else "")
        console().print(
            f"[{style}]● {finding.level}[/] {escape(finding.title)}: {escape(items)}\n"
            f"    fix: {escape(finding.fix)}\n"
            f"    --yes: {escape(finding.default)}  [dim]({finding.name})[/]"
        )


@app.command("prechecks")
def prechecks(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """Tonight's pre-checks, as the audit would find them now."""
    findings = desk_for(ctx).read(tonight_prechecks, property_code)
    if json_output:
        print_json(findings)
    else:
        print_findings(findings)


@app.command("run")
def run(
    ctx: typer.Context,
    property_code: PropertyOption = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="The date to close; it must be the business date."),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Apply every yellow item's default; ask nothing.")
    ] = False,
    override: Annotated[
        list[str] | None,
        typer.Option("--override", metavar="NAME=REASON",
                     help="Let a red pre-check through (a supervisor's, logged). Repeatable."),
    ] = None,
    json_output: JsonOption = False,
) -> None:  # fmt: skip
    """Close the business date: pre-checks, no-shows, room and tax, statistics, ledgers, roll."""
    from pms.night_audit.run import AuditBlocked, run_night_audit

    desk, settings = open_for(ctx)
    overrides = _overrides(override)
    asked = not yes  # the pre-checks are shown before the question
    if asked:
        yes = _ask_first(desk, property_code, settings.audit.min_hours, json_output, overrides)
    try:
        with _step_progress(json_output) as progress:
            run_id = run_night_audit(
                desk, property_code, business_date=date, yes=yes, overrides=overrides,
                progress=progress, gateway=_card_gateway(settings),
            )  # fmt: skip
    except AuditBlocked as blocked:
        if not json_output and not asked:
            print_findings(blocked.findings)
        raise
    view = desk.read(run_view, run_id)
    if json_output:
        print_json(view)
        return
    _print_run(view)
    console().print(f"Closed {day(view.business_date)}; the business date is now "
                    f"{day(view.business_date + dt.timedelta(days=1))}.")  # fmt: skip


def _card_gateway(settings: Settings) -> PaymentGateway | None:
    """The card gateway that charges no-show fees to the cards held, when one is configured
    (STRIPE_API_KEY); without it the fees stay on the folios."""
    from pms.payments.gateways.stripe_gateway import gateway_from_settings

    try:
        return gateway_from_settings(settings)
    except ConfigError:
        return None


def _ask_first(
    desk: Desk, property_code: str | None, min_hours: float, quiet: bool, overrides: dict[str, str]
) -> bool:
    """Show the pre-checks and ask before applying their defaults; ask too when the last close
    was less than `min_hours` ago. Returns whether the yellow defaults may be applied."""
    since = desk.read(hours_since_last_close, property_code)
    if since is not None and since < min_hours:
        typer.confirm(
            f"The last day was closed {since:.1f} hours ago (audit.min_hours is {min_hours:g}). "
            "Close another day?", abort=True, err=True,
        )  # fmt: skip
    findings = desk.read(tonight_prechecks, property_code)
    if not quiet:
        print_findings(findings)
    if any(f.level == "red" and f.name not in overrides for f in findings):
        return False  # the run stops at them, with what to do
    if any(f.level == "yellow" for f in findings):
        return typer.confirm("Apply the default of every yellow item and go on?", err=True)
    return False


@contextmanager
def _step_progress(quiet: bool) -> Iterator[Progress | None]:
    """A rich bar per step on stderr (none with --json), fed by the audit's progress."""
    if quiet:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bars

    from pms.night_audit.run import STEP_TITLES

    tasks: dict[str, TaskID] = {}
    with Bars(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
              console=console(stderr=True), transient=True) as bars:  # fmt: skip

        def advance(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bars.add_task(STEP_TITLES[step], total=total)
            bars.update(tasks[step], completed=done, total=total)

        yield advance


_STEP_COLUMNS: list[Column[StepView]] = [
    Column("Step", lambda s: s.step),
    Column("Status", lambda s: s.status),
    Column("By", lambda s: s.username),
    Column("Started", lambda s: f"{s.started_at:%H:%M:%S}" if s.started_at else ""),
    Column("Finished", lambda s: f"{s.finished_at:%H:%M:%S}" if s.finished_at else ""),
    Column("Counts", lambda s: escape(_counts(s.counts))),
]


def _counts(counts: dict[str, object]) -> str:
    """A step's counts on one line: a pre-check as its level and number of items."""
    parts = []
    for name, value in counts.items():
        if isinstance(value, dict) and "items" in value:
            parts.append(f"{name} {len(value['items'])} ({value.get('level')})")
        elif isinstance(value, list):
            parts.append(f"{name} {', '.join(map(str, value)) or '—'}")
        else:
            parts.append(f"{name} {value}")
    return ", ".join(parts)


def _print_run(view: RunView) -> None:
    holder = ""
    if view.holder:
        holder = f", held by {view.holder} ({'alive' if view.alive else 'gone'})"
    console().print(
        f"[bold]{view.property}[/] {day(view.business_date)}: {view.status}, started by "
        f"{view.username} at {view.started_at:%Y-%m-%d %H:%M:%S} UTC{escape(holder)}"
    )
    console().print(table_of(view.steps, _STEP_COLUMNS))


@app.command("status")
def status(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """The business date, the run closing it (if one began) and the last day closed."""
    state = desk_for(ctx).read(audit_status, property_code)
    if json_output:
        print_json(state)
        return
    console().print(f"[bold]{state.property}[/] business date {day(state.business_date)}")
    if state.current:
        _print_run(state.current)
    else:
        console().print("No audit of this date has started.")
    if state.last_closed:
        last = state.last_closed
        console().print(f"Last closed: {day(last.business_date)} by {last.username}, finished "
                        f"{last.finished_at:%Y-%m-%d %H:%M} UTC.")  # fmt: skip


_RUN_COLUMNS: list[Column[RunView]] = [
    Column("Date", lambda r: day(r.business_date), no_wrap=True),
    Column("Status", lambda r: r.status),
    Column("By", lambda r: r.username),
    Column("Started", lambda r: f"{r.started_at:%Y-%m-%d %H:%M}" if r.started_at else ""),
    Column("Took", lambda r: _took(r), justify="right"),
    Column("Steps done", lambda r: str(sum(s.status in ("done", "skipped") for s in r.steps)),
           justify="right"),
]  # fmt: skip


def _took(run: RunView) -> str:
    if not run.started_at or not run.finished_at:
        return ""
    return f"{(run.finished_at - run.started_at).total_seconds():.1f} s"


@app.command("history")
def history(
    ctx: typer.Context,
    property_code: PropertyOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=366, help="How many runs.")] = 30,
    json_output: JsonOption = False,
) -> None:
    """The latest closings, newest first."""
    runs = desk_for(ctx).read(audit_history, property_code, limit)
    print_rows(runs, _RUN_COLUMNS, json_output=json_output, empty="No day has been closed yet.")


@app.command("reinstate")
def reinstate(
    ctx: typer.Context,
    confirmation: Annotated[str, typer.Argument(help="The no-show's confirmation number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (audit-logged).")],
    json_output: JsonOption = False,
) -> None:
    """Bring back a no-show of the day just closed (a supervisor's): it arrives today."""
    from pms.night_audit.no_shows import reinstate_no_show

    view = desk_for(ctx).run(reinstate_no_show, confirmation, reason)
    if json_output:
        print_json(view)
        return
    console().print(f"Reinstated {view.confirmation}: arriving {day(view.arrival)}, "
                    f"leaving {day(view.departure)}.")  # fmt: skip

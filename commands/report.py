"""Reports from the command line: `pms report NAME [--date D | --from A --to B]
[--format table|csv|json] [--chart]`.

Lists (arrivals, departures, in-house, no-shows, cancellations), the manager's flash, history
and forecast by room type, the journal and trial balance, the guest, city (aged) and deposit
ledgers, the final reports the audit stored, and the guests' reviews. Money in JSON and CSV is
integer minor units with the currency beside it; tables show it formatted.
"""

from __future__ import annotations

import csv
import dataclasses
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

import typer
from rich.markup import escape

from commands import JsonOption, PropertyOption, desk_for
from commands.output import Column, console, day, plain, print_json, table_of
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput
from pms.kernel.money import format_money

NAMES = (
    "arrivals", "departures", "in-house", "no-shows", "cancellations", "flash", "history",
    "forecast", "journal", "trial-balance", "guest-ledger", "city-ledger", "deposit-ledger",
    "final", "reviews",
)  # fmt: skip


class Format(StrEnum):
    """How a report is printed."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


@dataclasses.dataclass(frozen=True)
class _Ask:
    """What the person asked for, handed to each report's printer."""

    desk: Desk
    property_code: str | None
    date: str | None
    first: str | None
    last: str | None
    days: int
    form: Format
    chart: bool

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency)

    @cached_property
    def currency(self) -> str:
        from pms.hotel.properties import resolve_property

        return self.desk.read(lambda s: resolve_property(s, self.property_code).currency)


def report(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=f"The report: {', '.join(NAMES)}.")],
    date: Annotated[str | None, typer.Option("--date", help="One day (default: the business "
                                             "date; the last closed day for the flash).")] = None,
    first: Annotated[str | None, typer.Option("--from", help="First day of a range.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day of a range.")] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=731,
                                      help="Days of history or forecast.")] = 30,
    form: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.TABLE,
    chart: Annotated[bool, typer.Option("--chart", help="Draw the figures with plotext too "
                                        "(forecast, history, flash).")] = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:  # fmt: skip
    """Print a report of the hotel's days (see NAME)."""
    key = name.strip().lower().replace("_", "-")
    if key not in _PRINTERS:
        raise InvalidInput("report", f"there is no report {name!r} (known: {', '.join(NAMES)})")
    ask = _Ask(desk_for(ctx), property_code, date, first, last, days,
               Format.JSON if json_output else form, chart)  # fmt: skip
    _PRINTERS[key](ask, key)


# --- printing -------------------------------------------------------------------------------


def _flat(row: Any) -> dict[str, Any]:
    data = plain(row)
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat |= {f"{key}_{inner}": item for inner, item in value.items()}
        elif not isinstance(value, list):
            flat[key] = value
    return flat


def _emit(ask: _Ask, rows: Sequence[Any], columns: Sequence[Column[Any]], *,
          title: str, whole: Any = None, empty: str = "") -> None:  # fmt: skip
    """Print the rows in the asked format: JSON (of `whole` when given), CSV, or a table."""
    if ask.form == Format.JSON:
        print_json(whole if whole is not None else {"currency": ask.currency, "rows": rows})
    elif ask.form == Format.CSV:
        flat = [_flat(row) for row in rows]
        writer = csv.DictWriter(sys.stdout, fieldnames=list(flat[0]) if flat else ["empty"])
        writer.writeheader()
        writer.writerows(flat)
    elif not rows and empty:
        console().print(empty)
    else:
        console().print(table_of(rows, columns, title=title))


def _right(heading: str, cell: Callable[[Any], str]) -> Column[Any]:
    return Column(heading, cell, justify="right")


def _lists(ask: _Ask, key: str) -> None:
    from pms.reports.lists import stay_list

    rows = ask.desk.read(stay_list, key, ask.property_code, ask.date, ask.first, ask.last)
    columns = [
        Column("Confirmation", lambda r: r.confirmation, no_wrap=True),
        Column("Guest", lambda r: escape(r.guest)),
        Column("Type", lambda r: r.room_type),
        Column("Room", lambda r: r.room),
        Column("Arrival", lambda r: day(r.arrival), no_wrap=True),
        Column("Departure", lambda r: day(r.departure), no_wrap=True),
        _right("Nights", lambda r: str(r.nights)),
        _right("Guests", lambda r: f"{r.adults}+{r.children}" if r.children else str(r.adults)),
        Column("Plan", lambda r: r.rate_plan),
        Column("Status", lambda r: r.status),
        _right("Room total", lambda r: ask.money(r.room_total)),
    ]
    _emit(ask, rows, columns, title=key.replace("-", " ").capitalize(),
          empty=f"No {key.replace('-', ' ')} in those days.")  # fmt: skip


_FLASH_ROWS: list[tuple[str, str, bool]] = [
    ("Rooms available", "rooms_available", False), ("Rooms occupied", "occupied", False),
    ("Rooms sold", "rooms_sold", False), ("Comp", "comp", False),
    ("House use", "house_use", False), ("Out of order", "out_of_order", False),
    ("Occupancy %", "occupancy", False), ("ADR", "adr", True), ("RevPAR", "revpar", True),
    ("TRevPAR", "trevpar", True), ("Room revenue", "room_revenue", True),
    ("Other revenue", "other_revenue", True), ("Tax", "tax", True),
    ("Arrivals", "arrivals", False), ("Departures", "departures", False),
    ("No-shows", "no_shows", False), ("Multiple occupancy %", "multiple_occupancy", False),
    ("Guests", "guests", False),
]  # fmt: skip


def _flash(ask: _Ask, key: str) -> None:
    from pms.reports.flash import flash_report

    flash = ask.desk.read(flash_report, ask.property_code, ask.date)
    if ask.form != Format.TABLE:
        _emit(ask, flash.columns, [], title="", whole=flash)
        return
    money = lambda minor: format_money(minor, flash.currency)  # noqa: E731
    lines = [(label, [money(getattr(c, f)) if is_money else str(getattr(c, f))
                      for c in flash.columns]) for label, f, is_money in _FLASH_ROWS]  # fmt: skip
    columns = [Column("", lambda line: line[0])] + [
        _right(c.period, lambda line, i=i: line[1][i]) for i, c in enumerate(flash.columns)
    ]
    console().print(table_of(lines, columns, title=f"Flash of {flash.property}, "
                                                   f"{day(flash.business_date)}"))  # fmt: skip
    if ask.chart:
        from pms.reports.history import history

        _chart(ask, "Room revenue by day", ask.desk.read(history, ask.property_code, ask.days))


def _days(ask: _Ask, key: str) -> None:
    from pms.reports.history import forecast, history

    if key == "history":
        rows = ask.desk.read(history, ask.property_code, ask.days, ask.date)
    else:
        rows = ask.desk.read(forecast, ask.property_code, ask.days, ask.date or ask.first)
    columns = [
        Column("Date", lambda r: day(r.date), no_wrap=True),
        Column(
            "Type", lambda r: f"[bold]{r.room_type}[/]" if r.room_type == "ALL" else r.room_type
        ),
        _right("Available", lambda r: str(r.rooms_available)),
        _right("Sold", lambda r: str(r.rooms_sold)),
        _right("Occupancy %", lambda r: str(r.occupancy)),
        _right("Room revenue", lambda r: ask.money(r.room_revenue)),
        _right("ADR", lambda r: ask.money(r.adr)),
    ]
    _emit(ask, rows, columns, title=f"{key.capitalize()} ({rows[0].basis})" if rows else key)
    if ask.chart and ask.form == Format.TABLE:
        _chart(ask, f"{key.capitalize()}: occupancy % and room revenue", rows)


def _chart(ask: _Ask, title: str, rows: Sequence[Any]) -> None:
    """Occupancy and revenue of the days (ALL lines) as a plotext chart in the terminal."""
    import plotext

    from pms.kernel.money import from_minor

    totals = [r for r in rows if r.room_type == "ALL"]
    labels = [f"{r.date:%d.%m}" for r in totals]
    plotext.clear_figure()
    plotext.subplots(2, 1)
    plotext.subplot(1, 1).title(f"{title} — occupancy %")
    plotext.bar(labels, [float(r.occupancy) for r in totals])
    plotext.subplot(2, 1).title(f"room revenue ({ask.currency})")
    plotext.bar(labels, [float(from_minor(r.room_revenue, ask.currency)) for r in totals])
    plotext.plotsize(100, 30)
    plotext.theme("clear")
    typer.echo(plotext.build())


def _journal(ask: _Ask, key: str) -> None:
    from pms.reports.journal import journal, trial_balance

    columns = [
        Column("Code", lambda r: r.code),
        Column("Kind", lambda r: r.kind),
        _right("Postings", lambda r: str(r.postings)),
        _right("Amount", lambda r: ask.money(r.amount)),
    ]
    if key == "journal":
        rows = ask.desk.read(journal, ask.property_code, ask.date, ask.first, ask.last)
        _emit(ask, rows, columns, title="Journal by transaction code", empty="No postings.")
        return
    balance = ask.desk.read(trial_balance, ask.property_code, ask.date)
    if ask.form != Format.TABLE:
        _emit(ask, balance.lines, columns, title="", whole=balance)
        return
    title = f"Trial balance of {day(balance.business_date)}"
    console().print(table_of(balance.lines, columns, title=title))
    ledger_columns = [Column("Ledger", lambda f: f.ledger)] + [
        _right(name.capitalize(), lambda f, name=name: ask.money(getattr(f, name)))
        for name in ("opening", "debits", "credits", "transfers", "closing")
    ]
    console().print(table_of(balance.ledgers, ledger_columns, title="Ledgers"))
    verdict = "[green]balanced[/]" if balance.balanced else "[bold red]NOT balanced[/]"
    console().print(f"Debits {ask.money(balance.debits)}, credits {ask.money(balance.credits)}: "
                    f"{verdict}")  # fmt: skip


def _ledger(ask: _Ask, key: str) -> None:
    from pms.reports.ledger_reports import AGES, ledger_lines

    ledger = key.removesuffix("-ledger")
    rows = ask.desk.read(ledger_lines, ledger, ask.property_code, ask.date)
    columns = [Column("Folio", lambda r: escape(r.name)), Column("Stay", lambda r: r.confirmation),
               Column("Status", lambda r: r.status)]  # fmt: skip
    if ledger == "city":
        columns += [_right(label, lambda r, label=label: ask.money(r.aged[label]))
                    for label, _ in AGES]  # fmt: skip
    columns.append(_right("Balance", lambda r: ask.money(r.balance)))
    _emit(ask, rows, columns, title=f"{ledger.capitalize()} ledger",
          empty=f"The {ledger} ledger is at zero.")  # fmt: skip


def _final(ask: _Ask, key: str) -> None:
    from pms.reports.final import stored_reports

    print_json(ask.desk.read(stored_reports, ask.property_code, ask.date))


def _reviews(ask: _Ask, key: str) -> None:
    from commands.review import print_report
    from pms.reviews.report import reviews_report

    result = ask.desk.read(reviews_report, ask.property_code, ask.first, ask.last or ask.date)
    if ask.form != Format.TABLE:
        print_json(result)
    else:
        print_report(result, chart=ask.chart)


_PRINTERS: dict[str, Callable[[_Ask, str], None]] = {
    **dict.fromkeys(("arrivals", "departures", "in-house", "no-shows", "cancellations"), _lists),
    "flash": _flash, "history": _days, "forecast": _days, "journal": _journal,
    "trial-balance": _journal, "guest-ledger": _ledger, "city-ledger": _ledger,
    "deposit-ledger": _ledger, "final": _final, "reviews": _reviews,
}  # fmt: skip

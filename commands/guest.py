"""Guest profiles from the command line: `pms guest show|create|update|merge|anonymise`.

A guest is named by number (`12` or `#12`), e-mail or loyalty number. Merging and anonymising
ask first (`--yes` skips the question, for scripts); every command prints the profile as it now
is, or `--json`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from commands import JsonOption, desk_for
from commands.output import Column, console, day, print_json, status_text, table_of
from pms.guests.contact import display_phone
from pms.guests.merge import anonymise_guest, merge_guests
from pms.guests.profile_edits import GuestDetails, create_guest, update_guest
from pms.guests.profiles import GuestProfile, StayLine, show_guest
from pms.kernel.money import format_money

app = typer.Typer(help="Guest profiles: look up, add, change, merge and anonymise.")

GuestRef = Annotated[
    str, typer.Argument(metavar="GUEST", help="Guest number (12 or #12), e-mail or loyalty number.")
]
Name = Annotated[str | None, typer.Option(help="Full name: 'Lucía García' or 'García, Lucía'.")]
Email = Annotated[str | None, typer.Option(help="E-mail address.")]
Phone = Annotated[
    str | None,
    typer.Option(help="Phone with its country code (+351 912 345 678), or give --country."),
]
Company = Annotated[str | None, typer.Option(help="Company the guest works for.")]
City = Annotated[str | None, typer.Option(help="City the guest lives in.")]
Country = Annotated[str | None, typer.Option(help="Two-letter country code, e.g. PT.")]
Loyalty = Annotated[str | None, typer.Option("--loyalty", help="Loyalty programme number.")]
Vip = Annotated[int | None, typer.Option("--vip", help="VIP level, 0 (none) to 5.")]
Notes = Annotated[str | None, typer.Option(help="Notes for the desk.")]
Prefs = Annotated[
    list[str] | None,
    typer.Option(
        "--pref",
        metavar="KEY=VALUE",
        help="A preference, e.g. pillow=feather or floor=high; KEY= removes it. Repeatable.",
    ),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def _preferences(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    preferences = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals:
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--pref")
        preferences[key] = value
    return preferences


@app.command("show")
def show(ctx: typer.Context, guest: GuestRef, json_output: JsonOption = False) -> None:
    """Show a guest: contact, preferences, flags, stay history and upcoming stays."""
    _print(desk_for(ctx).read(show_guest, guest), json_output)


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="Full name: 'Lucía García' or 'García, Lucía'.")],
    email: Email = None,
    phone: Phone = None,
    company: Company = None,
    city: City = None,
    country: Country = None,
    loyalty: Loyalty = None,
    vip: Vip = None,
    notes: Notes = None,
    pref: Prefs = None,
    json_output: JsonOption = False,
) -> None:
    """Add a guest profile; e-mail and phone are checked and stored in one form."""
    details = GuestDetails(
        name=name,
        email=email,
        phone=phone,
        company=company,
        city=city,
        country=country,
        loyalty_number=loyalty,
        vip_level=vip,
        notes=notes,
        preferences=_preferences(pref),
    )
    _print(desk_for(ctx).run(create_guest, details), json_output, "Created")


@app.command("update")
def update(
    ctx: typer.Context,
    guest: GuestRef,
    name: Name = None,
    email: Email = None,
    phone: Phone = None,
    company: Company = None,
    city: City = None,
    country: Country = None,
    loyalty: Loyalty = None,
    vip: Vip = None,
    notes: Notes = None,
    pref: Prefs = None,
    do_not_rent: Annotated[
        bool | None,
        typer.Option(
            "--do-not-rent/--rentable",
            help="Flag the guest do-not-rent (with --reason) or clear it; supervisors only.",
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why the guest must not be booked.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Change a guest's profile; only the options given change."""
    details = GuestDetails(
        name=name,
        email=email,
        phone=phone,
        company=company,
        city=city,
        country=country,
        loyalty_number=loyalty,
        vip_level=vip,
        notes=notes,
        preferences=_preferences(pref),
        do_not_rent=do_not_rent,
        do_not_rent_reason=reason,
    )
    _print(desk_for(ctx).run(update_guest, guest, details), json_output, "Updated")


@app.command("merge")
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="The profile to keep.")],
    duplicate: Annotated[
        str, typer.Argument(metavar="DUPLICATE", help="The duplicate to fold into it.")
    ],
    yes: Yes = False,
    json_output: JsonOption = False,
) -> None:
    """Fold a duplicate profile into another: its stays move over, nothing is lost."""
    desk = desk_for(ctx)
    if not yes:
        kept, gone = desk.read(show_guest, keep), desk.read(show_guest, duplicate)
        stays = f"{len(gone.stays)} stay{'s' if len(gone.stays) != 1 else ''}"
        typer.confirm(
            f"Merge {gone.name} (#{gone.id}, {stays}) into {kept.name} (#{kept.id})?",
            abort=True,
            err=True,
        )
    _print(desk.run(merge_guests, keep, duplicate), json_output, "Merged into")


@app.command("anonymise")
def anonymise(
    ctx: typer.Context, guest: GuestRef, yes: Yes = False, json_output: JsonOption = False
) -> None:
    """Erase a guest's personal data on request; stays and revenue are kept. Managers only."""
    desk = desk_for(ctx)
    if not yes:
        profile = desk.read(show_guest, guest)
        typer.confirm(
            f"Erase the personal data of {profile.name} (#{profile.id})? This cannot be undone.",
            abort=True,
            err=True,
        )
    _print(desk.run(anonymise_guest, guest), json_output, "Anonymised")


# --- printing -------------------------------------------------------------------------------


def _print(profile: GuestProfile, json_output: bool, done: str = "") -> None:
    if json_output:
        print_json(profile)
        return
    out = console()
    heading = f"[bold]{escape(profile.name)}[/] #{profile.id}"
    if done:
        heading = f"{done} {heading}"
    if profile.vip_level:
        heading += f"  [bold]VIP {profile.vip_level}[/]"
    if profile.anonymised:
        heading += "  [dim](anonymised)[/]"
    out.print(heading)
    if profile.do_not_rent:
        out.print(f"[bold red]DO NOT RENT[/]: {escape(profile.do_not_rent_reason)}")
    fields = [
        ("e-mail", profile.email),
        ("phone", display_phone(profile.phone)),
        ("company", profile.company),
        ("city", profile.city),
        ("country", profile.country),
        ("loyalty", profile.loyalty_number or ""),
        ("prefers", ", ".join(f"{k}: {v}" for k, v in sorted(profile.preferences.items()))),
        ("notes", profile.notes),
    ]
    for label, value in fields:
        if value:
            out.print(f"  {label:<8} {escape(value)}")
    revenue = ", ".join(format_money(v, c) for c, v in sorted(profile.revenue.items())) or "—"
    out.print(f"  stayed   {profile.nights_stayed} nights · room revenue {revenue}")
    for title, stays in (("Upcoming", profile.upcoming), ("History", profile.history)):
        if stays:
            out.print(_stays_table(title, stays))


def _stays_table(title: str, stays: list[StayLine]) -> Table:
    return table_of(stays, _STAY_COLUMNS, title=title)


_STAY_COLUMNS: list[Column[StayLine]] = [
    Column("confirmation", lambda s: s.confirmation, no_wrap=True),
    Column("status", lambda s: status_text(s.status)),
    Column("hotel", lambda s: s.property_code),
    Column("type", lambda s: s.room_type),
    Column("room", lambda s: escape("/".join(s.rooms) or "—")),
    Column("arrival", lambda s: day(s.arrival)),
    Column("departure", lambda s: day(s.departure)),
    Column("nights", lambda s: str(s.nights), justify="right"),
    Column("revenue", lambda s: format_money(s.revenue, s.currency), justify="right"),
]

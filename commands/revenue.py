"""Taxes, dynamic pricing and extra-person charges from the command line: `pms tax
add|apply|list|inclusive|exclusive`, `pms pricing-rule add|list|remove`, `pms room-type extras`.

Money and percentages are typed and read as in `commands.rates` (`commands.rate_input`).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, PropertyOption, desk_for
from commands.output import Column, console, print_json, print_rows, signed_percent
from commands.rate_input import hotel_of, percent_bp, whole_percent
from pms.billing.vat import add_vat, apply_tax, exempt_charges
from pms.hotel.properties import set_extra_charges
from pms.kernel.money import format_money, to_minor
from pms.rates.dynamic_pricing import (
    PricingRuleView,
    add_pricing_rule,
    list_pricing_rules,
    remove_pricing_rule,
)
from pms.rates.taxes import TaxView, add_tax, list_taxes, set_taxes_inclusive

tax_app = typer.Typer(help="Taxes: VAT and city tax.", no_args_is_help=True)
rule_app = typer.Typer(
    help="Dynamic pricing: prices that move with forecast occupancy.", no_args_is_help=True
)
room_type_app = typer.Typer(help="Room types: extra-person charges.", no_args_is_help=True)


@tax_app.command("add")
def tax_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Tax code, e.g. VAT or CITY.")],
    *,
    name: Annotated[str, typer.Option(help="Name on the guest's bill.")],
    percent: Annotated[
        str | None, typer.Option(metavar="PERCENT", help="A percentage of the room price, e.g. 6.")
    ] = None,
    per_person: Annotated[
        str | None,
        typer.Option(metavar="AMOUNT", help="An amount per person per night, e.g. 2.00."),
    ] = None,
    children_pay: Annotated[
        bool, typer.Option("--children-pay", help="Children pay the per-person tax too.")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option(
            metavar="CODES",
            help="A percentage inside these charges' prices instead of the room's, e.g. FNB "
            "or MINIBAR,PHONE (ROOM among them: the room's too).",
        ),
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add a tax (managers): a percentage, or a fixed amount per person per night."""
    if (percent is None) == (per_person is None):
        raise typer.BadParameter("give --percent or --per-person (one of them)")
    if on is not None and percent is None:
        raise typer.BadParameter("--on takes a percentage (--percent): a charge's VAT")
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    if on is not None:
        view = desk.run(
            add_vat, hotel.code, code, name, percent_bp=percent_bp(percent, "percent"),
            on=on.split(","),
        )  # fmt: skip
    else:
        view = desk.run(
            add_tax,
            hotel.code,
            code,
            name,
            percent_bp=percent_bp(percent, "percent") if percent is not None else 0,
            per_person=to_minor(per_person, hotel.currency, field="per person")
            if per_person
            else 0,
            children_exempt=not children_pay,
        )
    if json_output:
        print_json(view)
        return
    console().print(f"Added tax [bold]{view.code}[/]: {_charge(view, hotel.currency)}.")


@tax_app.command("apply")
def tax_apply(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The percentage tax, e.g. VAT23.")],
    *,
    to: Annotated[
        str, typer.Option(metavar="CODES", help="Charge codes it is the VAT of: MINIBAR,PHONE.")
    ],
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Make a tax the VAT inside these charges' prices (managers); charges already posted keep
    the VAT they were posted with."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    view = desk.run(apply_tax, hotel.code, code, to.split(","))
    if json_output:
        print_json(view)
        return
    console().print(f"Tax [bold]{view.code}[/]: {_charge(view, hotel.currency)}.")


@tax_app.command("exempt")
def tax_exempt(
    ctx: typer.Context,
    codes: Annotated[str, typer.Argument(metavar="CODES", help="Charge codes: MINIBAR,PHONE.")],
    *,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Take the VAT off these charges (managers); charges already posted keep theirs."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    exempted = desk.run(exempt_charges, hotel.code, codes.split(","))
    if json_output:
        print_json({"exempted": exempted})
        return
    said = ", ".join(exempted) if exempted else "none of them had a VAT"
    console().print(f"No VAT inside {codes.upper()} from now on ({said}).")


@tax_app.command("list")
def tax_list(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """The property's taxes and what each charges."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    columns: list[Column[TaxView]] = [
        Column("tax", lambda t: t.code),
        Column("name", lambda t: escape(t.name)),
        Column("charge", lambda t: _charge(t, hotel.currency)),
    ]
    taxes = desk.read(list_taxes, hotel.code)
    print_rows(taxes, columns, json_output=json_output, empty="No taxes set up.")


def _charge(tax: TaxView, currency: str) -> str:
    if tax.percent_bp:
        return tax.percent_text
    who = "adult" if tax.children_exempt else "guest"
    return f"{format_money(tax.per_person, currency)} per {who} per night"


def _taxes_inclusive(ctx: typer.Context, property_code: str | None, inclusive: bool) -> None:
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    desk.run(set_taxes_inclusive, hotel.code, inclusive)
    how = "include" if inclusive else "do not include"
    console().print(f"Prices at {hotel.code} now {how} the percentage taxes.")


@tax_app.command("inclusive")
def tax_inclusive(ctx: typer.Context, property_code: PropertyOption = None) -> None:
    """The rate sheet's prices include the percentage taxes (managers)."""
    _taxes_inclusive(ctx, property_code, True)


@tax_app.command("exclusive")
def tax_exclusive(ctx: typer.Context, property_code: PropertyOption = None) -> None:
    """Percentage taxes are added on top of the rate sheet's prices (managers)."""
    _taxes_inclusive(ctx, property_code, False)


# --- dynamic pricing -------------------------------------------------------------------------


@rule_app.command("add")
def rule_add(
    ctx: typer.Context,
    *,
    threshold: Annotated[
        str, typer.Option(metavar="PERCENT", help="Forecast occupancy it starts at, e.g. 80.")
    ],
    adjust: Annotated[
        str, typer.Option(metavar="PERCENT", help="How far prices move, e.g. 15 or -10.")
    ],
    floor: Annotated[
        str | None, typer.Option(metavar="AMOUNT", help="Never below this price.")
    ] = None,
    ceiling: Annotated[
        str | None, typer.Option(metavar="AMOUNT", help="Never above this price.")
    ] = None,
    room_type: Annotated[
        str | None,
        typer.Option("--room-type", "-t", metavar="TYPE", help="Only this room type."),
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add an occupancy rule (managers): from a threshold on, prices move by a percent."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    view = desk.run(
        add_pricing_rule,
        hotel.code,
        threshold_pct=whole_percent(threshold, "threshold"),
        adjust_bp=percent_bp(adjust, "adjust"),
        floor=to_minor(floor, hotel.currency, field="floor") if floor else None,
        ceiling=to_minor(ceiling, hotel.currency, field="ceiling") if ceiling else None,
        room_type=room_type,
    )
    if json_output:
        print_json(view)
        return
    console().print(f"Added pricing rule #{view.id}: {_rule_text(view, hotel.currency)}.")


@rule_app.command("list")
def rule_list(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """The occupancy rules, property-wide first (a room type's own rules replace them)."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)

    def money(amount: int | None) -> str:
        return "" if amount is None else format_money(amount, hotel.currency)

    columns: list[Column[PricingRuleView]] = [
        Column("rule", lambda r: f"#{r.id}"),
        Column("room type", lambda r: r.room_type or "all"),
        Column("from occupancy", lambda r: f"{r.threshold_pct} %"),
        Column("prices", lambda r: signed_percent(r.adjust_bp)),
        Column("floor", lambda r: money(r.floor)),
        Column("ceiling", lambda r: money(r.ceiling)),
    ]
    rules = desk.read(list_pricing_rules, hotel.code)
    print_rows(
        rules,
        columns,
        json_output=json_output,
        empty="No pricing rules: prices are as the sheet says.",
    )


@rule_app.command("remove")
def rule_remove(
    ctx: typer.Context,
    rule_id: Annotated[int, typer.Argument(metavar="ID", help="The rule's number, e.g. 3.")],
    property_code: PropertyOption = None,
) -> None:
    """Remove an occupancy rule (managers); stays already booked keep their prices."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    desk.run(remove_pricing_rule, hotel.code, rule_id)
    console().print(f"Removed pricing rule #{rule_id}.")


def _rule_text(rule: PricingRuleView, currency: str) -> str:
    scope = rule.room_type or "all room types"
    bounds = [
        f"floor {format_money(rule.floor, currency)}" if rule.floor is not None else "",
        f"ceiling {format_money(rule.ceiling, currency)}" if rule.ceiling is not None else "",
    ]
    within = ", ".join(b for b in bounds if b)
    return (
        f"{scope} from {rule.threshold_pct} % forecast occupancy, prices "
        f"{signed_percent(rule.adjust_bp)}" + (f" ({within})" if within else "")
    )


# --- room types ------------------------------------------------------------------------------


@room_type_app.command("extras")
def extras(
    ctx: typer.Context,
    room_type: Annotated[str, typer.Argument(metavar="TYPE", help="Room type code, e.g. DBL.")],
    *,
    adult: Annotated[
        str, typer.Option(metavar="AMOUNT", help="A night for each adult above the base.")
    ],
    child: Annotated[
        str, typer.Option(metavar="AMOUNT", help="A night for each child above the base.")
    ],
    property_code: PropertyOption = None,
) -> None:
    """Set the nightly charges for guests above the room type's base occupancy (managers)."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    extra_adult = to_minor(adult, hotel.currency, field="adult")
    extra_child = to_minor(child, hotel.currency, field="child")
    desk.run(
        set_extra_charges,
        hotel.code,
        room_type,
        extra_adult=extra_adult,
        extra_child=extra_child,
    )
    base = next((rt.base_occupancy for rt in hotel.room_types if rt.code == room_type.upper()), 0)
    console().print(
        f"{room_type.upper()} above {base} guests: each extra adult pays "
        f"{format_money(extra_adult, hotel.currency)} a night, each extra child "
        f"{format_money(extra_child, hotel.currency)}."
    )

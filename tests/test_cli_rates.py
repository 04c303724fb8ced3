"""A revenue manager's day from the command line, and the clerk who sells what she set.

Maria (manager) puts December on the sheet with dearer weekends, derives a corporate plan,
restricts a weekend to a minimum stay and adds VAT and city tax; Ana (clerk) quotes a caller,
sees why a combination is closed, books at the quoted price and is refused a stale one. Money is
typed as the desk says it; whatever is mistyped gets one line and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import MANAGER
from test_cli import data, one_line_error, pms
from typer.testing import Result

from pms.guests.lookup import GuestInput
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.kernel.desk import SYSTEM, Desk
from pms.rates.calendar_view import rate_calendar
from pms.rates.dynamic_pricing import list_pricing_rules
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan, list_rate_plans
from pms.rates.sheet_edits import set_rates
from pms.rates.taxes import add_tax, list_taxes
from pms.reservations.booking import BookingRequest, book
from pms.reservations.quotes import QuoteRequest, quote
from pms.stays.reservation_lists import list_reservations


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def maria(db_url: str, *args: str) -> Result:
    """A command run by the revenue manager."""
    return pms(db_url, "--user", "maria", *args)


def ana(db_url: str, *args: str) -> Result:
    """A command run by the clerk."""
    return pms(db_url, "--user", "ana", *args)


@pytest.fixture
def sheet(hotel: Desk) -> Desk:
    """December through the services: BAR doubles 120 €, 150 € Fri/Sat; CORP 10 % below BAR;
    a non-refundable plan 15 % below; VAT 6 % on top and a 2 € city tax per adult."""
    hotel.actor = MANAGER
    hotel.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 12000)
    hotel.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 15000, ["fri", "sat"])
    hotel.run(create_rate_plan, "TST", PlanTermsInput("CORP", "Corporate", "BAR", -1000))
    hotel.run(
        create_rate_plan, "TST",
        PlanTermsInput("NRF", "Non-refundable", "BAR", -1500, non_refundable=True),
    )  # fmt: skip
    hotel.run(add_tax, "TST", "VAT", "VAT 6 %", percent_bp=600)
    hotel.run(add_tax, "TST", "CITY", "City tax", per_person=200)
    return hotel


def the_sheet(desk: Desk) -> Any:
    """Everything a revenue command could change, to prove a refused one changed nothing."""
    return (
        desk.read(rate_calendar, "TST", "BAR", d(1), d(8)),
        desk.read(rate_calendar, "TST", "CORP", d(1), d(8)),
        desk.read(list_rate_plans),
        desk.read(list_taxes),
        desk.read(list_pricing_rules),
        desk.read(quote, QuoteRequest(arrival=d(3), nights=1, adults=3)),
    )


def test_the_revenue_manager_sets_december_and_the_clerk_sells_it(hotel: Desk, db_url: str) -> None:
    december = ["--plan", "BAR", "-t", "dbl", "--from", "1.12", "--to", "31.12"]
    weekdays = maria(db_url, "rates", "set", *december, "--price", "120")
    assert weekdays.exit_code == 0, weekdays.output
    assert "Set BAR DBL to €120.00 on 31 nights, Tue 2026-12-01 – Thu 2026-12-31." in (
        weekdays.stdout
    )
    weekends = maria(db_url, "rates", "set", *december, "--price", "150.00", "--days", "fri,sat")
    assert "on 8 nights (fri, sat)" in weekends.stdout
    corp = maria(db_url, "rateplan", "create", "corp", "--name", "Corporate", "--parent", "BAR",
                 "--percent", "-10", "--guarantee", "card")  # fmt: skip
    assert corp.exit_code == 0, corp.output
    assert "Created rate plan CORP." in corp.stdout and "BAR -10 %" in corp.stdout
    weekend = maria(db_url, "rates", "restrict", "--plan", "BAR", "-t", "DBL",
                    "--from", "fri", "--to", "fri", "--min-los", "3")  # fmt: skip
    assert "Restricted BAR DBL on 1 night, Fri 2026-12-04: minimum stay 3." in weekend.stdout
    vat = maria(db_url, "tax", "add", "vat", "--name", "VAT 6 %", "--percent", "6")
    assert "Added tax VAT: 6 % of the room price." in vat.stdout
    city = maria(db_url, "tax", "add", "CITY", "--name", "City tax", "--per-person", "2.00")
    assert "Added tax CITY: €2.00 per adult per night." in city.stdout

    grid = data(ana(db_url, "rates", "show", "--from", "3.12", "--to", "6.12", "--json"))
    dbl = next(row for row in grid["room_types"] if row["room_type"] == "DBL")
    assert [c["price"] for c in dbl["cells"]] == [12000, 15000, 15000, 12000]
    assert [c["marks"] for c in dbl["cells"]] == ["", "m3", "", ""]
    corp_grid = data(ana(db_url, "rates", "show", "--plan", "corp", "--to", "+2", "--json"))
    corp_dbl_row = next(row for row in corp_grid["room_types"] if row["room_type"] == "DBL")
    assert [c["price"] for c in corp_dbl_row["cells"]] == [10800, 10800, 10800]  # Tue–Thu

    offers = data(ana(db_url, "quote", "--arrival", "3.12", "--departure", "6.12",
                      "--adults", "2", "--json"))  # fmt: skip
    totals = [o["total"] for o in offers]
    assert totals == sorted(totals)
    corp_dbl = next(o for o in offers if (o["room_type"], o["rate_plan"]) == ("DBL", "CORP"))
    assert [n["room"] for n in corp_dbl["nights"]] == [10800, 13500, 13500]
    # VAT 6 % on each night on top (648 + 810 + 810) and 2 € × 2 adults × 3 nights of city tax.
    assert corp_dbl["total"] == 37800 + 2268 + 1200 and corp_dbl["guarantee"] == "card"

    closed = ana(db_url, "quote", "--arrival", "fri", "--nights", "2", "--adults", "2", "--all")
    assert closed.exit_code == 0, closed.output
    why = closed.stdout[closed.stdout.index("Not for sale") :]
    assert why.count("minimum stay 3 nights for arrival Fri 2026-12-04") == 2  # BAR and CORP
    assert "minimum stay" not in ana(db_url, "quote", "--arrival", "fri", "--nights", "2",
                                     "--adults", "2").stdout  # fmt: skip

    booking = ["reservation", "create", "--arrival", "3.12", "--departure", "6.12", "-t", "DBL",
               "--adults", "2", "--rate-plan", "corp", "--guest", "Lucía García"]  # fmt: skip
    booked = data(ana(db_url, *booking, "--expected-total", "412.68", "--json"))
    assert (booked["rate_plan"], booked["total"]) == ("CORP", 41268)
    assert [n["price"] for n in booked["nightly"]] == [10800, 13500, 13500]

    maria(db_url, "rates", "set", "--plan", "BAR", "-t", "DBL", "--from", "5.12", "--to", "5.12",
          "--price", "160")  # fmt: skip
    stale = one_line_error(ana(db_url, *booking, "--expected-total", "412.68"))
    assert stale == "the price changed since the quote: now €422.22 (quoted €412.68) — quote again"
    assert len(hotel.read(list_reservations)) == 1


def test_a_quote_reads_cheapest_first_with_taxes_terms_and_rooms_left(
    sheet: Desk, db_url: str
) -> None:
    result = ana(db_url, "quote", "--arrival", "3.12", "--nights", "3", "--adults", "2")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "TST Test Harbour Hotel · Thu 2026-12-03 → Sun 2026-12-06, 3 nights · 2 adults" in out
    rows = [line for line in out.splitlines() if "DBL" in line]
    assert [row.split("│")[2].strip() for row in rows] == ["NRF", "CORP", "BAR"]
    # BAR doubles: 120 + 150 + 150 = 420 €, VAT 25.20 € on top, city tax 12 € apart.
    assert "per night incl. VAT" in out and "total incl. VAT" in out and "city tax" in out
    bar = rows[-1]
    assert "€148.40 │ €445.20 │ €12.00 │ 4 │" in " ".join(bar.split())
    assert "Non-refundable: non-refundable" in out
    assert "Corporate: free cancellation until 24 h before arrival, then the first night" in out

    nightly = ana(db_url, "quote", "--arrival", "3.12", "--nights", "3", "--adults", "2",
                  "--rate-plan", "BAR", "--feature", "double bed", "--nightly")  # fmt: skip
    assert "Thu" in nightly.stdout and "05.12" in nightly.stdout
    [dbl] = [line for line in nightly.stdout.splitlines() if "DBL" in line]
    # Each night with its 6 % VAT: 120 → 127.20, 150 → 159.
    assert dbl.count("€159.00") == 2 and "€127.20" in dbl and "TWN" not in nightly.stdout

    cheap = data(ana(db_url, "quote", "--arrival", "3.12", "--nights", "3", "--adults", "2",
                     "--max-price", "400", "--json"))  # fmt: skip
    assert cheap and all(o["total"] <= 40000 for o in cheap)
    nothing = ana(db_url, "quote", "--arrival", "3.12", "--nights", "3", "--adults", "2",
                  "--max-nightly", "10")  # fmt: skip
    assert "Nothing to sell for this stay and party (--all shows why)." in nothing.stdout


def test_quotes_across_the_hotels_of_a_city(sheet: Desk, db_url: str) -> None:
    sheet.actor = SYSTEM

    def _second_hotel(session) -> None:  # type: ignore[no-untyped-def]
        create_property(session, "OPO", "Ribeira Rooms", city="Porto", business_date=d(1))
        add_room_type(session, "OPO", "STU", "Studio", max_occupancy=2, price=9900)
        add_room(session, "OPO", "1", "STU", floor=0)

    sheet.run(_second_hotel)
    everywhere = data(ana(db_url, "quote", "--arrival", "3.12", "--nights", "1", "--adults", "1",
                          "--json"))  # fmt: skip
    assert {o["property_code"] for o in everywhere} == {"OPO", "TST"}
    assert "no property in Faro" in one_line_error(
        ana(db_url, "quote", "--arrival", "3.12", "--nights", "1", "--adults", "1",
            "--city", "Faro")
    )  # fmt: skip
    porto = ana(db_url, "quote", "--arrival", "3.12", "--nights", "1", "--adults", "1",
                "--city", "porto", "--max-price", "110")  # fmt: skip
    assert porto.exit_code == 0, porto.output
    assert "OPO" in porto.stdout and "TST" in porto.stdout and "property" in porto.stdout
    assert "OPO BAR" in porto.stdout  # the terms are per property when there are several


def test_a_stay_shows_its_taxes_and_policy_and_a_cancellation_its_fee(
    sheet: Desk, db_url: str
) -> None:
    booked = data(ana(db_url, "reservation", "create", "--arrival", "3.12", "--nights", "2",
                      "-t", "DBL", "--adults", "2", "--rate-plan", "NRF", "--guest", "Ada Lovelace",
                      "--json"))  # fmt: skip
    assert booked["policy"] == "non-refundable"
    assert {(t["code"], t["amount"]) for t in booked["taxes"]} == {
        ("VAT", 612),
        ("VAT", 765),
        ("CITY", 400),
    }

    shown = ana(db_url, "reservation", "show", booked["confirmation"])
    assert shown.exit_code == 0, shown.output
    assert re.search(r"rate +NRF \(room only\) *\n", shown.stdout), shown.stdout
    assert (
        "€121.64 per night incl. VAT · €243.27 total incl. VAT · €8.00 city tax · €251.27 to pay"
        in shown.stdout
    )
    assert "CITY €8.00 added · VAT €13.77 added" in shown.stdout
    assert re.search(r"cancellation +non-refundable", shown.stdout)
    assert re.search(r"€108\.12 │ +€4\.00 │", shown.stdout)  # a night incl. VAT, its city tax

    cancelled = ana(db_url, "reservation", "cancel", booked["confirmation"])
    assert cancelled.exit_code == 0, cancelled.output
    assert f"Cancelled {booked['confirmation']}. Cancellation fee €251.27." in cancelled.stdout
    assert re.search(r"fee +€251\.27", cancelled.stdout)


def test_dynamic_rules_extras_and_inclusive_taxes_move_new_quotes(sheet: Desk, db_url: str) -> None:
    def bar_double(adults: int = 2) -> Any:
        offers = sheet.read(
            quote, QuoteRequest(arrival=d(3), nights=1, adults=adults, rate_plan="BAR")
        )
        return next(o for o in offers if o.room_type == "DBL")

    sheet.run(book, BookingRequest(arrival=d(3), nights=1, room_type="DBL",
                                   guest=GuestInput("Ada Busy")))  # fmt: skip
    assert "between 1 and 200" in one_line_error(
        maria(db_url, "pricing-rule", "add", "--threshold", "0", "--adjust", "12.5")
    )
    added = data(maria(db_url, "pricing-rule", "add", "--threshold", "1", "--adjust", "12.5",
                       "--ceiling", "130", "-t", "DBL", "--json"))  # fmt: skip
    assert (added["threshold_pct"], added["adjust_bp"], added["ceiling"]) == (1, 1250, 13000)
    listed = maria(db_url, "pricing-rule", "list")
    assert "#" in listed.stdout and "+12.5 %" in listed.stdout and "€130.00" in listed.stdout
    assert bar_double().nights[0].room == 13000  # 120 € + 12.5 % = 135 €, held at the ceiling
    removed = maria(db_url, "pricing-rule", "remove", str(added["id"]))
    assert f"Removed pricing rule #{added['id']}." in removed.stdout
    assert bar_double().nights[0].room == 12000

    extras = maria(db_url, "room-type", "extras", "dbl", "--adult", "30", "--child", "10.50")
    assert "DBL above 2 guests: each extra adult pays €30.00 a night" in extras.stdout
    assert bar_double(adults=3).nights[0].room == 15000

    assert "now include" in maria(db_url, "tax", "inclusive").stdout
    assert bar_double().total == 12000 + 400  # VAT inside the price; city tax for 2 adults
    assert "do not include" in maria(db_url, "tax", "exclusive").stdout
    assert bar_double().total == 12000 + 720 + 400


def test_the_lists_for_scripts(sheet: Desk, db_url: str) -> None:
    plans = data(ana(db_url, "rateplan", "list", "--json"))
    assert [p["code"] for p in plans] == ["BAR", "CORP", "NRF"]
    assert plans[1] | {"policy": ""} == {
        "code": "CORP", "name": "Corporate", "parent": "BAR", "derive_percent_bp": -1000,
        "derive_amount": 0, "meal_plan": "RO", "guarantee": "none", "members_only": False,
        "restricted": False,
        "sell_from": None, "sell_until": None, "min_advance_days": None,
        "max_advance_days": None, "policy": "",
    }  # fmt: skip
    assert data(ana(db_url, "rateplan", "show", "nrf", "--json"))["policy"] == "non-refundable"
    shown = ana(db_url, "rateplan", "show", "CORP")
    assert "BAR -10 %" in shown.stdout and "108.00" in shown.stdout  # this week's CORP doubles
    taxes = data(ana(db_url, "tax", "list", "--json"))
    assert [(t["code"], t["percent_bp"], t["per_person"]) for t in taxes] == [
        ("CITY", 0, 200), ("VAT", 600, 0)
    ]  # fmt: skip
    assert data(ana(db_url, "pricing-rule", "list", "--json")) == []

    made = data(maria(db_url, "rateplan", "create", "LONG", "--name", "Long stay", "--parent",
                      "corp", "--amount", "-2.50", "--meal-plan", "bb", "--members-only",
                      "--sell-until", "31.1", "--min-advance", "2", "--free-hours", "72",
                      "--penalty-percent", "50", "--json"))  # fmt: skip
    assert (made["parent"], made["derive_amount"], made["meal_plan"]) == ("CORP", -250, "BB")
    assert (made["sell_until"], made["min_advance_days"]) == ("2027-01-31", 2)
    assert made["policy"] == "free cancellation until 3 days before arrival, then 50 % of the stay"


def test_a_clerk_cannot_change_the_sheet(sheet: Desk, db_url: str) -> None:
    before = the_sheet(sheet)
    for command in (
        ["rates", "set", "--plan", "BAR", "-t", "DBL", "--from", "3.12", "--to", "3.12",
         "--price", "1"],
        ["rates", "restrict", "--plan", "BAR", "-t", "DBL", "--from", "3.12", "--to", "3.12",
         "--stop-sell"],
        ["rateplan", "create", "X", "--name", "X"],
        ["tax", "add", "X", "--name", "X", "--percent", "1"],
        ["tax", "inclusive"],
        ["pricing-rule", "add", "--threshold", "50", "--adjust", "10"],
        ["room-type", "extras", "DBL", "--adult", "1", "--child", "1"],
    ):  # fmt: skip
        message = one_line_error(ana(db_url, *command))
        assert "needs the manager role or higher; ana is clerk" in message, command
    assert the_sheet(sheet) == before


# What a revenue manager may mistype, and the words that must come back.
MISTAKES = {
    "bad money": (
        "rates set --plan BAR -t DBL --from 3.12 --to 4.12 --price 12,9O",
        "price '12,9O' is not an amount of money",
    ),
    "negative price": (
        "rates set --plan BAR -t DBL --from 3.12 --to 4.12 --price -5",
        "a price cannot be negative",
    ),
    "bad days": (
        "rates set --plan BAR -t DBL --from 3.12 --to 9.12 --price 99 --days fri,sta",
        "days: 'sta' is not a weekday (mon, tue, wed, thu, fri, sat, sun)",
    ),
    "no days": (
        "rates restrict --plan BAR -t DBL --from 3.12 --to 9.12 --cta --days ,",
        "days: name at least one weekday",
    ),
    "unknown plan": (
        "rates set --plan XMAS -t DBL --from 3.12 --to 4.12 --price 99",
        "there is no rate plan 'XMAS' at TST",
    ),
    "derived plan": (
        "rates set --plan CORP -t DBL --from 3.12 --to 4.12 --price 99",
        "CORP is derived from BAR; set that plan's prices",
    ),
    "unknown room type": (
        "rates restrict --plan BAR -t PENT --from 3.12 --to 4.12 --min-los 2",
        "there is no room type 'PENT'",
    ),
    "bad date": (
        "rates set --plan BAR -t DBL --from 31.11 --to 4.12 --price 99",
        "from '31.11' is not a date",
    ),
    "range backwards": (
        "rates restrict --plan BAR -t DBL --from 9.12 --to 4.12 --stop-sell",
        "to: the last night 2026-12-04 is before the first 2026-12-09",
    ),
    "negative stay": (
        "rates restrict --plan BAR -t DBL --from 3.12 --to 4.12 --min-los -1",
        "min los: a length of stay cannot be negative",
    ),
    "bad percent": (
        "rateplan create XMAS --name Xmas --parent BAR --percent ten",
        "percent 'ten' is not a percentage (e.g. -10 or 12.5)",
    ),
    "too fine a percent": (
        "tax add SVC --name Service --percent 2.125",
        "percent '2.125' has more than two decimals",
    ),
    "unknown parent": (
        "rateplan create XMAS --name Xmas --parent XYZ --percent 5",
        "there is no rate plan 'XYZ' at TST",
    ),
    "existing plan": (
        "rateplan create corp --name Again",
        "code: rate plan CORP already exists at TST",
    ),
    "bad meal plan": (
        "rateplan create XMAS --name Xmas --meal-plan BBQ",
        "meal plan must be one of RO, BB, HB, FB, AI",
    ),
    "bad threshold": (
        "pricing-rule add --threshold 80.5 --adjust 10",
        "threshold '80.5' must be a whole percentage",
    ),
    "floor above ceiling": (
        "pricing-rule add --threshold 80 --adjust 10 --floor 200 --ceiling 100",
        "the floor is above the ceiling",
    ),
    "bad extra charge": (
        "room-type extras DBL --adult thirty --child 0",
        "adult 'thirty' is not an amount of money",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistyped_change_is_one_line_and_changes_nothing(
    sheet: Desk, db_url: str, mistake: tuple[str, str]
) -> None:
    args, message = mistake
    before = the_sheet(sheet)

    result = maria(db_url, *args.split())

    assert one_line_error(result).startswith(message)
    assert "Traceback" not in result.output
    assert the_sheet(sheet) == before


def test_a_booking_with_a_bad_quote_books_nothing(sheet: Desk, db_url: str) -> None:
    booking = ["reservation", "create", "--arrival", "3.12", "--nights", "1", "-t", "DBL",
               "--guest", "Ada Lovelace"]  # fmt: skip
    assert one_line_error(ana(db_url, *booking, "--rate-plan", "XMAS")) == (
        "there is no rate plan 'XMAS' at TST"
    )
    assert one_line_error(ana(db_url, *booking, "--expected-total", "lots")) == (
        "expected total 'lots' is not an amount of money"
    )
    assert sheet.read(list_reservations) == []


@pytest.mark.parametrize(
    "args",
    [
        "quote --arrival 3.12 --departure 5.12 --nights 2 --adults 2",
        "quote --arrival 3.12 --nights 2 --adults 2 --property TST --city Porto",
        "rateplan create XMAS --name Xmas --percent -10",
        "rateplan create XMAS --name Xmas --non-refundable --free-hours 48",
        "rateplan create XMAS --name Xmas --penalty percent",
        "rates restrict --plan BAR -t DBL --from 3.12 --to 4.12",
        "tax add SVC --name Service --percent 2 --per-person 1",
    ],
    ids=["departure and nights", "property and city", "percent without parent",
         "non-refundable with free hours", "percent penalty without percent",
         "nothing to restrict", "percent and per person"],
)  # fmt: skip
def test_options_that_do_not_go_together_are_usage_errors(tmp_path: Path, args: str) -> None:
    # Refused before any database is opened: the URL names a file that is never created.
    result = pms(f"sqlite:///{tmp_path / 'never.sqlite3'}", *args.split())
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "never.sqlite3").exists()


def test_a_stay_is_repriced_only_on_purpose(hotel: Desk, db_url: str) -> None:
    booked = hotel.run(
        book,
        BookingRequest(arrival="2026-12-03", nights=2, room_type="DBL", guest=GuestInput("A B")),
    )
    raised = pms(db_url, "--user", "maria", "rates", "set", "--plan", "BAR", "--room-type", "DBL",
                 "--from", "2026-12-01", "--to", "2026-12-31", "--price", "80")  # fmt: skip
    assert raised.exit_code == 0, raised.output
    repriced = data(pms(db_url, "reservation", "reprice", booked.confirmation, "--json"))
    assert (repriced["old_total"], repriced["difference"]) == (20000, -4000)
    shown = pms(db_url, "reservation", "reprice", booked.confirmation)
    assert "(was €160.00, €0.00)" in shown.output

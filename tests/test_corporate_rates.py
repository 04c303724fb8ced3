"""A corporate rate is a price agreed with one company: the desk, the website and the command
line offer and book it only for that company's stays.

Maria (manager) makes CORP restricted and entitles Tejo Consulting; Ana (clerk) quotes a walk-in,
who is not offered CORP, and a Tejo Consulting booker, who is; a booking that names no entitled
company — or the wrong one — is refused with the plan's name.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CLERK, MANAGER
from fastapi.testclient import TestClient
from test_api import BASE, STAY, make_key
from test_cli import data, one_line_error, pms

from api.app import create_app
from pms.guests.lookup import GuestInput
from pms.guests.profile_edits import GuestDetails, create_guest
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, PermissionDenied, Restricted
from pms.rates.entitlement import create_plan_for_companies, entitle_company, plan_companies
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan, get_rate_plan, list_rate_plans
from pms.rates.sheet_edits import set_rates
from pms.reservations.booking import BookingRequest, book
from pms.reservations.quotes import QuoteRequest, quote
from pms.stays.reservation_views import get_reservation

TEJO = "Tejo Consulting"


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


@pytest.fixture
def corporate(hotel: Desk) -> Desk:
    """December at 120 € on BAR; CORP 10 % below, sold to Tejo Consulting only."""
    hotel.actor = MANAGER
    hotel.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 12000)
    hotel.run(
        create_rate_plan, "TST", PlanTermsInput("CORP", "Corporate", "BAR", -1000, restricted=True)
    )
    hotel.run(entitle_company, "TST", "CORP", TEJO)
    hotel.actor = CLERK
    return hotel


def plans_offered(desk: Desk, **asked: object) -> set[str]:
    request = QuoteRequest(arrival=d(3), departure=d(5), adults=2, **asked)  # type: ignore[arg-type]
    return {o.rate_plan for o in desk.read(quote, request) if not o.closed}


def stay(**asked: object) -> BookingRequest:
    fields = {"arrival": d(3), "departure": d(5), "room_type": "DBL", "adults": 2}
    return BookingRequest(**(fields | asked))  # type: ignore[arg-type]


def test_a_walk_in_is_not_offered_the_corporate_rate(corporate: Desk) -> None:
    assert plans_offered(corporate) == {"BAR"}
    assert plans_offered(corporate, company="Someone Else Ltd") == {"BAR"}
    shown = corporate.read(quote, QuoteRequest(d(3), d(5), adults=2, include_closed=True))
    (corp,) = [o for o in shown if (o.room_type, o.rate_plan) == ("DBL", "CORP")]
    assert corp.closed == "rate plan CORP is restricted to the companies entitled to it"


def test_the_entitled_company_is_offered_and_books_it(corporate: Desk) -> None:
    # Typed as a clerk would: case and spaces do not matter.
    assert plans_offered(corporate, company="  tejo   CONSULTING ") == {"BAR", "CORP"}
    view = corporate.run(book, stay(guest=GuestInput("Rui Costa"), rate_plan="CORP", company=TEJO))
    assert view.rate_plan == "CORP"
    assert view.total == 2 * 10800


def test_a_guest_whose_profile_works_for_the_company_books_it(corporate: Desk) -> None:
    profile = corporate.run(create_guest, GuestDetails(name="Inês Sá", company=TEJO))
    view = corporate.run(book, stay(guest=profile.id, rate_plan="CORP"))
    assert view.rate_plan == "CORP"


def test_booking_the_corporate_rate_for_one_not_entitled_is_refused(corporate: Desk) -> None:
    with pytest.raises(Restricted, match=r"^rate plan CORP is restricted"):
        corporate.run(book, stay(guest=GuestInput("Walk In"), rate_plan="CORP"))
    with pytest.raises(Restricted, match="CORP"):
        corporate.run(
            book, stay(guest=GuestInput("Walk In"), rate_plan="CORP", company="Other Ltd")
        )
    with pytest.raises(InvalidInput, match="company may be at most 120 characters"):
        corporate.run(book, stay(guest=GuestInput("Walk In"), rate_plan="CORP", company="x" * 500))


def test_only_a_manager_entitles_a_company(corporate: Desk) -> None:
    with pytest.raises(PermissionDenied):
        corporate.run(entitle_company, "TST", "CORP", "Ana's Friends")
    corporate.actor = MANAGER
    with pytest.raises(InvalidInput, match="already entitled"):
        corporate.run(entitle_company, "TST", "CORP", "TEJO consulting")
    assert corporate.read(plan_companies, "TST", "CORP") == [TEJO]
    assert corporate.read(get_rate_plan, "TST", "CORP").restricted


def test_a_plan_is_made_with_its_companies_or_not_at_all(hotel: Desk, db_url: str) -> None:
    """Made with its companies in one go (the set-up form and `rateplan create --company`);
    a refused name leaves no plan on sale to everyone, and a plan sold to everyone takes none."""
    hotel.actor = MANAGER
    terms = PlanTermsInput("TEJO", "Tejo", "BAR", -1500, restricted=True)
    with pytest.raises(InvalidInput, match="company"):
        hotel.run(create_plan_for_companies, "TST", terms, [TEJO, "x" * 121])
    with pytest.raises(InvalidInput, match="restrict it first"):
        hotel.run(create_plan_for_companies, "TST", PlanTermsInput("OPEN", "Open"), [TEJO])
    assert {"TEJO", "OPEN"}.isdisjoint(p.code for p in hotel.read(list_rate_plans, "TST"))

    made = pms(db_url, "--user", "maria", "rateplan", "create", "TEJO", "--name", "Tejo",
               "--parent", "BAR", "--restricted", "--company", TEJO, "--company", "Acme, Lda",
               "--json")  # fmt: skip
    assert data(made)["restricted"] is True
    assert hotel.read(plan_companies, "TST", "TEJO") == ["Acme, Lda", TEJO]
    refused = pms(db_url, "--user", "maria", "rateplan", "create", "OPEN", "--name", "Open",
                  "--company", TEJO)  # fmt: skip
    assert refused.exit_code == 1
    assert "restrict it first" in one_line_error(refused)


def test_the_command_line_sets_up_and_sells_the_corporate_rate(hotel: Desk, db_url: str) -> None:
    hotel.actor = MANAGER
    hotel.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 12000)
    maria = ("--user", "maria")
    made = pms(db_url, *maria, "rateplan", "create", "CORP", "--name", "Corporate",
               "--parent", "BAR", "--percent", "-10", "--restricted", "--json")  # fmt: skip
    assert data(made)["restricted"] is True
    entitled = pms(db_url, *maria, "rateplan", "entitle", "CORP", "--company", TEJO, "--json")
    assert data(entitled) == {"rate_plan": "CORP", "companies": [TEJO]}

    ana = ("--user", "ana")
    ask = ("quote", "--arrival", "3.12", "--nights", "2", "--adults", "2", "--json")
    assert {o["rate_plan"] for o in data(pms(db_url, *ana, *ask))} == {"BAR"}
    for_tejo = data(pms(db_url, *ana, *ask, "--company", TEJO))
    assert {o["rate_plan"] for o in for_tejo} == {"BAR", "CORP"}

    booking = ("reservation", "create", "--arrival", "3.12", "--nights", "2", "-t", "DBL",
               "--adults", "2", "--guest", "Rui Costa", "--rate-plan", "CORP")  # fmt: skip
    refused = one_line_error(pms(db_url, *ana, *booking))
    assert refused == "rate plan CORP is restricted to the companies entitled to it"
    booked = data(pms(db_url, *ana, *booking, "--company", TEJO, "--json"))
    assert booked["rate_plan"] == "CORP"


def test_the_website_is_never_offered_the_corporate_rate(corporate: Desk) -> None:
    website = TestClient(create_app(corporate, key_cache_seconds=0))
    headers = {"Authorization": f"Bearer {make_key(corporate)}"}
    asked = {"arrival": "2026-12-03", "departure": "2026-12-05", "adults": 2}
    offers = website.get(BASE + "/offers", params=asked, headers=headers).json()["offers"]
    assert {o["rate_plan"] for o in offers} == {"BAR"}
    plans = website.get(BASE + "/rate-plans", headers=headers)
    assert plans.status_code == 200, plans.text
    assert "CORP" not in {p["code"] for p in plans.json()["rate_plans"]}
    headers |= {"Idempotency-Key": "corp-1"}
    refused = website.post(BASE + "/bookings", json=STAY | {"rate_plan": "CORP"}, headers=headers)
    assert refused.status_code >= 400
    assert "CORP" in refused.text


def test_the_stay_keeps_the_company_it_was_booked_for(corporate: Desk, db_url: str) -> None:
    ana = ("--user", "ana")
    booking = ("reservation", "create", "--arrival", "3.12", "--nights", "2", "-t", "DBL",
               "--adults", "2", "--guest", "Rui Costa", "--rate-plan", "CORP")  # fmt: skip
    booked = data(pms(db_url, *ana, *booking, "--company", "  tejo   Consulting ", "--json"))
    assert booked["company"] == TEJO  # as it is entitled, however it was typed
    confirmation = booked["confirmation"]
    shown = data(pms(db_url, *ana, "reservation", "show", confirmation, "--json"))
    assert (shown["rate_plan"], shown["company"]) == ("CORP", TEJO)
    text = pms(db_url, *ana, "reservation", "show", confirmation)
    assert "company" in text.stdout and TEJO in text.stdout
    longer = pms(db_url, *ana, "reservation", "modify", confirmation, "--nights", "3", "--json")
    assert data(longer)["company"] == TEJO  # kept when the stay changes

    walk_in = ("walkin", "--guest", "Ada Lee", "--nights", "1", "-t", "TWN", "--json")
    walked = data(pms(db_url, *ana, *walk_in))["reservation"]["confirmation"]
    walked_in = data(pms(db_url, *ana, "reservation", "show", walked, "--json"))
    assert walked_in["company"] == ""
    assert "company" not in pms(db_url, *ana, "reservation", "show", walked).stdout

    exported = data(pms(db_url, "--user", "admin", "export", "reservations", "--json"))
    assert {row["external_ref"]: row["company"] for row in exported} == {
        confirmation: TEJO, walked: "",
    }  # fmt: skip


def test_the_company_entitled_is_the_one_kept(corporate: Desk) -> None:
    # Booked through the profile's company: that one is kept. Named but not entitled, beside
    # a profile that is: the profile's. On a plan everyone may book: the one named, if any.
    profile = corporate.run(create_guest, GuestDetails(name="Inês Sá", company=TEJO))
    through_profile = corporate.run(book, stay(guest=profile.id, rate_plan="CORP"))
    assert through_profile.company == TEJO
    named_other = corporate.run(book, stay(guest=profile.id, rate_plan="CORP", company="Acme"))
    assert named_other.company == TEJO
    on_bar = corporate.run(book, stay(guest=profile.id, company="Acme"))
    assert on_bar.company == "Acme"
    assert corporate.run(book, stay(guest=profile.id)).company == ""
    for view in (through_profile, named_other, on_bar):
        assert corporate.read(get_reservation, view.confirmation).company == view.company

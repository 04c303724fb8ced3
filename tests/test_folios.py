"""A day on the folios: charges go up, corrections are reversals, split bills route and
transfer, and whatever happens the balance is the sum of the postings (both databases)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from conftest import BUSINESS_DATE, CLERK, MANAGER, SUPERVISOR
from folio_racers import book_stay, d, folio_of, pay_cash, reverse_at_once
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from racers import race
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.folios import Posting
from db.models import AuditLog, Property
from pms.billing.folios import (
    add_folio,
    balance_of,
    close_folio,
    folio_named,
    folio_view,
    folios_of,
    load_folio,
    open_city_ledger,
    post,
    post_cancellation_fee,
    post_charge,
    post_no_show_fee,
    post_room_night,
    reverse_posting,
    set_routing,
    transfer_posting,
    transfer_to_city_ledger,
)
from pms.guests.lookup import GuestInput
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.kernel.desk import Desk
from pms.kernel.errors import (
    ConcurrentChange,
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
    PmsError,
)
from pms.rates.taxes import add_tax
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import cancel
from pms.stays.reservation_views import load_reservation


def _room_nights(session: Session, confirmation: str) -> list[int]:
    reservation = load_reservation(session, confirmation)
    return [p.id for night in (d(1), d(2)) for p in post_room_night(session, reservation, night)]


def _move_business_date(session: Session, day: int) -> None:
    session.execute(update(Property).values(business_date=d(day)))


def test_charges_post_and_the_balance_is_the_sum_of_postings(hotel: Desk) -> None:
    stay = book_stay(hotel)
    minibar = hotel.run(post_charge, stay, "minibar", 1200)
    hotel.run(post_charge, stay, "FNB", 3450, "Dinner, table 12")
    hotel.run(_room_nights, stay)

    guest = folio_of(hotel, stay)
    assert [(p.code, p.amount) for p in guest.postings] == [
        ("MINIBAR", 1200),
        ("FNB", 3450),
        ("ROOM", 10000),
        ("ROOM", 10000),
    ]
    assert guest.balance == 24650 == hotel.read(balance_of, guest.id)
    assert (minibar.username, minibar.business_date, minibar.kind) == (
        "ana",
        BUSINESS_DATE,
        "charge",
    )
    assert minibar.description == "Minibar" and guest.postings[1].description == "Dinner, table 12"
    assert guest.guest_name == "García, Lucía" and guest.label == f"Guest of {stay}"
    assert guest.balance_text == "€246.50"
    audited = hotel.read(
        lambda s: s.scalars(select(AuditLog.action).where(AuditLog.entity == "folio")).all()
    )
    assert audited.count("post") == 4 and audited.count("create") == 1


def test_the_audit_posts_a_night_once_however_often_it_runs(hotel: Desk) -> None:
    stay = book_stay(hotel)
    first = hotel.run(_room_nights, stay)
    assert hotel.run(_room_nights, stay) == first
    assert folio_of(hotel, stay).balance == 20000


def test_charges_and_payments_keep_their_signs(hotel: Desk) -> None:
    stay = book_stay(hotel)
    with pytest.raises(InvalidInput, match="positive amount"):
        hotel.run(post_charge, stay, "MINIBAR", -500)
    with pytest.raises(InvalidInput, match="take it as a payment"):
        hotel.run(post_charge, stay, "PAY-CASH", 500)
    with pytest.raises(InvalidInput, match="not a transaction code"):
        hotel.run(post_charge, stay, "SPA", 500)
    with pytest.raises(InvalidInput, match="payment posts a negative amount"):
        hotel.run(pay_cash, stay, -500)
    hotel.run(post_charge, stay, "ADJ", -300, "Goodwill")  # an adjustment goes either way
    assert folio_of(hotel, stay).balance == -300


def test_a_reversal_needs_a_reason_and_happens_once(hotel: Desk) -> None:
    stay = book_stay(hotel)
    wrong = hotel.run(post_charge, stay, "MINIBAR", 1800)
    with pytest.raises(InvalidInput, match="needs a reason"):
        hotel.run(reverse_posting, wrong.id, "  ")

    reversal = hotel.run(reverse_posting, wrong.id, "guest did not open the minibar")
    assert (reversal.amount, reversal.reverses_id, reversal.code) == (-1800, wrong.id, "MINIBAR")
    assert reversal.reason == "guest did not open the minibar"
    guest = folio_of(hotel, stay)
    assert guest.balance == 0
    assert [(p.reversed, p.is_reversal) for p in guest.postings] == [(True, False), (False, True)]

    with pytest.raises(InvalidTransition, match=f"posting {wrong.id} was already reversed by"):
        hotel.run(reverse_posting, wrong.id, "again")
    with pytest.raises(InvalidTransition, match="is itself a reversal"):
        hotel.run(reverse_posting, reversal.id, "undo the undo")

    def _second_reversal_behind_the_services_back(session: Session) -> None:
        session.add(
            Posting(
                folio_id=guest.id,
                business_date=BUSINESS_DATE,
                kind="charge",
                code="MINIBAR",
                description="sneaky",
                amount=-1800,
                username="ana",
                reverses_id=wrong.id,
            )
        )
        session.flush()

    with pytest.raises(IntegrityError):  # UNIQUE(reverses_id) holds even without the check
        hotel.run(_second_reversal_behind_the_services_back)
    assert folio_of(hotel, stay).balance == 0


@pytest.mark.slow
def test_three_desks_reverse_one_posting_at_once_and_one_wins(hotel: Desk, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite queues every writer at BEGIN; the race is PostgreSQL's")
    stay = book_stay(hotel)
    wrong = hotel.run(post_charge, stay, "MINIBAR", 1800)
    outcomes = race(reverse_at_once, [(db_url, wrong.id)] * 3)

    assert sorted(kind for kind, _ in outcomes) == ["InvalidTransition"] * 2 + ["ok"], outcomes
    assert all("already reversed" in msg for kind, msg in outcomes if kind != "ok")
    assert folio_of(hotel, stay).balance == 0


def test_a_clerk_cannot_reverse_yesterdays_posting_but_a_supervisor_can(hotel: Desk) -> None:
    stay = book_stay(hotel)
    yesterday = hotel.run(post_charge, stay, "LAUNDRY", 2500)
    hotel.run(_move_business_date, 2)  # the night audit rolled the date

    with pytest.raises(PermissionDenied, match="earlier business date"):
        hotel.run(reverse_posting, yesterday.id, "charged to the wrong room")
    today = hotel.run(post_charge, stay, "PHONE", 300)
    assert today.business_date == d(2)
    hotel.run(reverse_posting, today.id, "free local call")  # today's: the clerk may

    hotel.actor = SUPERVISOR
    reversal = hotel.run(reverse_posting, yesterday.id, "charged to the wrong room")
    assert (reversal.business_date, reversal.username) == (d(2), "sam")
    assert folio_of(hotel, stay).balance == 0


def test_room_and_tax_go_to_the_company_while_extras_stay_with_the_guest(hotel: Desk) -> None:
    hotel.actor = MANAGER
    hotel.run(add_tax, "TST", "CITY", "City tax", per_person=200)
    hotel.actor = CLERK
    stay = book_stay(hotel)
    company = hotel.run(add_folio, stay, "Acme Ltd", "company")
    assert (company.kind, company.balance) == ("company", 0)
    assert hotel.run(set_routing, stay, ["room", "TAX"], "Acme Ltd") == {
        "ROOM": "Acme Ltd",
        "TAX": "Acme Ltd",
    }
    hotel.run(_room_nights, stay)
    hotel.run(post_charge, stay, "MINIBAR", 900)
    hotel.run(post_charge, stay, "FNB", 2000, folio_name="Acme Ltd")  # named: goes there

    guest, acme = hotel.read(folios_of, stay)
    assert guest.name == "Guest" and acme.name == "Acme Ltd"
    assert [p.code for p in guest.postings] == ["MINIBAR"]
    assert [(p.code, p.amount) for p in acme.postings] == [
        ("ROOM", 10000),
        ("TAX-CITY", 400),
        ("ROOM", 10000),
        ("TAX-CITY", 400),
        ("FNB", 2000),
    ]
    with pytest.raises(InvalidInput, match="already has a folio"):
        hotel.run(add_folio, stay, "Acme  Ltd")
    assert hotel.run(set_routing, stay, ["ROOM", "TAX"], "Guest") == {}


def test_a_posting_moves_between_folios_and_the_stay_total_stays(hotel: Desk) -> None:
    stay = book_stay(hotel)
    company = hotel.run(add_folio, stay, "Company", "company")
    dinner = hotel.run(post_charge, stay, "FNB", 5400, "Business dinner")
    hotel.run(post_charge, stay, "MINIBAR", 700)

    moved = hotel.run(transfer_posting, dinner.id, company.id, "company pays business meals")
    guest, company = hotel.read(folios_of, stay)
    assert (guest.balance, company.balance) == (700, 5400)
    assert (moved.folio_id, moved.description, moved.code) == (company.id, "Business dinner", "FNB")
    out = guest.postings[-1]
    assert out.transfer_group == moved.transfer_group and out.reverses_id == dinner.id
    assert out.description == f"Transferred to Company of {stay}"

    with pytest.raises(InvalidTransition, match="already transferred"):
        hotel.run(transfer_posting, dinner.id, company.id, "again")
    with pytest.raises(InvalidTransition, match="already transferred"):
        hotel.run(reverse_posting, dinner.id, "meant to delete it")
    with pytest.raises(InvalidTransition, match="itself a transfer"):
        hotel.run(transfer_posting, out.id, company.id, "and back")
    back = hotel.run(transfer_posting, moved.id, guest.id, "guest pays after all")
    assert back.folio_id == guest.id
    guest, company = hotel.read(folios_of, stay)
    assert (guest.balance, company.balance) == (6100, 0)


def test_close_refuses_a_balance_then_bills_the_settled_folio(hotel: Desk) -> None:
    stay = book_stay(hotel)
    hotel.run(post_charge, stay, "MINIBAR", 1200)
    guest = folio_of(hotel, stay)
    with pytest.raises(
        InvalidTransition,
        match=f"^folio Guest of {stay} has a balance of €12.00 — take payment or transfer it$",
    ):
        hotel.run(close_folio, guest.id)
    assert folio_of(hotel, stay).status == "open"

    hotel.run(pay_cash, stay, 1200)
    invoice = hotel.run(close_folio, guest.id)
    assert (invoice.number, invoice.total, invoice.paid, invoice.balance) == (1, 1200, 1200, 0)
    closed = folio_of(hotel, stay)
    assert (closed.status, closed.invoice_number) == ("closed", 1)
    with pytest.raises(InvalidTransition, match=r"is already closed \(invoice 1\)$"):
        hotel.run(post_charge, stay, "MINIBAR", 300)
    with pytest.raises(InvalidTransition, match="is already closed"):
        hotel.run(close_folio, guest.id)
    assert folio_of(hotel, stay).balance == 0


def test_a_stale_folio_screen_cannot_post(hotel: Desk) -> None:
    stay = book_stay(hotel)
    hotel.run(post_charge, stay, "MINIBAR", 1200)
    seen = folio_of(hotel, stay)
    hotel.run(post_charge, stay, "FNB", 800, expected_version=seen.version)
    with pytest.raises(ConcurrentChange, match="changed by someone else"):
        hotel.run(post_charge, stay, "FNB", 800, expected_version=seen.version)
    assert folio_of(hotel, stay).version == seen.version + 1


def test_a_supervisor_sends_the_bill_to_the_city_ledger(hotel: Desk) -> None:
    stay = book_stay(hotel)
    hotel.run(_room_nights, stay)
    guest = folio_of(hotel, stay)
    with pytest.raises(PermissionDenied):
        hotel.run(open_city_ledger, "TST", "Acme Ltd")
    hotel.actor = SUPERVISOR
    account = hotel.run(open_city_ledger, "TST", "Acme Ltd")
    hotel.actor = CLERK
    with pytest.raises(PermissionDenied, match="city ledger"):
        hotel.run(transfer_posting, guest.postings[0].id, account.id, "company pays")
    with pytest.raises(PermissionDenied, match="city ledger"):
        hotel.run(transfer_to_city_ledger, guest.id, account.id, "company pays")
    hotel.actor = SUPERVISOR
    with pytest.raises(InvalidInput, match="has a city-ledger account named"):
        hotel.run(open_city_ledger, "TST", "Acme Ltd")

    after = hotel.run(transfer_to_city_ledger, guest.id, account.id, "direct bill, PO 4471")
    assert after.balance == 0
    assert after.postings[-1].code == "XFER" and after.postings[-1].amount == -20000
    ledger = hotel.read(folio_view, account.id)
    assert (ledger.kind, ledger.balance, ledger.confirmation) == ("city_ledger", 20000, None)
    assert ledger.postings[0].description == f"Folio Guest of {stay}"
    with pytest.raises(InvalidTransition, match="no balance to transfer"):
        hotel.run(transfer_to_city_ledger, guest.id, account.id, "again")
    assert hotel.run(close_folio, guest.id).number == 1

    def _company_pays(session: Session) -> None:
        post(session, load_folio(session, account.id), code="PAY-TERMINAL", amount=-20000)

    hotel.run(_company_pays)
    statement = hotel.run(close_folio, account.id)
    assert [(line.code, line.amount) for line in statement.lines] == [("XFER", 20000)]
    assert (statement.number, statement.total, statement.paid) == (2, 20000, 20000)
    assert statement.guest_name == "Acme Ltd"


def test_cancellation_and_no_show_fees_post_once(hotel: Desk) -> None:
    stay = hotel.run(
        book,
        BookingRequest(arrival=d(1), nights=2, room_type="TWN", guest=GuestInput("Ada Lovelace")),
    )
    on_arrival_day = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    hotel.run(cancel, stay.confirmation, now=on_arrival_day)  # the first night is due

    def _fees(session: Session) -> list[int | None]:
        reservation = load_reservation(session, stay.confirmation)
        fee = post_cancellation_fee(session, reservation)
        again = post_cancellation_fee(session, reservation)
        no_show = post_no_show_fee(session, reservation, 4500)
        return [
            p.id if p else None
            for p in (fee, again, no_show, post_no_show_fee(session, reservation, 4500))
        ]

    fee, again, no_show, no_show_again = hotel.run(_fees)
    assert fee == again and no_show == no_show_again
    guest = folio_of(hotel, stay.confirmation)
    assert [p.code for p in guest.postings] == ["CANCEL-FEE", "NOSHOW-FEE"]
    assert guest.postings[0].amount == 9000


# --- hypothesis: no sequence of posts, payments, reversals, transfers and closes makes a
# balance wrong ----------------------------------------------------------------------------

_hotels = itertools.count()
FOLIOS = ("Guest", "Company")
folios = st.sampled_from(FOLIOS)
amounts = st.integers(min_value=1, max_value=50_000)
charges = st.tuples(st.just("charge"), folios, st.sampled_from(["FNB", "MINIBAR", "ROOM"]), amounts)
#: Mostly to the other folio of the stay; sometimes (refused) to the one it is on.
transfers = st.tuples(
    st.just("transfer"), st.integers(0, 30), st.sampled_from(["other", "other", "other", "same"])
)
steps = st.lists(
    st.one_of(
        charges,
        charges,
        st.tuples(st.just("pay"), folios, amounts),
        st.tuples(st.just("reverse"), st.integers(0, 30)),
        transfers,
        transfers,
        st.tuples(st.just("settle_and_close"), folios),
    ),
    min_size=3,
    max_size=20,
)


def _small_stay(session: Session, code: str) -> str:
    create_property(session, code, "Ledger Inn", business_date=BUSINESS_DATE)
    add_room_type(session, code, "A", "A", max_occupancy=2, price=8000)
    add_room(session, code, "1", "A", floor=1)
    request = BookingRequest(
        arrival=BUSINESS_DATE, nights=1, room_type="A", guest=GuestInput("Kim"), property_code=code
    )
    confirmation = book(session, request).confirmation
    add_folio(session, confirmation, "Company", "company")
    folio_named(session, load_reservation(session, confirmation))  # open the guest folio
    return confirmation


def _ledger(session: Session, confirmation: str) -> dict[str, list[tuple[int, int, int | None]]]:
    return {
        f.name: [(p.id, p.amount, p.reverses_id) for p in f.postings]
        for f in folios_of(session, confirmation)
    }


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=steps)
def test_no_sequence_makes_a_balance_wrong(desk: Desk, ops: list[tuple]) -> None:
    stay = desk.run(_small_stay, f"L{next(_hotels)}")
    ids = {f.name: f.id for f in desk.read(folios_of, stay)}
    # The model: every posting as (folio, amount, reverses), which are reversed, which closed.
    model: dict[int, tuple[str, int, int | None]] = {}
    closed: set[str] = set()
    stay_total = 0
    for op in ops:
        reversed_ids = {r for _, _, r in model.values() if r is not None}
        # Small indexes pick among the postings that can still move, large ones among all.
        movable = [p for p in sorted(model) if model[p][2] is None and p not in reversed_ids]
        everything = sorted(model)
        expected_new: list[tuple[str, int, int | None]] = []
        expect_ok = True
        try:
            if op[0] == "charge":
                _, name, code, amount = op
                expect_ok = name not in closed
                expected_new = [(name, amount, None)]
                desk.run(post_charge, stay, code, amount, folio_name=name)
            elif op[0] == "pay":
                _, name, amount = op
                expect_ok = name not in closed
                expected_new = [(name, -amount, None)]
                desk.run(pay_cash, stay, amount, name)
            elif op[0] == "reverse" and model:
                target = _pick(op[1], movable, everything)
                name, amount, reverses = model[target]
                expect_ok = name not in closed and reverses is None and target not in reversed_ids
                expected_new = [(name, -amount, target)]
                desk.run(reverse_posting, target, "hypothesis")
            elif op[0] == "transfer" and model:
                _, index, where = op
                target = _pick(index, movable, everything)
                name, amount, reverses = model[target]
                to = name if where == "same" else next(f for f in FOLIOS if f != name)
                expect_ok = (
                    to != name
                    and not {name, to} & closed
                    and reverses is None
                    and target not in reversed_ids
                )
                expected_new = [(name, -amount, target), (to, amount, None)]
                desk.run(transfer_posting, target, ids[to], "hypothesis")
            elif op[0] == "settle_and_close":
                name = op[1]
                balance = sum(a for f, a, _ in model.values() if f == name)
                expect_ok = name not in closed and any(f == name for f, _, _ in model.values())
                if expect_ok and balance:
                    expected_new = [(name, -balance, None)]
                    desk.run(_settle, stay, name, balance)
                desk.run(close_folio, ids[name])
                closed.add(name)
            else:
                continue
        except PmsError as exc:
            assert not expect_ok, f"{op} refused: {exc}"
            expected_new = []
        else:
            assert expect_ok, f"{op} should have been refused"
        event(f"{op[0]} {'done' if expect_ok else 'refused'}")
        ledger = desk.read(_ledger, stay)
        new = sorted(
            (name, amount, rev)
            for name, rows in ledger.items()
            for pid, amount, rev in rows
            if pid not in model
        )
        assert new == sorted(expected_new), op
        for name, rows in ledger.items():
            for pid, amount, rev in rows:
                model.setdefault(pid, (name, amount, rev))
        if op[0] != "transfer":
            stay_total += sum(amount for _, amount, _ in expected_new)
        views = {f.name: f for f in desk.read(folios_of, stay)}
        for name in FOLIOS:
            expected = sum(a for f, a, _ in model.values() if f == name)
            assert views[name].balance == expected == desk.read(balance_of, ids[name])
            assert (views[name].status == "closed") == (name in closed)
        assert sum(v.balance for v in views.values()) == stay_total


def _pick(index: int, movable: list[int], everything: list[int]) -> int:
    choices = movable if movable and index < 24 else everything
    return choices[index % len(choices)]


def _settle(session: Session, confirmation: str, name: str, balance: int) -> None:
    """Pay what the folio owes, or refund what it holds in credit."""
    if balance > 0:
        pay_cash(session, confirmation, balance, name)
    else:
        folio = folio_named(session, load_reservation(session, confirmation), name)
        post(session, folio, code="REFUND", amount=-balance)

"""Helpers for the folio and invoice tests: a stay booked in the test hotel, cash taken on a
folio, and desks in their own processes that close a folio or reverse a posting at the same
moment as the others."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import BUSINESS_DATE
from racers import _report

from db.models import Role
from pms.billing.folios import (
    GUEST_FOLIO,
    FolioView,
    close_folio,
    folio_named,
    folios_of,
    post,
    reverse_posting,
)
from pms.guests.lookup import GuestInput
from pms.kernel.desk import Actor, Desk
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import load_reservation


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def book_stay(
    desk: Desk, name: str = "Lucía García", arrival: dt.date = BUSINESS_DATE, nights: int = 2
) -> str:
    """Book a double for `nights` nights and return its confirmation number."""
    request = BookingRequest(
        arrival=arrival, nights=nights, room_type="DBL", guest=GuestInput(name), adults=2
    )
    return desk.run(book, request).confirmation


def pay_cash(session: Any, confirmation: str, amount: int, folio_name: str = GUEST_FOLIO) -> int:
    """Take `amount` in cash on the stay's folio (a negative posting); the posting's id."""
    folio = folio_named(session, load_reservation(session, confirmation), folio_name)
    return post(session, folio, code="PAY-CASH", amount=-amount).id


def folio_of(desk: Desk, confirmation: str, name: str = GUEST_FOLIO) -> FolioView:
    """The stay's folio of this name as the desk shows it."""
    return next(f for f in desk.read(folios_of, confirmation) if f.name == name)


def close_at_once(url: str, barrier: Any, results: Any, folio_id: int) -> None:
    """Close the folio as soon as every desk is ready; report the invoice number."""
    desk = Desk.open(url)
    desk.actor = Actor("ana", Role.CLERK)
    _report(desk, barrier, results, lambda: str(desk.run(close_folio, folio_id).number))


def reverse_at_once(url: str, barrier: Any, results: Any, posting_id: int) -> None:
    """Reverse the posting as soon as every desk is ready; report the reversal's id."""
    desk = Desk.open(url)
    desk.actor = Actor("ana", Role.CLERK)
    _report(desk, barrier, results, lambda: str(desk.run(reverse_posting, posting_id, "race").id))

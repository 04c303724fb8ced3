"""First run: an empty database gets its first hotel and its first administrator, in one
transaction (all or nothing)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Property, Role
from pms.hotel.properties import PropertyView, create_property
from pms.hotel.users import create_user
from pms.kernel.errors import InvalidInput
from pms.setup.hotel_build import build_hotel
from pms.setup.hotel_file import HotelFile


@dataclass(frozen=True)
class HotelReady:
    """A database set up: its hotel, who signs in first, and the password made for them when
    none was chosen (shown once; None when the administrator chose it)."""

    hotel: PropertyView
    admin: str
    password: str | None


def initialise(
    session: Session,
    *,
    code: str,
    name: str,
    currency: str,
    timezone: str,
    city: str,
    admin_username: str,
    admin_password: str,
) -> PropertyView:
    """Set up the first property and its admin in one transaction (all or nothing)."""
    _refuse_if_set_up(session)
    view = create_property(session, code, name, currency=currency, timezone=timezone, city=city)
    create_user(session, admin_username, admin_password, Role.ADMIN, "Administrator")
    return view


def set_up_hotel(
    session: Session,
    hotel: HotelFile,
    *,
    admin_username: str,
    admin_password: str | None,
    source: str,
) -> HotelReady:
    """Set up a whole hotel — property, room types, rooms, rates and taxes — and its first
    administrator, whose password is made up when none is given (`source` names where the
    hotel was described, for messages)."""
    _refuse_if_set_up(session)
    view = build_hotel(session, hotel, source)
    password = admin_password or secrets.token_urlsafe(12)
    admin = create_user(session, admin_username, password, Role.ADMIN, "Administrator")
    return HotelReady(view, admin.username, None if admin_password else password)


def _refuse_if_set_up(session: Session) -> None:
    if session.scalar(select(Property.id).limit(1)) is not None:
        raise InvalidInput(
            "database", "this database is already set up; add properties as an admin"
        )

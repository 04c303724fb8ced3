"""First run: an empty database gets its first property and its first administrator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Property, Role
from pms.hotel.properties import PropertyView, create_property
from pms.hotel.users import create_user
from pms.kernel.errors import InvalidInput


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
    if session.scalar(select(Property.id).limit(1)) is not None:
        raise InvalidInput(
            "database", "this database is already set up; add properties as an admin"
        )
    view = create_property(session, code, name, currency=currency, timezone=timezone, city=city)
    create_user(session, admin_username, admin_password, Role.ADMIN, "Administrator")
    return view

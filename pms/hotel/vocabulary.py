"""Checking the features a room type or room is given against the property's vocabulary
(`pms.hotel.features` keeps the vocabulary itself)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Feature, Property
from pms.hotel import field_checks
from pms.kernel.errors import InvalidInput


def vocabulary(session: Session, prop: Property) -> list[str]:
    """The property's feature names, in order."""
    return list(
        session.scalars(
            select(Feature.name).where(Feature.property_id == prop.id).order_by(Feature.name)
        )
    )


def known_features(
    session: Session, prop: Property, names: Iterable[str], field: str = "features"
) -> list[str]:
    """The names as the vocabulary keeps them, sorted and once each; refused with the known
    words when one is not in the vocabulary."""
    wanted = sorted({field_checks.feature(name, field) for name in names if name.strip()})
    if not wanted:
        return []
    known = set(vocabulary(session, prop))
    unknown = [name for name in wanted if name not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none yet"
        raise InvalidInput(
            field,
            f"{unknown[0]!r} is not a feature at {prop.code} (known: {listed}) — add it first",
        )
    return wanted

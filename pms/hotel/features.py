"""The property's feature vocabulary: the words room types and rooms are described with (sea
view, accessible, balcony …), which quotes filter on.

Room types and rooms may only name features of the vocabulary, so a typo ("sea veiw") is
refused where it is typed instead of quietly making a room nobody finds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Feature, Room, RoomType
from pms.hotel import field_checks
from pms.hotel.properties import resolve_property, rooms_in_service
from pms.hotel.vocabulary import vocabulary
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require


@dataclass(frozen=True)
class FeatureView:
    """A word of the vocabulary and where it is used."""

    name: str
    room_types: list[str]
    rooms: int


def add_features(
    session: Session, property_code: str | None, names: Iterable[str]
) -> list[FeatureView]:
    """Add words to the vocabulary (managers); a word already there is refused by name."""
    require(session, "feature.add")
    prop = resolve_property(session, property_code)
    wanted = [field_checks.feature(name, "name") for name in names]
    if not wanted:
        raise InvalidInput("name", "name the feature, like 'sea view'")
    known = set(vocabulary(session, prop))
    for name in wanted:
        if name in known:
            raise InvalidInput("name", f"{name!r} is already a feature at {prop.code}")
        known.add(name)
        feature = Feature(property_id=prop.id, name=name)
        session.add(feature)
        session.flush()
        record(session, "create", "feature", feature.id, after={"name": name})
    return [view for view in list_features(session, prop.code) if view.name in wanted]


def list_features(session: Session, property_code: str | None = None) -> list[FeatureView]:
    """The vocabulary, each word with the room types that have it and how many rooms add it."""
    prop = resolve_property(session, property_code)
    types: dict[str, list[str]] = {}
    for room_type in prop.room_types:
        for name in room_type.features:
            types.setdefault(name, []).append(room_type.code)
    rooms: dict[str, int] = {}
    for listed in session.scalars(
        select(Room.features)
        .join(RoomType, RoomType.id == Room.room_type_id)
        .where(Room.property_id == prop.id, rooms_in_service(prop.business_date))
    ):
        for name in listed or []:
            rooms[name] = rooms.get(name, 0) + 1
    return [
        FeatureView(name, types.get(name, []), rooms.get(name, 0))
        for name in vocabulary(session, prop)
    ]

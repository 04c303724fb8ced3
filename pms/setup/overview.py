"""Everything the Set-up screens show of a property, read in one transaction: its details and
settings, room types (retired ones too), rooms, features, rate plans and taxes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from pms.hotel.features import FeatureView, list_features
from pms.hotel.properties import RoomTypeView
from pms.hotel.property_details import PropertyDetails, property_details
from pms.hotel.property_settings import setting_descriptions
from pms.rates.plans import RatePlanView, list_rate_plans
from pms.rates.taxes import TaxView, list_taxes
from pms.setup.room_types import list_room_types
from pms.setup.rooms_admin import RoomView, list_rooms


@dataclass(frozen=True)
class SetupOverview:
    """A property as its administrator sets it up."""

    details: PropertyDetails
    setting_descriptions: dict[str, str]
    room_types: list[RoomTypeView]
    rooms: list[RoomView]
    features: list[FeatureView]
    rate_plans: list[RatePlanView]
    taxes: list[TaxView]


def setup_overview(session: Session, property_code: str | None = None) -> SetupOverview:
    """The property's set-up as it now is."""
    details = property_details(session, property_code)
    code = details.code
    return SetupOverview(
        details=details,
        setting_descriptions=setting_descriptions(),
        room_types=list_room_types(session, code, retired=True),
        rooms=list_rooms(session, code),
        features=list_features(session, code),
        rate_plans=list_rate_plans(session, code),
        taxes=list_taxes(session, code),
    )

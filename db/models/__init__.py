"""Typed SQLAlchemy models: the hotel's nouns and the invariants the database keeps for them.

Every rule that two desks could race on is a constraint here, named so that migrations stay
stable: one stay per room-night, one reservation per idempotency key, sold never negative.
Money is an integer count of the currency's minor unit (cents).

The models live in one module per area (the house, rates, guests, stays, users, the logs,
loyalty, reviews, the night audit, the channels; the money side of a stay in `db.folios`);
every one of them is importable from here. Those the relationships join (the house, rates,
guests, stays) and users load with this package; the others load when first named (`from
db.models import Review`), so a command that reads a stay does not build the loyalty, review
and night-audit mappers it never uses (about 40 % of the models' import). Each module imports
the modules whose tables its foreign keys name, so whatever is loaded can be flushed. What
needs every table (creating the schema, Alembic, schema checks) calls `load_all()` first.
"""

import importlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData

from db.models.base import NAMING_CONVENTION, Base, utcnow
from db.models.guests import Guest
from db.models.hotel import (
    Feature,
    HousekeepingStatus,
    Inventory,
    OutOfOrder,
    Property,
    Room,
    RoomType,
)
from db.models.lengths import check_lengths
from db.models.rates import (
    ChargeTax,
    PricingRule,
    Rate,
    RatePlan,
    RatePlanCompany,
    RatePlanPrice,
    Tax,
)
from db.models.stays import (
    Reservation,
    ReservationNight,
    ReservationStatus,
    ReservationTax,
    RoomNight,
)
from db.models.users import AccessToken, Role, SignInAttempt, User

if TYPE_CHECKING:
    from db.models.channels import ApiKey, IdempotencyRecord
    from db.models.logs import AuditLog, ChangeLog
    from db.models.loyalty import (
        LoyaltyAccount,
        LoyaltyLine,
        LoyaltyProgramme,
        LoyaltyProperty,
        LoyaltyTier,
        LoyaltyTierChange,
    )
    from db.models.night_audit import (
        STATISTIC_COUNTS,
        STATISTIC_MONEY,
        AuditReport,
        AuditRun,
        AuditStep,
        DailyStatistic,
        LedgerDay,
    )
    from db.models.reviews import Review, ReviewCategory, ReviewScore, ReviewStat

#: The models loaded when first named, by name, and the module of `db.models` that holds each.
_ON_USE = {
    **dict.fromkeys(("ApiKey", "IdempotencyRecord"), "channels"),
    **dict.fromkeys(("AuditLog", "ChangeLog"), "logs"),
    **dict.fromkeys(
        (
            "LoyaltyAccount",
            "LoyaltyLine",
            "LoyaltyProgramme",
            "LoyaltyProperty",
            "LoyaltyTier",
            "LoyaltyTierChange",
        ),
        "loyalty",
    ),
    **dict.fromkeys(
        (
            "STATISTIC_COUNTS",
            "STATISTIC_MONEY",
            "AuditReport",
            "AuditRun",
            "AuditStep",
            "DailyStatistic",
            "LedgerDay",
        ),
        "night_audit",
    ),
    **dict.fromkeys(("Review", "ReviewCategory", "ReviewScore", "ReviewStat"), "reviews"),
}


def __getattr__(name: str) -> Any:
    """A model of `_ON_USE`, its module imported the first time one of its names is asked for
    (PEP 562)."""
    module = _ON_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def load_all() -> MetaData:
    """Every table of the schema in `Base.metadata`, which it returns: the models loaded on use
    and those of `db.folios` too."""
    for module in sorted(set(_ON_USE.values())):
        importlib.import_module(f"{__name__}.{module}")
    importlib.import_module("db.folios")
    return Base.metadata


__all__ = [
    "NAMING_CONVENTION",
    "STATISTIC_COUNTS",
    "STATISTIC_MONEY",
    "AccessToken",
    "ApiKey",
    "AuditLog",
    "AuditReport",
    "AuditRun",
    "AuditStep",
    "Base",
    "ChangeLog",
    "ChargeTax",
    "DailyStatistic",
    "Feature",
    "Guest",
    "HousekeepingStatus",
    "IdempotencyRecord",
    "Inventory",
    "LedgerDay",
    "LoyaltyAccount",
    "LoyaltyLine",
    "LoyaltyProgramme",
    "LoyaltyProperty",
    "LoyaltyTier",
    "LoyaltyTierChange",
    "OutOfOrder",
    "PricingRule",
    "Property",
    "Rate",
    "RatePlan",
    "RatePlanCompany",
    "RatePlanPrice",
    "Reservation",
    "ReservationNight",
    "ReservationStatus",
    "ReservationTax",
    "Review",
    "ReviewCategory",
    "ReviewScore",
    "ReviewStat",
    "Role",
    "Room",
    "RoomNight",
    "RoomType",
    "SignInAttempt",
    "Tax",
    "User",
    "load_all",
    "utcnow",
]

check_lengths(Base.metadata)

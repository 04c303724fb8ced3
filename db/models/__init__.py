"""Typed SQLAlchemy models: the hotel's nouns and the invariants the database keeps for them.

Every rule that two desks could race on is a constraint here, named so that migrations stay
stable: one stay per room-night, one reservation per idempotency key, sold never negative.
Money is an integer count of the currency's minor unit (cents).

The models live in one module per area (the house, rates, guests, stays, users, the logs,
loyalty, reviews, the night audit; the money side of a stay in `db.folios`); every one of
them is importable from here, and importing any of them imports this package first, so
`Base.metadata` is always complete.
"""

from db.models.base import NAMING_CONVENTION, Base, utcnow
from db.models.channels import ApiKey, IdempotencyRecord
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
from db.models.rates import (
    ChargeTax,
    PricingRule,
    Rate,
    RatePlan,
    RatePlanCompany,
    RatePlanPrice,
    Tax,
)
from db.models.reviews import Review, ReviewCategory, ReviewScore, ReviewStat
from db.models.stays import (
    Reservation,
    ReservationNight,
    ReservationStatus,
    ReservationTax,
    RoomNight,
)
from db.models.users import AccessToken, Role, SignInAttempt, User

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
    "utcnow",
]

check_lengths(Base.metadata)

"""Setting up a loyalty programme: its rules (how members qualify, what a point is worth, when
points expire, how far a review may downgrade), its tiers, and the properties taking part.

The programme is data, set up by a manager or an administrator; the checks here are the ones
every face gets (the CLI today, a set-up screen or an import tomorrow), in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import LoyaltyProgramme, LoyaltyProperty, LoyaltyTier, Property
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.permissions import require

QUALIFY_ON = ("points", "nights", "stays", "revenue")
PERIODS = ("rolling", "calendar")
EXPIRIES = ("none", "after", "inactivity")


@dataclass(frozen=True)
class ProgrammeTerms:
    """The rules of a programme. `qualify_on` is what a tier's threshold counts (qualifying
    points, nights, stays, or room revenue in minor units) over the last `period_months`
    (`rolling`) or since 1 January (`calendar`). Redeemed points are worth one currency unit
    per `points_per_unit`. Points expire `expiry_months` after they were earned (`after`) or
    after that long without earning or redeeming (`inactivity`)."""

    code: str
    name: str
    qualify_on: str = "points"
    period: str = "rolling"
    period_months: int = 12
    points_per_unit: int = 100
    expiry: str = "none"
    expiry_months: int | None = None
    max_downgrade: int = 1

    def checked(self) -> ProgrammeTerms:
        """The terms with the code in capitals, or the first thing wrong with them."""
        code = self.code.strip().upper()
        if not code or len(code) > 12 or not code.replace("-", "").isalnum():
            raise InvalidInput("code", "a programme code is 1 to 12 letters or digits")
        if not self.name.strip() or len(self.name.strip()) > 80:
            raise InvalidInput("name", "a programme needs a name of 1 to 80 characters")
        _one_of("qualify_on", self.qualify_on, QUALIFY_ON)
        _one_of("period", self.period, PERIODS)
        _one_of("expiry", self.expiry, EXPIRIES)
        if not 1 <= self.period_months <= 36:
            raise InvalidInput("period_months", "the qualifying period is 1 to 36 months")
        if self.points_per_unit < 1:
            raise InvalidInput("points_per_unit", "points per currency unit must be at least 1")
        if self.expiry == "none" and self.expiry_months is not None:
            raise InvalidInput("expiry_months", "expiry months need an expiry rule")
        if self.expiry != "none" and not 1 <= (self.expiry_months or 0) <= 120:
            raise InvalidInput("expiry_months", "points expire after 1 to 120 months")
        if self.max_downgrade < 0:
            raise InvalidInput("max_downgrade", "the maximum downgrade cannot be negative")
        return ProgrammeTerms(
            code,
            self.name.strip(),
            self.qualify_on,
            self.period,
            self.period_months,
            self.points_per_unit,
            self.expiry,
            self.expiry_months,
            self.max_downgrade,
        )


@dataclass(frozen=True)
class TierTerms:
    """A tier: its rank (0 is where members start), the threshold that reaches it, and what a
    stay earns in it (points per currency unit of room revenue, and a bonus per stay)."""

    code: str
    name: str
    rank: int
    threshold: int = 0
    earn_per_unit: int = 10
    stay_bonus: int = 0


@dataclass(frozen=True)
class TierView:
    """A tier as the desk shows it."""

    code: str
    name: str
    rank: int
    threshold: int
    earn_per_unit: int
    stay_bonus: int


@dataclass(frozen=True)
class ProgrammeView:
    """A programme's rules, its tiers lowest first and the properties taking part."""

    code: str
    name: str
    qualify_on: str
    period: str
    period_months: int
    points_per_unit: int
    expiry: str
    expiry_months: int | None
    max_downgrade: int
    tiers: list[TierView]
    properties: list[str]


def _one_of(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidInput(field, f"{field.replace('_', ' ')} is one of {', '.join(allowed)}")


def load_programme(session: Session, code: str) -> LoyaltyProgramme:
    """The programme with this code."""
    programme = session.scalar(
        select(LoyaltyProgramme).where(LoyaltyProgramme.code == code.strip().upper())
    )
    if programme is None:
        raise NotFound(f"there is no loyalty programme {code.strip()!r}")
    return programme


def programme_at(session: Session, prop: Property) -> LoyaltyProgramme | None:
    """The programme the property takes part in, if any."""
    return session.scalar(
        select(LoyaltyProgramme)
        .join(LoyaltyProperty, LoyaltyProperty.programme_id == LoyaltyProgramme.id)
        .where(LoyaltyProperty.property_id == prop.id)
    )


def tiers_of(session: Session, programme_id: int) -> list[LoyaltyTier]:
    """The programme's tiers, lowest rank first."""
    return list(
        session.scalars(
            select(LoyaltyTier)
            .where(LoyaltyTier.programme_id == programme_id)
            .order_by(LoyaltyTier.rank)
        )
    )


def tier_view(tier: LoyaltyTier) -> TierView:
    """The plain view of a tier."""
    return TierView(
        tier.code, tier.name, tier.rank, tier.threshold, tier.earn_per_unit, tier.stay_bonus
    )


def programme_view(session: Session, programme: LoyaltyProgramme) -> ProgrammeView:
    """The plain view of a programme, with its tiers and properties."""
    properties = session.scalars(
        select(Property.code)
        .join(LoyaltyProperty, LoyaltyProperty.property_id == Property.id)
        .where(LoyaltyProperty.programme_id == programme.id)
        .order_by(Property.code)
    )
    return ProgrammeView(
        code=programme.code,
        name=programme.name,
        qualify_on=programme.qualify_on,
        period=programme.period,
        period_months=programme.period_months,
        points_per_unit=programme.points_per_unit,
        expiry=programme.expiry,
        expiry_months=programme.expiry_months,
        max_downgrade=programme.max_downgrade,
        tiers=[tier_view(t) for t in tiers_of(session, programme.id)],
        properties=list(properties),
    )


def show_programme(session: Session, code: str | None = None) -> ProgrammeView:
    """A programme by code, or the one the (only) property takes part in."""
    if code:
        return programme_view(session, load_programme(session, code))
    prop = resolve_property(session, None)
    programme = programme_at(session, prop)
    if programme is None:
        raise NotFound(f"{prop.code} takes part in no loyalty programme")
    return programme_view(session, programme)


def set_programme(
    session: Session, terms: ProgrammeTerms, property_code: str | None = None
) -> ProgrammeView:
    """Create a programme or change its rules (managers and administrators), and let the
    property take part in it. The rules apply from the next earning, expiry or review on."""
    require(session, "loyalty.programme")
    terms = terms.checked()
    prop = resolve_property(session, property_code)
    programme = session.scalar(select(LoyaltyProgramme).where(LoyaltyProgramme.code == terms.code))
    action = "update" if programme else "create"
    if programme is None:
        programme = LoyaltyProgramme(code=terms.code)
        session.add(programme)
    for name in ("name", "qualify_on", "period", "period_months", "points_per_unit", "expiry",
                 "expiry_months", "max_downgrade"):  # fmt: skip
        setattr(programme, name, getattr(terms, name))
    session.flush()
    taking_part = session.get(LoyaltyProperty, prop.id)
    if taking_part is None:
        session.add(LoyaltyProperty(property_id=prop.id, programme_id=programme.id))
    elif taking_part.programme_id != programme.id:
        raise InvalidInput("property", f"{prop.code} takes part in another loyalty programme")
    session.flush()
    record(session, action, "loyalty_programme", programme.id, after=_snapshot(terms, prop))
    return programme_view(session, programme)


def _snapshot(terms: ProgrammeTerms, prop: Property) -> dict[str, object]:
    return {**terms.__dict__, "property": prop.code}


def set_tier(session: Session, programme_code: str, terms: TierTerms) -> TierView:
    """Add a tier to the programme or change one (managers and administrators). Ranks and codes
    are unique in a programme; the lowest rank is where new members start, at threshold 0."""
    require(session, "loyalty.tiers")
    programme = load_programme(session, programme_code)
    code = terms.code.strip().upper()
    if not code or len(code) > 12:
        raise InvalidInput("code", "a tier code is 1 to 12 characters")
    if not terms.name.strip() or len(terms.name.strip()) > 80:
        raise InvalidInput("name", "a tier needs a name of 1 to 80 characters")
    for field in ("rank", "threshold", "earn_per_unit", "stay_bonus"):
        if getattr(terms, field) < 0:
            raise InvalidInput(field, f"{field.replace('_', ' ')} cannot be negative")
    tiers = tiers_of(session, programme.id)
    tier = next((t for t in tiers if t.code == code), None)
    clash = next((t for t in tiers if t.rank == terms.rank and t is not tier), None)
    if clash is not None:
        raise InvalidInput("rank", f"rank {terms.rank} is tier {clash.code} already")
    action = "update" if tier else "create"
    if tier is None:
        tier = LoyaltyTier(programme_id=programme.id, code=code)
        session.add(tier)
    tier.name, tier.rank, tier.threshold = terms.name.strip(), terms.rank, terms.threshold
    tier.earn_per_unit, tier.stay_bonus = terms.earn_per_unit, terms.stay_bonus
    session.flush()
    record(session, action, "loyalty_tier", tier.id, after={**terms.__dict__, "code": code})
    return tier_view(tier)

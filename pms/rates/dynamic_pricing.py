"""Dynamic pricing rules as data: per property or room type, when forecast occupancy of a night
reaches a threshold the base price moves by a percentage, within a floor and a ceiling."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import PricingRule, RoomType
from pms.hotel.properties import resolve_property, resolve_room_type
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require


@dataclass(frozen=True)
class PricingRuleView:
    """One occupancy rule; `room_type` None means the whole property."""

    id: int
    room_type: str | None
    threshold_pct: int
    adjust_bp: int
    floor: int | None
    ceiling: int | None


def add_pricing_rule(
    session: Session,
    property_code: str | None,
    *,
    threshold_pct: int,
    adjust_bp: int,
    floor: int | None = None,
    ceiling: int | None = None,
    room_type: str | None = None,
) -> PricingRuleView:
    """A rule that moves prices from `threshold_pct` forecast occupancy on."""
    require(session, "pricing_rule.add")
    prop = resolve_property(session, property_code)
    if not 1 <= threshold_pct <= 200:
        raise InvalidInput("threshold", "the occupancy threshold must be between 1 and 200 %")
    if adjust_bp <= -10_000:
        raise InvalidInput("adjust", "a price cannot drop by 100 % or more")
    if floor is not None and ceiling is not None and floor > ceiling:
        raise InvalidInput("floor", "the floor is above the ceiling")
    if (floor is not None and floor < 0) or (ceiling is not None and ceiling < 0):
        raise InvalidInput("floor", "floor and ceiling cannot be negative")
    kind = resolve_room_type(session, prop, room_type) if room_type else None
    rule = PricingRule(
        property_id=prop.id,
        room_type_id=kind.id if kind else None,
        threshold_pct=threshold_pct,
        adjust_bp=adjust_bp,
        floor=floor,
        ceiling=ceiling,
    )
    session.add(rule)
    session.flush()
    record(session, "create", "pricing_rule", rule.id, after={"threshold_pct": threshold_pct,
                                                              "adjust_bp": adjust_bp})  # fmt: skip
    return _view(rule, kind.code if kind else None)


def remove_pricing_rule(session: Session, property_code: str | None, rule_id: int) -> None:
    """Drop a rule; prices already booked stay as they were quoted."""
    require(session, "pricing_rule.remove")
    prop = resolve_property(session, property_code)
    removed = session.execute(
        delete(PricingRule).where(PricingRule.id == rule_id, PricingRule.property_id == prop.id)
    ).rowcount
    if not removed:
        raise InvalidInput("rule", f"there is no pricing rule #{rule_id} at {prop.code}")
    record(session, "delete", "pricing_rule", rule_id)


def list_pricing_rules(session: Session, property_code: str | None = None) -> list[PricingRuleView]:
    """The property's rules, property-wide first, by threshold."""
    prop = resolve_property(session, property_code)
    rows = session.execute(
        select(PricingRule, RoomType.code)
        .outerjoin(RoomType, RoomType.id == PricingRule.room_type_id)
        .where(PricingRule.property_id == prop.id)
        .order_by(RoomType.code.nulls_first(), PricingRule.threshold_pct)
    ).all()
    return [_view(rule, code) for rule, code in rows]


def _view(rule: PricingRule, room_type: str | None) -> PricingRuleView:
    return PricingRuleView(
        rule.id, room_type, rule.threshold_pct, rule.adjust_bp, rule.floor, rule.ceiling
    )

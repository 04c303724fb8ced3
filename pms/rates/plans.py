"""Rate plans: creating them (a manager's decision) and reading them (everyone at the desk).

A plan is a base plan with its own prices on the rate sheet, or derived from another plan by a
percent and an amount, following every later change of its parent's prices. Its terms and
their rules are in `pms.rates.plan_terms`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Property, RatePlan
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.permissions import require
from pms.rates.plan_terms import PlanTermsInput, check_terms
from pms.rates.ratesheet import cancel_policy


@dataclass(frozen=True)
class RatePlanView:
    """A rate plan and its terms, as the revenue manager reads them."""

    code: str
    name: str
    parent: str | None
    derive_percent_bp: int
    derive_amount: int
    meal_plan: str
    guarantee: str
    members_only: bool
    restricted: bool
    sell_from: dt.date | None
    sell_until: dt.date | None
    min_advance_days: int | None
    max_advance_days: int | None
    policy: str


def resolve_plan(session: Session, prop: Property, code: str) -> RatePlan:
    """The rate plan `code` of the property."""
    plan = session.scalar(
        select(RatePlan).where(RatePlan.property_id == prop.id, RatePlan.code == code.upper())
    )
    if plan is None:
        raise NotFound(f"there is no rate plan {code!r} at {prop.code}")
    return plan


def create_rate_plan(
    session: Session, property_code: str | None, terms: PlanTermsInput
) -> RatePlanView:
    """A new rate plan; a derived one follows every later change of its parent's prices."""
    require(session, "rateplan.create")
    prop = resolve_property(session, property_code)
    code = terms.code.strip().upper()
    if not code.isalnum() or len(code) > 12:
        raise InvalidInput("code", f"rate plan code {code!r} must be 1–12 letters or digits")
    if session.scalar(
        select(RatePlan.id).where(RatePlan.property_id == prop.id, RatePlan.code == code)
    ):
        raise InvalidInput("code", f"rate plan {code} already exists at {prop.code}")
    check_terms(terms)
    parent = resolve_plan(session, prop, terms.parent) if terms.parent else None
    plan = RatePlan(
        property_id=prop.id,
        code=code,
        name=terms.name.strip() or code,
        parent=parent,
        derive_percent_bp=terms.derive_percent_bp,
        derive_amount=terms.derive_amount,
        meal_plan=terms.meal_plan.upper(),
        guarantee=terms.guarantee,
        members_only=terms.members_only,
        restricted=terms.restricted,
        sell_from=terms.sell_from,
        sell_until=terms.sell_until,
        min_advance_days=terms.min_advance_days,
        max_advance_days=terms.max_advance_days,
        non_refundable=terms.non_refundable,
        cancel_free_hours=terms.cancel_free_hours,
        cancel_penalty=terms.cancel_penalty,
        cancel_penalty_bp=terms.cancel_penalty_bp,
    )
    session.add(plan)
    session.flush()
    record(
        session,
        "create",
        "rate_plan",
        plan.id,
        after={"code": code, "parent": terms.parent, "restricted": terms.restricted},
    )
    return plan_view(plan)


def plan_view(plan: RatePlan) -> RatePlanView:
    """The plain view of a rate plan."""
    return RatePlanView(
        code=plan.code,
        name=plan.name,
        parent=plan.parent.code if plan.parent else None,
        derive_percent_bp=plan.derive_percent_bp,
        derive_amount=plan.derive_amount,
        meal_plan=plan.meal_plan,
        guarantee=plan.guarantee,
        members_only=plan.members_only,
        restricted=plan.restricted,
        sell_from=plan.sell_from,
        sell_until=plan.sell_until,
        min_advance_days=plan.min_advance_days,
        max_advance_days=plan.max_advance_days,
        policy=cancel_policy(plan).summary(),
    )


def get_rate_plan(session: Session, property_code: str | None, code: str) -> RatePlanView:
    """One rate plan and its terms."""
    return plan_view(resolve_plan(session, resolve_property(session, property_code), code))


def list_rate_plans(session: Session, property_code: str | None = None) -> list[RatePlanView]:
    """Every rate plan of the property, by code."""
    prop = resolve_property(session, property_code)
    plans = session.scalars(
        select(RatePlan).where(RatePlan.property_id == prop.id).order_by(RatePlan.code)
    )
    return [plan_view(p) for p in plans]

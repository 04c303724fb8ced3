"""Who may book a restricted rate plan: the companies entitled to it.

A corporate rate is a price agreed with a company; offering it to a walk-in gives it away. A
restricted plan is offered and booked only for a booking that names an entitled company, or
for a guest whose profile works for one. The database cannot tell who is entitled, so every
face goes through these checks: the quotes, the channels' offers and `book`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import RatePlan, RatePlanCompany
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require
from pms.kernel.validation import plain_text
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import RatePlanView, create_rate_plan, resolve_plan

#: The longest company name, as the guest profile's column holds it.
COMPANY_LENGTH = 120


def company_key(name: str) -> str:
    """A company's name as entitlements compare it: no case, single spaces."""
    return " ".join(name.split()).casefold()


def entitled_companies(session: Session, plans: Iterable[RatePlan]) -> dict[int, set[str]]:
    """The compared names of the companies entitled to each restricted plan of `plans`."""
    ids = [p.id for p in plans if p.restricted]
    found: dict[int, set[str]] = {plan_id: set() for plan_id in ids}
    if ids:
        rows = session.execute(
            select(RatePlanCompany.rate_plan_id, RatePlanCompany.company).where(
                RatePlanCompany.rate_plan_id.in_(ids)
            )
        )
        for plan_id, company in rows:
            found[plan_id].add(company_key(company))
    return found


def why_not_entitled(
    plan: RatePlan, entitled: dict[int, set[str]], companies: Iterable[str]
) -> str:
    """Why the plan cannot be sold to a booking for `companies` ('' when it can): a plan that
    is not restricted sells to everyone; a restricted one to its entitled companies only."""
    if not plan.restricted:
        return ""
    keys = {company_key(c) for c in companies if c.strip()}
    if keys & entitled.get(plan.id, set()):
        return ""
    return f"rate plan {plan.code} is restricted to the companies entitled to it"


def refusal_for_booking(session: Session, plan: RatePlan, companies: Iterable[str]) -> str:
    """`why_not_entitled` for one plan, its entitlements read (the check `book` makes)."""
    named = [plain_text(c, "company", length=COMPANY_LENGTH) for c in companies]
    if not plan.restricted:
        return ""
    return why_not_entitled(plan, entitled_companies(session, [plan]), named)


def booked_for(session: Session, plan: RatePlan, named: str, profile: str) -> str:
    """The company a booking is for, kept on the reservation ("" for none): on a plan anyone
    may book, the one it names; on a restricted plan the entitled one, spelt as it was
    entitled (so one company's stays read alike however the clerk typed it), the named one
    first, else the guest profile's. Called once `refusal_for_booking` has let it pass."""
    named = plain_text(named, "company", length=COMPANY_LENGTH)
    if not plan.restricted:
        return named
    entitled = {company_key(c): c for c in _companies_of(session, plan)}
    return entitled.get(company_key(named)) or entitled.get(company_key(profile), "")


def entitle_company(
    session: Session, property_code: str | None, plan_code: str, company: str
) -> list[str]:
    """Entitle a company to a rate plan and make the plan restricted (managers); returns the
    plan's entitled companies, as they were typed."""
    require(session, "rateplan.create")
    plan = resolve_plan(session, resolve_property(session, property_code), plan_code)
    name = plain_text(company, "company", length=COMPANY_LENGTH, required=True)
    current = _companies_of(session, plan)
    if company_key(name) in {company_key(c) for c in current}:
        raise InvalidInput("company", f"{name!r} is already entitled to {plan.code}")
    plan.restricted = True
    session.add(RatePlanCompany(rate_plan_id=plan.id, company=name))
    session.flush()
    record(session, "update", "rate_plan", plan.id, after={"entitled": name, "restricted": True})
    return sorted([*current, name], key=company_key)


def create_plan_for_companies(
    session: Session, property_code: str | None, terms: PlanTermsInput, companies: Sequence[str]
) -> RatePlanView:
    """A new rate plan with the companies entitled to it, in one transaction (managers): a plan
    made for a company is never on sale to everyone for a moment, nor left without the company
    it was made for when one name is refused. Naming companies needs a restricted plan."""
    named = [c for c in companies if c.strip()]
    if named and not terms.restricted:
        raise InvalidInput(
            "companies", "a plan sold to everyone has no entitled companies: restrict it first"
        )
    view = create_rate_plan(session, property_code, terms)
    for company in named:
        entitle_company(session, property_code, view.code, company)
    return replace(view, restricted=terms.restricted)


def restrict_plan(
    session: Session, property_code: str | None, plan_code: str, restricted: bool
) -> None:
    """Sell the plan to entitled companies only, or again to everyone (managers)."""
    require(session, "rateplan.create")
    plan = resolve_plan(session, resolve_property(session, property_code), plan_code)
    plan.restricted = restricted
    session.flush()
    record(session, "update", "rate_plan", plan.id, after={"restricted": restricted})


def plan_companies(session: Session, property_code: str | None, plan_code: str) -> list[str]:
    """The companies entitled to a rate plan, as they were typed."""
    plan = resolve_plan(session, resolve_property(session, property_code), plan_code)
    return sorted(_companies_of(session, plan), key=company_key)


def _companies_of(session: Session, plan: RatePlan) -> list[str]:
    return list(
        session.scalars(
            select(RatePlanCompany.company).where(RatePlanCompany.rate_plan_id == plan.id)
        )
    )

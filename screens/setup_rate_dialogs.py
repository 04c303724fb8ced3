"""The Set-up area's forms for what a night sells at: a new rate plan (its own prices, or
derived from another) and a new tax — the same terms, defaults and refusals as `pms rateplan
create` and `pms tax add`, since both draft through `pms.rates`."""

from __future__ import annotations

from typing import ClassVar

from pms.billing.vat import add_vat
from pms.kernel.errors import InvalidInput
from pms.kernel.money import percent_bp, to_minor
from pms.rates.entitlement import create_plan_for_companies
from pms.rates.plan_terms import GUARANTEES, MEAL_PLANS, PlanTermsDraft, Term
from pms.rates.taxes import add_tax
from screens.setup_form import Field, SetupForm

#: How a plan's terms are named in this form's messages.
_LABELS: dict[Term, str] = {
    "parent": "Derived from",
    "percent": "Percent",
    "amount": "Amount",
    "free_hours": "Free hours",
    "penalty": "Penalty",
    "penalty_percent": "Penalty percent",
}
_YES_NO = (("no", "no"), ("yes", "yes"))
_SOLD_TO = (("everyone", "everyone"), ("entitled companies only", "restricted"))


class RatePlanDialog(SetupForm):
    """A new rate plan: its own prices on the sheet, or derived from a plan (± %, ± amount);
    sold to everyone, or restricted to the companies named (a corporate rate)."""

    TITLE_TEXT = "A new rate plan"
    ALIASES: ClassVar[dict[str, str]] = {"cancel_free_hours": "free_hours"}

    def __init__(self, currency: str, plans: list[str]) -> None:
        self.currency, self.plans = currency, plans
        super().__init__({"parent": "BAR" if "BAR" in plans else ""})

    def fields(self) -> list[Field]:
        parents = (("— its own prices", ""), *((code, code) for code in self.plans))
        meals = tuple((f"{code} {name}", code) for code, name in MEAL_PLANS.items())
        return [
            Field("code", "Code", "e.g. CORP"),
            Field("name", "Name", "as the desk reads it"),
            Field("parent", "Derived from", choices=parents),
            Field("percent", "Percent", "on the parent's price, e.g. -10"),
            Field("amount", "Amount", f"on the parent's price, in {self.currency}"),
            Field("meal_plan", "Meals", choices=meals),
            Field("guarantee", "Guarantee", choices=tuple((g, g) for g in GUARANTEES)),
            Field("non_refundable", "Non-refundable", choices=_YES_NO),
            Field("free_hours", "Free hours", "free cancellation until, before arrival (24)"),
            Field("sold_to", "Sold to", choices=_SOLD_TO),
            Field("companies", "Companies", "entitled to it, separated by ; (restricted only)"),
        ]  # fmt: skip

    def store(self) -> None:
        percent, money, hours = self.text("percent"), self.text("amount"), self.text("free_hours")
        if hours and not hours.isdigit():
            raise InvalidInput("free_hours", "free hours is a whole number, like 48")
        draft = PlanTermsDraft(
            code=self.text("code"),
            name=self.text("name"),
            parent=self.text("parent") or None,
            derive_percent_bp=percent_bp(percent, "percent") if percent else None,
            derive_amount=to_minor(money, self.currency, field="amount") if money else None,
            meal_plan=self.text("meal_plan"),
            guarantee=self.text("guarantee"),
            non_refundable=self.text("non_refundable") == "yes",
            free_hours=int(hours) if hours else None,
            restricted=self.text("sold_to") == "restricted",
        )
        terms = draft.terms(lambda term: _LABELS[term])
        companies = self.text("companies").split(";")

        def create() -> str:
            view = self.desk.run(create_plan_for_companies, self.property_code, terms, companies)
            sold_to = ", restricted" if view.restricted else ""
            return f"Added rate plan {view.code} ({view.policy}{sold_to})"

        self.save(create)


class TaxDialog(SetupForm):
    """A new tax: a percentage of the room price, or an amount per person per night; or a VAT
    inside the prices of other charges (the same service and checks as `pms tax add --on`)."""

    TITLE_TEXT = "A new tax"
    ALIASES: ClassVar[dict[str, str]] = {"percent": "value", "per_person": "value", "to": "on"}

    def __init__(self, currency: str) -> None:
        self.currency = currency
        super().__init__()

    def fields(self) -> list[Field]:
        kinds = (("percent of the room price", "percent"), ("per person a night", "per_person"))
        return [
            Field("code", "Code", "e.g. VAT or CITY"),
            Field("name", "Name", "on the guest's bill"),
            Field("kind", "Charged as", choices=kinds),
            Field("value", "Percent or amount", f"e.g. 6, or 2.00 {self.currency}"),
            Field("children_pay", "Children pay", "per-person taxes only", choices=_YES_NO),
            Field("on", "Inside", "a VAT of FNB, MINIBAR,PHONE … (blank: the room's)"),
        ]

    def store(self) -> None:
        value, per_person = self.text("value"), self.text("kind") == "per_person"
        if not value:
            raise InvalidInput("value", "type the percentage or the amount")
        kind = {
            "per_person": to_minor(value, self.currency, field="per_person") if per_person else 0,
            "percent_bp": 0 if per_person else percent_bp(value, "percent"),
        }
        code, name = self.text("code"), self.text("name")
        children_exempt = self.text("children_pay") != "yes"
        on = self.text("on")
        if on and per_person:
            raise InvalidInput("on", "a VAT inside a price is a percentage")

        def add() -> str:
            if on:
                view = self.desk.run(add_vat, self.property_code, code, name,
                                     percent_bp=kind["percent_bp"], on=on.split(","))  # fmt: skip
            else:
                view = self.desk.run(add_tax, self.property_code, code, name,
                                     children_exempt=children_exempt, **kind)  # fmt: skip
            return f"Added tax {view.code}"

        self.save(add)

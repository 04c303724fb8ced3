"""The terms a rate plan sells on: meals, guarantee, who may book it, when, and what cancelling
costs; with the house defaults and the rules about which terms go together.

They live apart from the plan service so that every face that drafts a plan (the command line
today, a plan editor in the TUI tomorrow) fills in the same defaults and refuses the same
contradictions, in the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal, get_args

from pms.kernel.errors import InvalidInput

#: The meal plans a rate may include, by the codes the trade uses.
MEAL_PLANS = {
    "RO": "room only",
    "BB": "bed and breakfast",
    "HB": "half board",
    "FB": "full board",
    "AI": "all inclusive",
}
GUARANTEES = ("none", "card", "deposit")
PENALTIES = ("first_night", "percent", "full_stay")
#: Unless a plan says otherwise, a guest may cancel free until a day before arrival…
FREE_CANCEL_HOURS = 24
#: …and pays the first night after that.
DEFAULT_PENALTY = "first_night"

#: The terms a draft may leave out, named as its fields are; faces name them their own way.
Term = Literal["parent", "percent", "amount", "free_hours", "penalty", "penalty_percent"]


@dataclass(frozen=True)
class PlanTermsInput:
    """The terms of a new rate plan; a `parent` makes it derived (parent ± percent ± amount)."""

    code: str
    name: str
    parent: str | None = None
    derive_percent_bp: int = 0
    derive_amount: int = 0
    meal_plan: str = "RO"
    guarantee: str = "none"
    members_only: bool = False
    #: Sold only to the companies entitled to it (`pms.rates.entitlement`).
    restricted: bool = False
    sell_from: dt.date | None = None
    sell_until: dt.date | None = None
    min_advance_days: int | None = None
    max_advance_days: int | None = None
    non_refundable: bool = False
    cancel_free_hours: int = FREE_CANCEL_HOURS
    cancel_penalty: str = DEFAULT_PENALTY
    cancel_penalty_bp: int = 0


def _words(term: Term) -> str:
    return term.replace("_", " ")


def check_together(
    given: Collection[Term],
    *,
    non_refundable: bool,
    penalty: str | None,
    spell: Callable[[Term], str] = _words,
) -> None:
    """Refuse terms that contradict each other, before anything is read or priced.

    Args:
        given: the terms the manager gave; the others take the defaults.
        non_refundable: whether the plan is non-refundable.
        penalty: the penalty as given (None when left out).
        spell: how the face names a term in the message (`--free-hours`, `Free hours`).
    """
    names = {term: spell(term) for term in get_args(Term)}
    if "parent" not in given and {"percent", "amount"} & set(given):
        raise InvalidInput(
            "parent", "{percent} and {amount} derive from a plan: give {parent} too".format(**names)
        )
    if non_refundable and {"free_hours", "penalty", "penalty_percent"} & set(given):
        raise InvalidInput(
            "non_refundable",
            "a non-refundable plan has no free cancellation: leave out {free_hours} and "
            "{penalty}".format(**names),
        )
    if "penalty_percent" in given and penalty not in (None, "percent"):
        raise InvalidInput(
            "penalty_percent", "{penalty_percent} goes with {penalty} percent".format(**names)
        )
    if penalty == "percent" and "penalty_percent" not in given:
        raise InvalidInput(
            "penalty_percent", "{penalty} percent needs {penalty_percent}, e.g. 50".format(**names)
        )


@dataclass(frozen=True)
class PlanTermsDraft:
    """A new plan's terms as a manager drafts them, None where a term is left out."""

    code: str
    name: str
    parent: str | None = None
    derive_percent_bp: int | None = None
    derive_amount: int | None = None
    meal_plan: str = "RO"
    guarantee: str = "none"
    members_only: bool = False
    #: Sold only to the companies entitled to it (`pms.rates.entitlement`).
    restricted: bool = False
    sell_from: dt.date | None = None
    sell_until: dt.date | None = None
    min_advance_days: int | None = None
    max_advance_days: int | None = None
    non_refundable: bool = False
    free_hours: int | None = None
    penalty: str | None = None
    penalty_bp: int | None = None

    def given(self) -> set[Term]:
        """The terms the draft does not leave out."""
        values: dict[Term, object] = {
            "parent": self.parent,
            "percent": self.derive_percent_bp,
            "amount": self.derive_amount,
            "free_hours": self.free_hours,
            "penalty": self.penalty,
            "penalty_percent": self.penalty_bp,
        }
        return {term for term, value in values.items() if value is not None}

    def terms(self, spell: Callable[[Term], str] = _words) -> PlanTermsInput:
        """The plan's full terms, the defaults filled in; refused if they contradict."""
        check_together(
            self.given(), non_refundable=self.non_refundable, penalty=self.penalty, spell=spell
        )
        return PlanTermsInput(
            code=self.code,
            name=self.name,
            parent=self.parent,
            derive_percent_bp=self.derive_percent_bp or 0,
            derive_amount=self.derive_amount or 0,
            meal_plan=self.meal_plan,
            guarantee=self.guarantee.lower(),
            members_only=self.members_only,
            restricted=self.restricted,
            sell_from=self.sell_from,
            sell_until=self.sell_until,
            min_advance_days=self.min_advance_days,
            max_advance_days=self.max_advance_days,
            non_refundable=self.non_refundable,
            cancel_free_hours=FREE_CANCEL_HOURS if self.free_hours is None else self.free_hours,
            cancel_penalty=self._penalty(),
            cancel_penalty_bp=self.penalty_bp or 0,
        )

    def _penalty(self) -> str:
        # A percentage given makes it a percent penalty, whether or not the kind was named.
        if self.penalty_bp is not None:
            return "percent"
        return self.penalty or DEFAULT_PENALTY


def check_terms(terms: PlanTermsInput) -> None:
    """Refuse terms no plan can have: unknown meals, guarantee or penalty, figures out of range,
    a sale window or advance-booking range that ends before it starts."""
    if terms.meal_plan.upper() not in MEAL_PLANS:
        raise InvalidInput("meal_plan", f"meal plan must be one of {', '.join(MEAL_PLANS)}")
    if terms.guarantee not in GUARANTEES:
        raise InvalidInput("guarantee", "guarantee must be none, card or deposit")
    if terms.cancel_penalty not in PENALTIES:
        raise InvalidInput("cancel_penalty", "penalty must be first_night, percent or full_stay")
    if not 0 <= terms.cancel_penalty_bp <= 10_000:
        raise InvalidInput("cancel_penalty", "a penalty percentage must be between 0 and 100")
    if terms.cancel_free_hours < 0:
        raise InvalidInput("cancel_free_hours", "free cancellation hours cannot be negative")
    if terms.derive_percent_bp <= -10_000:
        raise InvalidInput("percent", "a derived plan cannot take 100 % or more off its parent")
    if terms.sell_from and terms.sell_until and terms.sell_until < terms.sell_from:
        raise InvalidInput("sell_until", "the sale window ends before it starts")
    low, high = terms.min_advance_days, terms.max_advance_days
    if (low is not None and low < 0) or (high is not None and high < 0):
        raise InvalidInput("min_advance_days", "advance days cannot be negative")
    if low is not None and high is not None and high < low:
        raise InvalidInput("max_advance_days", "maximum advance is below the minimum")

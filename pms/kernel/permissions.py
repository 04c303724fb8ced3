"""The permission matrix: every guarded action of the hotel and the lowest role that may do it.

One table, here, so that `pms user permissions` lists exactly what the services enforce: each
service calls `require(session, action)` with its key, and a test checks every key is called
somewhere and every role × action pair answers as the table says. An action not in the table
needs only a signed-in user (taking a booking, posting a charge, taking a payment).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Role
from pms.kernel.desk import Actor, actor_of
from pms.kernel.errors import PermissionDenied


@dataclass(frozen=True)
class Permission:
    """One guarded action: its key, the lowest role allowed, what it is in words, and its kind
    (money, override, admin or set-up) for the listing."""

    action: str
    role: Role
    doing: str
    kind: str


def _table(*rows: tuple[str, Role, str, str]) -> dict[str, Permission]:
    return {action: Permission(action, role, doing, kind) for action, role, doing, kind in rows}


_S, _M, _A = Role.SUPERVISOR, Role.MANAGER, Role.ADMIN

#: action → the lowest role that may do it.
PERMISSIONS: dict[str, Permission] = _table(
    ("payment.refund", _S, "refunding a payment", "money"),
    ("posting.reverse_earlier_day", _S, "reversing a posting of an earlier business date", "money"),
    ("folio.reopen", _S, "reopening a closed folio", "money"),
    ("posting.city_ledger", _S, "moving a posting to or from the city ledger", "money"),
    ("city_ledger.open", _S, "opening a city-ledger account", "money"),
    ("city_ledger.transfer", _S, "moving a balance to the city ledger", "money"),
    ("rates.set", _M, "setting rates", "money"),
    ("rates.restrict", _M, "setting restrictions", "money"),
    ("rateplan.create", _M, "creating a rate plan", "money"),
    ("tax.add", _M, "adding a tax", "money"),
    ("tax.change", _M, "changing how taxes are charged", "money"),
    ("pricing_rule.add", _M, "adding a pricing rule", "money"),
    ("pricing_rule.remove", _M, "removing a pricing rule", "money"),
    ("room_type.extra_person", _M, "changing extra-person charges", "money"),
    ("loyalty.adjust", _M, "adjusting loyalty points", "money"),
    ("loyalty.return_earlier_day", _S, "giving back points paid on an earlier date", "money"),
    ("loyalty.expire", _S, "expiring loyalty points", "money"),
    ("loyalty.review_tiers", _S, "reviewing loyalty tiers", "money"),
    ("reservation.overbook", _M, "overbooking", "override"),
    ("room.out_of_order_overbook", _S, "accepting an overbooking for an out-of-order room",
     "override"),
    ("room.give_dirty", _S, "giving a dirty room", "override"),
    ("room.inspect", _S, "passing a room as inspected", "override"),
    ("guest.book_do_not_rent", _S, "booking a guest flagged do-not-rent", "override"),
    ("guest.do_not_rent", _S, "flagging a guest do-not-rent or clearing the flag", "override"),
    ("guest.merge", _S, "merging guest profiles", "admin"),
    ("guest.anonymise", _M, "anonymising a guest", "admin"),
    ("review.moderate", _S, "moderating a review", "admin"),
    ("review.categories", _M, "changing the review categories", "set-up"),
    ("loyalty.programme", _M, "setting up the loyalty programme", "set-up"),
    ("loyalty.tiers", _M, "setting up loyalty tiers", "set-up"),
    ("property.create", _A, "setting up a property", "set-up"),
    ("property.change", _M, "changing a property's details", "set-up"),
    ("feature.add", _M, "adding a feature", "set-up"),
    ("room_type.add", _M, "adding a room type", "set-up"),
    ("room_type.change", _M, "changing a room type", "set-up"),
    ("room_type.retire", _M, "retiring a room type", "set-up"),
    ("room.add", _M, "adding rooms", "set-up"),
    ("room.change", _M, "changing rooms", "set-up"),
    ("room.retire", _M, "retiring rooms", "set-up"),
    ("user.add", _A, "adding a user", "admin"),
    ("user.unlock", _S, "unlocking a user", "admin"),
    ("token.create", _A, "creating an API token", "admin"),
    ("token.list", _A, "listing API tokens", "admin"),
    ("token.revoke", _A, "revoking an API token", "admin"),
    ("audit.read", _S, "reading the audit trail", "admin"),
    ("audit.override_precheck", _S, "overriding a red pre-check of the night audit", "override"),
    ("no_show.reinstate", _S, "reinstating a no-show", "override"),
    ("import.run", _M, "importing a file", "admin"),
    ("export.run", _M, "exporting the hotel's data", "admin"),
    ("api_key.create", _A, "making an API key", "admin"),
    ("api_key.list", _A, "listing API keys", "admin"),
    ("api_key.revoke", _A, "revoking an API key", "admin"),
)  # fmt: skip


def allowed(actor: Actor, action: str) -> bool:
    """True when `actor` may do `action` (an unknown action is a bug, so it raises KeyError)."""
    return actor.can(PERMISSIONS[action].role)


def require(session: Session, action: str, doing: str | None = None) -> Actor:
    """Refuse `action` unless the signed-in user's role is at least the matrix's.

    Args:
        action: a key of `PERMISSIONS`.
        doing: the action in words with its particulars, when they help the clerk
            ("reversing a posting of 3 Dec"); else the matrix's words.
    """
    permission = PERMISSIONS[action]
    actor = actor_of(session)
    if not actor.can(permission.role):
        raise PermissionDenied(
            f"{doing or permission.doing} needs the {permission.role} role or higher; "
            f"{actor.username} is {actor.role}"
        )
    return actor

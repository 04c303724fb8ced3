"""Running the night audit: close the current business date, step by step, each step a row.

pre-checks → no-shows → room and tax → housekeeping → loyalty → statistics → ledgers → final
reports → roll the date. Each step is its own unit of work (room and tax in batches), so the
desks keep working while the audit runs, and each is recorded in `audit_steps` with when it
started and finished, what it counted and who ran it. A run killed at any point leaves its
steps as they were: the next run takes the day over from the dead holder and continues from
the first step not done. A second run while one is alive is refused with who started it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditStep, Property
from pms.frontdesk.stay_changes import extend_stay
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.dates import parse_date
from pms.kernel.desk import Desk, actor_of
from pms.kernel.errors import InvalidInput, PmsError
from pms.kernel.permissions import require
from pms.night_audit import steps
from pms.night_audit.lease import beat, done_here, let_go, new_holder, take_day
from pms.night_audit.no_shows import fees_to_charge
from pms.night_audit.posting import BATCH, in_house_ids, post_room_and_tax
from pms.night_audit.prechecks import (
    PRECHECKS,
    Finding,
    can_keep_tonight,
    departures_left,
    find_prechecks,
)
from pms.payments.capture import capture
from pms.payments.gateways.interface import PaymentGateway

#: The steps in order, as they are named in `audit_steps` and on the screen.
STEPS = (
    "prechecks", "no_shows", "card_charges", "room_and_tax", "housekeeping", "loyalty",
    "statistics", "ledgers", "reports", "roll",
)  # fmt: skip
STEP_TITLES = {
    "prechecks": "Pre-checks", "no_shows": "No-shows", "card_charges": "No-show fees to cards",
    "room_and_tax": "Room and tax",
    "housekeeping": "Housekeeping and folios", "loyalty": "Loyalty",
    "statistics": "Statistics", "ledgers": "Ledgers", "reports": "Final reports",
    "roll": "Roll the business date",
}  # fmt: skip

#: Called as a step goes: (step, done, total).
Progress = Callable[[str, int, int], None]
Work = Callable[[Session, Property, dt.date], dict[str, Any]]

_ONE_GO: dict[str, Work] = {
    "no_shows": steps.no_shows_step,
    "housekeeping": steps.housekeeping_step,
    "loyalty": steps.loyalty_step,
    "statistics": steps.statistics_step,
    "ledgers": steps.ledgers_step,
    "reports": steps.reports_step,
}


class AuditBlocked(PmsError):
    """The pre-checks stop the audit: red items not fixed nor overridden, or yellow items
    without `--yes`. `findings` lists them with what to do."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


@dataclass(frozen=True)
class _Day:
    run_id: int
    code: str
    day: dt.date
    holder: str


def day_to_close(
    session: Session, property_code: str | None, business_date: dt.date | str | None = None
) -> tuple[str, dt.date]:
    """The property and the date the audit closes: its business date, and only that (days
    close in order, one at a time)."""
    prop = resolve_property(session, property_code)
    if business_date is not None:
        asked = parse_date(str(business_date), prop.business_date)
        if asked != prop.business_date:
            raise InvalidInput(
                "date",
                f"days close in order, one at a time: {prop.code}'s business date is "
                f"{prop.business_date:%a %Y-%m-%d}, not {asked:%a %Y-%m-%d}",
            )
    return prop.code, prop.business_date


def _prop(session: Session, code: str) -> Property:
    return resolve_property(session, code)


def _step_row(session: Session, run_id: int, step: str) -> AuditStep | None:
    return session.get(AuditStep, (run_id, step))


def _start(session: Session, job: _Day, step: str) -> None:
    beat(session, job.run_id, job.holder)
    row = _step_row(session, job.run_id, step)
    now, who = dt.datetime.now(dt.UTC), actor_of(session).username
    if row is None:
        row = AuditStep(run_id=job.run_id, step=step, position=STEPS.index(step), counts={})
        session.add(row)
    row.status, row.username, row.started_at = "running", who, now


def _finish(
    session: Session, job: _Day, step: str, counts: dict[str, Any], status: str = "done"
) -> None:
    row = _step_row(session, job.run_id, step)
    assert row is not None
    row.status, row.counts, row.finished_at = status, counts, dt.datetime.now(dt.UTC)
    if status == "done" and "skipped" in counts:
        row.status = "skipped"


def _steps_done(session: Session, run_id: int) -> set[str]:
    return set(
        session.scalars(
            select(AuditStep.step).where(
                AuditStep.run_id == run_id, AuditStep.status.in_(["done", "skipped"])
            )
        )
    )


def _resolve_prechecks(
    session: Session, job: _Day, yes: bool, overrides: Mapping[str, str]
) -> tuple[list[Finding], str]:
    """Check, and apply the defaults of yellow items when allowed; returns the findings and
    why the audit stops ('' when it goes on). The step row is finished either way."""
    prop = _prop(session, job.code)
    findings = find_prechecks(session, prop, job.day)
    for name in overrides:
        if name not in PRECHECKS:
            raise InvalidInput("override", f"there is no pre-check {name!r}")
    red = [f for f in findings if f.level == "red" and not overrides.get(f.name, "").strip()]
    yellow = [f for f in findings if f.level == "yellow"]
    counts = {f.name: {"level": f.level, "items": list(f.items)} for f in findings}
    stop = ""
    if red:
        stop = f"{len(red)} red pre-check(s) stop the audit: " + "; ".join(
            f"{f.title} ({', '.join(f.items[:5])}) — {f.fix}" for f in red
        )
    elif yellow and not yes:
        stop = (
            f"{len(yellow)} pre-check(s) warn: " + "; ".join(f.title for f in yellow)
            + " — run with --yes to apply their default resolutions"
        )  # fmt: skip
    if stop:
        _finish(session, job, "prechecks", counts, "blocked")
        return findings, stop
    for finding in findings:
        if finding.level == "red":
            require(session, "audit.override_precheck")
            record(session, "override_precheck", "audit_run", job.run_id,
                   after={"precheck": finding.name, "reason": overrides[finding.name].strip(),
                          "items": list(finding.items)})  # fmt: skip
    extended = _keep_departures(session, prop, job.day)
    _finish(session, job, "prechecks", counts | {"extended": extended})
    return findings, ""


def _keep_departures(session: Session, prop: Property, day: dt.date) -> list[str]:
    """Yellow default for departures not checked out: one more night at their rate, and a flag
    in the audit log for the morning desk. Those whose room is gone (a red item a supervisor
    let through) stay as they are, for the morning desk to settle."""
    kept = []
    for reservation in departures_left(session, prop, day):
        if not can_keep_tonight(session, reservation, day):
            continue
        extend_stay(session, reservation.confirmation, day + dt.timedelta(days=1))
        why = "not checked out by the night audit; kept one more night"
        record(session, "flag_morning_desk", "reservation", reservation.id, after={"why": why})
        kept.append(reservation.confirmation)
    return kept


def _run_prechecks(desk: Desk, job: _Day, yes: bool, overrides: Mapping[str, str]) -> None:
    def _go(session: Session) -> tuple[list[Finding], str]:
        _start(session, job, "prechecks")
        return _resolve_prechecks(session, job, yes, overrides)

    findings, stop = desk.run(_go)
    if stop:
        raise AuditBlocked(stop, findings)


def _run_postings(desk: Desk, job: _Day, progress: Progress | None) -> None:
    ids = desk.read(lambda s: in_house_ids(s, _prop(s, job.code), job.day))
    stays = lines = amount = 0
    for first in range(0, len(ids), BATCH):
        batch = ids[first : first + BATCH]

        def _post(session: Session, batch: list[int] = batch) -> tuple[int, int, int]:
            beat(session, job.run_id, job.holder)
            done = post_room_and_tax(session, batch, job.day)
            return done.stays, done.lines, done.amount

        done = desk.run(_post)
        stays, lines, amount = stays + done[0], lines + done[1], amount + done[2]
        if progress:
            progress("room_and_tax", first + len(batch), len(ids))
    counts = {"stays": stays, "lines": lines, "amount": amount}
    desk.run(lambda s: _finish(s, job, "room_and_tax", counts))


def _run_card_charges(desk: Desk, job: _Day, gateway: PaymentGateway | None) -> None:
    """No-show fees charged to the cards held on the stays (each a capture through the payment
    service, safe to repeat); without a card gateway, or when the card refuses, the fee stays
    on the folio for the morning desk."""
    due = desk.read(lambda s: fees_to_charge(s, _prop(s, job.code), job.day))
    counts: dict[str, Any] = {"charged": 0, "amount": 0, "left_on_folio": 0}
    if due and gateway is None:
        counts = {"skipped": f"no card gateway: {len(due)} fee(s) left on the folios"}
    for payment_id, amount in due if gateway is not None else []:
        try:
            capture(desk, payment_id, amount, gateway)
            counts["charged"] += 1
            counts["amount"] += amount
        except PmsError:
            counts["left_on_folio"] += 1

    def _done(session: Session) -> None:
        _start(session, job, "card_charges")
        _finish(session, job, "card_charges", counts)

    desk.run(_done)


def _run_one_go(desk: Desk, job: _Day, step: str) -> None:
    def _go(session: Session) -> None:
        _start(session, job, step)  # in the step's own transaction: one commit per step
        prop = _prop(session, job.code)
        if step == "roll":
            counts = steps.roll_business_date(session, prop, job.day, job.run_id)
        else:
            counts = _ONE_GO[step](session, prop, job.day)
        _finish(session, job, step, counts)

    desk.run(_go)


def run_night_audit(
    desk: Desk,
    property_code: str | None = None,
    *,
    business_date: dt.date | str | None = None,
    yes: bool = False,
    overrides: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    gateway: PaymentGateway | None = None,
) -> int:
    """Close the business date of the property (the only one, or `property_code`).

    Args:
        business_date: when given, it must be the current business date.
        yes: apply every yellow pre-check's default resolution (an unattended run).
        overrides: red pre-checks a supervisor lets through, by name, with the reason.
        progress: told (step, done, total) as the steps go.
        gateway: the card gateway that charges no-show fees to the cards held; None leaves
            them on the folios.

    Returns:
        the run's id (`audit_summary` describes it).
    """
    code, day = desk.read(day_to_close, property_code, business_date)
    holder = new_holder()
    try:
        run_id = desk.run(lambda s: take_day(s, _prop(s, code), day, holder))
    except BaseException:
        done_here(holder)
        raise
    job = _Day(run_id, code, day, holder)
    try:
        done = desk.read(_steps_done, run_id)
        for step in STEPS:
            if step in done:
                continue
            if progress:
                progress(step, 0, 1)
            if step == "prechecks":
                _run_prechecks(desk, job, yes, dict(overrides or {}))
            elif step == "card_charges":
                _run_card_charges(desk, job, gateway)
            elif step == "room_and_tax":
                desk.run(_start, job, step)
                _run_postings(desk, job, progress)
            else:
                _run_one_go(desk, job, step)
            if progress:
                progress(step, 1, 1)
    except AuditBlocked:
        desk.run(let_go, run_id, holder, blocked=True)
        raise
    except BaseException:
        # Give the day back for the next run; when even that fails (the database went away),
        # another process waits for this one to end or its lease to go stale.
        with contextlib.suppress(PmsError):
            desk.run(let_go, run_id, holder)
        raise
    finally:
        done_here(holder)
    return run_id

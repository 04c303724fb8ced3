"""The guest form: `e` on a profile edits it; with no profile it creates one.

Only the fields the clerk changed are sent, so an old phone number kept as typed years ago does
not block a change of city. The services check everything (e-mail and phone formats, country,
loyalty number, VIP level, who may flag do-not-rent); what they refuse stands beside its field
with the typed value kept. `ctrl+s` saves, `escape` leaves (asking first when something changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Input, Label, Static, Switch
from textual.worker import Worker, WorkerState

from pms.guests.profile_edits import GuestDetails, create_guest, update_guest
from pms.guests.profiles import GuestProfile
from pms.kernel.errors import InvalidInput
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.dialogs import ConfirmDialog
from screens.header import DeskHeader
from screens.typing import DeskInput

#: Text fields in the order a clerk asks; the ids are the names the services use in errors.
FIELDS = ("name", "email", "phone", "country", "company", "city", "loyalty_number",
          "vip_level", "preferences", "notes", "do_not_rent_reason")  # fmt: skip
LABELS = {
    "name": "Name",
    "email": "E-mail",
    "phone": "Phone",
    "country": "Country",
    "company": "Company",
    "city": "City",
    "loyalty_number": "Loyalty no.",
    "vip_level": "VIP level",
    "preferences": "Prefers",
    "notes": "Notes",
    "do_not_rent_reason": "DNR reason",
}
PLACEHOLDERS = {
    "name": "first and last name",
    "phone": "+351 912 345 678, or set the country",
    "country": "two letters, e.g. PT",
    "vip_level": "0 to 5",
    "preferences": "pillow: feather, floor: high",
    "do_not_rent_reason": "why the guest must not be booked",
}


@dataclass
class GuestSaved(Message):
    """The form's profile was stored."""

    profile: GuestProfile


def _preferences_text(preferences: dict[str, str]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in sorted(preferences.items()))


def _parse_preferences(text: str, before: dict[str, str]) -> dict[str, str]:
    """`pillow: feather, floor: high` → the changes to send (a key left out is removed)."""
    typed: dict[str, str] = {}
    for piece in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        key, separator, value = piece.replace("=", ":", 1).partition(":")
        if not separator or not key.strip():
            raise InvalidInput("preferences", f"{piece!r} is not `name: value`")
        typed[key.strip().lower()] = value.strip()
    return {key: "" for key in before if key not in typed} | typed


class GuestFormScreen(DeskScreen[GuestProfile | None]):
    """Create or edit a guest profile; dismissed with the saved profile (None if left)."""

    CSS_PATH = "guest_form.tcss"
    AUTO_FOCUS = "#name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Cancel", tooltip="Leave the form"),
    ]

    def __init__(self, profile: GuestProfile | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.initial = self._initial_values()

    def _initial_values(self) -> dict[str, str]:
        p = self.profile
        if p is None:
            return dict.fromkeys(FIELDS, "")
        return {
            "name": f"{p.first_name} {p.last_name}".strip(),
            "email": p.email,
            "phone": p.phone,
            "country": p.country,
            "company": p.company,
            "city": p.city,
            "loyalty_number": p.loyalty_number or "",
            "vip_level": str(p.vip_level),
            "preferences": _preferences_text(p.preferences),
            "notes": p.notes,
            "do_not_rent_reason": p.do_not_rent_reason,
        }

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        title = f"Edit {self.profile.name} #{self.profile.id}" if self.profile else "New guest"
        yield Static(title, id="form-title")
        with Grid(id="form-grid"):
            for field in FIELDS:
                if field == "do_not_rent_reason":
                    yield Label("Do not rent", classes="field-label")
                    yield Switch(bool(self.profile and self.profile.do_not_rent), id="do_not_rent")
                    yield Static("supervisors only", classes="note")
                yield Label(LABELS[field], classes="field-label")
                yield DeskInput(
                    self.initial[field],
                    id=field,
                    compact=True,
                    placeholder=PLACEHOLDERS.get(field, ""),
                )
                yield Static(id=f"{field}-note", classes="note")
        yield Static(id="form-message")
        yield DeskFooter()

    def values(self) -> dict[str, str]:
        """What each text field holds now."""
        return {field: self.query_one(f"#{field}", Input).value.strip() for field in FIELDS}

    @property
    def do_not_rent(self) -> bool:
        """The do-not-rent switch."""
        return self.query_one("#do_not_rent", Switch).value

    def details(self) -> GuestDetails:
        """The changed fields as the services take them (all typed ones for a new guest)."""
        values = self.values()
        changed = {f: v for f, v in values.items() if v != self.initial[f]}
        vip = changed.pop("vip_level", None)
        if vip is not None and not vip.isdigit():
            raise InvalidInput("vip_level", "the VIP level is a number from 0 to 5")
        before = self.profile.preferences if self.profile else {}
        preferences = changed.pop("preferences", None)
        was_flagged = bool(self.profile and self.profile.do_not_rent)
        return GuestDetails(
            **changed,
            vip_level=int(vip) if vip else None,
            preferences=_parse_preferences(preferences, before)
            if preferences is not None
            else None,
            do_not_rent=self.do_not_rent if self.do_not_rent != was_flagged else None,
        )

    def _note(self, field: str, text: str) -> None:
        note = self.query_one(f"#{field}-note", Static)
        note.update(text)
        note.set_class(bool(text), "error")

    def _clear_notes(self) -> None:
        for field in FIELDS:
            self._note(field, "")
        self.query_one("#form-message", Static).update("")

    def action_save(self) -> None:
        """Check what can be checked here, then save in a worker."""
        self._clear_notes()
        try:
            details = self.details()
        except InvalidInput as error:
            self._note(error.field, str(error))
            return
        self._save(details)

    def action_leave(self) -> None:
        """Leave without saving; ask first when something was changed."""
        changed = self.values() != self.initial or self.do_not_rent != bool(
            self.profile and self.profile.do_not_rent
        )
        if not changed:
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmDialog("Discard the changes to this guest?", "Discard", "Keep editing"),
            lambda discard: self.dismiss(None) if discard else None,
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, details: GuestDetails) -> None:
        if self.profile is None:
            saved = self.desk.run(create_guest, details)
        else:
            saved = self.desk.run(update_guest, self.profile.id, details)
        self.post_message(GuestSaved(saved))

    @on(GuestSaved)
    def _saved(self, message: GuestSaved) -> None:
        self.dismiss(message.profile)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, InvalidInput) and error.field in FIELDS:
            self._note(error.field, str(error))
            self.query_one(f"#{error.field}", Input).focus()
        else:
            message = self.report_failure(error, quiet=True)
            self.query_one("#form-message", Static).update(message)

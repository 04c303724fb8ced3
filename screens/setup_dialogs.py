"""The Set-up area's forms for the house: a property's details and settings, a room type, a
range of new rooms, a change of rooms, a feature. Each saves through the service the CLI's
`pms property|room-type|room|feature` commands call (see `screens.setup_form`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from pms.hotel import field_checks
from pms.hotel.features import add_features
from pms.hotel.properties import RoomTypeView, create_property
from pms.hotel.property_details import PropertyChanges, PropertyDetails, edit_property
from pms.kernel.errors import InvalidInput, RoomHoldsStays
from pms.kernel.money import from_minor, to_minor
from pms.setup.room_types import RoomTypeChanges, RoomTypeInput, create_room_type, edit_room_type
from pms.setup.rooms_admin import RoomChanges, RoomView, add_rooms, edit_rooms
from screens.dialogs import ConfirmDialog
from screens.setup_form import Field, SetupForm


def whole(text: str, field: str, *, blank: int | None = None) -> int | None:
    """A whole number as typed; `blank` when nothing was."""
    if not text:
        return blank
    if not text.lstrip("-").isdigit():
        raise InvalidInput(field, f"{field.replace('_', ' ')} is a whole number, like 2")
    return int(text)


def words(text: str) -> list[str]:
    """`sea view, balcony` as a list."""
    return [word.strip() for word in text.split(",") if word.strip()]


def amount(minor: int | None, currency: str) -> str:
    """Minor units as the form shows them (`119.00`)."""
    return "" if minor is None else str(from_minor(minor, currency))


class PropertyDialog(SetupForm):
    """A property's details: a new one (admins), or the one the desk is on (managers)."""

    def __init__(self, details: PropertyDetails | None = None) -> None:
        self.details = details
        values = {} if details is None else {
            "name": details.name, "city": details.city, "address": details.address,
            "currency": details.currency, "timezone": details.timezone,
            "check_in": details.check_in, "check_out": details.check_out,
            "tax_number": details.tax_number,
        }  # fmt: skip
        super().__init__(values)
        self.TITLE_TEXT = "A new property" if details is None else f"{details.code} — details"

    def fields(self) -> list[Field]:
        code = [Field("code", "Code", "e.g. HRB", check=field_checks.code)]
        return [
            *(code if self.details is None else []),
            Field("name", "Name"),
            Field("city", "City"),
            Field("address", "Address"),
            Field("currency", "Currency", "ISO code, e.g. EUR", check=field_checks.currency),
            Field("timezone", "Time zone", "e.g. Europe/Lisbon", check=field_checks.time_zone),
            Field("check_in", "Check-in", "e.g. 15:00", check=_hour("check_in")),
            Field("check_out", "Check-out", "e.g. 11:00", check=_hour("check_out")),
            Field("tax_number", "Tax number", "printed on invoices"),
        ]  # fmt: skip

    def store(self) -> None:
        typed = {field.id: self.text(field.id) for field in self.fields()}
        if self.details is None:
            self.save(lambda: self._add(typed))
            return
        changed = {k: v for k, v in typed.items() if v != self.values.get(k, "")}
        if not changed:
            raise InvalidInput("name", "nothing changed")
        code = self.details.code
        self.save(lambda: self._edit(code, PropertyChanges(**changed)))

    def _add(self, typed: dict[str, str]) -> str:
        view = self.desk.run(
            create_property, typed["code"], typed["name"],
            currency=typed["currency"] or "EUR", timezone=typed["timezone"] or "Europe/Lisbon",
            city=typed["city"], address=typed["address"], check_in=typed["check_in"] or 15,
            check_out=typed["check_out"] or 11, tax_number=typed["tax_number"],
        )  # fmt: skip
        return f"Added {view.code} {view.name}"

    def _edit(self, code: str, changes: PropertyChanges) -> str:
        view = self.desk.run(edit_property, code, changes)
        return f"Saved the details of {view.code}"


class SettingsDialog(SetupForm):
    """The property's settings by name, each with what it decides beside it."""

    TITLE_TEXT = "Settings"

    def __init__(self, details: PropertyDetails, descriptions: dict[str, str]) -> None:
        self.code, self.descriptions = details.code, descriptions
        super().__init__({name: _setting(value) for name, value in details.settings.items()})
        self.TITLE_TEXT = f"{details.code} — settings"

    def fields(self) -> list[Field]:
        return [
            Field(name, name.replace("_", " "), hint) for name, hint in self.descriptions.items()
        ]

    def store(self) -> None:
        changed = {
            f.id: self.text(f.id) for f in self.fields() if self.text(f.id) != self.values[f.id]
        }
        if not changed:
            raise InvalidInput("settings", "nothing changed")
        self.save(lambda: self._edit(changed))

    def refused(self, error: InvalidInput) -> None:
        super().refused(InvalidInput(error.field.removeprefix("settings."), str(error)))

    def _edit(self, changed: dict[str, str]) -> str:
        self.desk.run(edit_property, self.code, PropertyChanges(settings=changed))
        return f"Saved {', '.join(changed)}"


def _setting(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


class RoomTypeDialog(SetupForm):
    """A room type: a new one, or changes to one (only the fields changed are sent)."""

    ALIASES: ClassVar[dict[str, str]] = {"overbooking_allowance": "allowance"}

    def __init__(
        self, currency: str, vocabulary: list[str], view: RoomTypeView | None = None
    ) -> None:
        self.currency, self.vocabulary, self.view = currency, vocabulary, view
        values = {} if view is None else {
            "name": view.name, "max_occupancy": str(view.max_occupancy),
            "base_occupancy": str(view.base_occupancy), "price": amount(view.price, currency),
            "allowance": str(view.overbooking_allowance),
            "extra_adult": amount(view.extra_adult, currency),
            "extra_child": amount(view.extra_child, currency), "features": ", ".join(view.features),
        }  # fmt: skip
        super().__init__(values)
        self.TITLE_TEXT = "A new room type" if view is None else f"Room type {view.code}"

    def fields(self) -> list[Field]:
        code = [Field("code", "Code", "e.g. DBL", check=field_checks.code)]
        money = f"a night, in {self.currency}"
        return [
            *(code if self.view is None else []),
            Field("name", "Name"),
            Field("max_occupancy", "Guests at most"),
            Field("base_occupancy", "Base occupancy", "guests the price includes"),
            Field("price", "Base price", money, check=self._price),
            Field("allowance", "Overbooking", "rooms it may sell beyond its own"),
            Field("extra_adult", "Extra adult", money),
            Field("extra_child", "Extra child", money),
            Field("features", "Features", ", ".join(self.vocabulary) or "add features first"),
        ]  # fmt: skip

    def _price(self, text: str) -> int:
        return to_minor(text, self.currency, field="price")

    def _money(self, field: str) -> int | None:
        text = self.text(field)
        return to_minor(text, self.currency, field=field) if text else None

    def store(self) -> None:
        if self.view is None:
            kind = RoomTypeInput(
                code=self.text("code"), name=self.text("name"),
                max_occupancy=whole(self.text("max_occupancy"), "max_occupancy", blank=0) or 0,
                base_occupancy=whole(self.text("base_occupancy"), "base_occupancy"),
                price=self._money("price") or 0,
                overbooking_allowance=whole(self.text("allowance"), "allowance", blank=0) or 0,
                extra_adult=self._money("extra_adult") or 0,
                extra_child=self._money("extra_child") or 0,
                features=tuple(words(self.text("features"))),
            )  # fmt: skip
            if not self.text("price"):
                raise InvalidInput("price", "a room type needs a base price, like 119")
            self.save(lambda: self._added(kind))
            return
        changed = {f.id for f in self.fields() if self.text(f.id) != self.values.get(f.id, "")}
        if not changed:
            raise InvalidInput("name", "nothing changed")

        def given(field: str) -> str | None:
            return self.text(field) if field in changed else None

        changes = RoomTypeChanges(
            name=given("name"),
            max_occupancy=whole(given("max_occupancy") or "", "max_occupancy"),
            base_occupancy=whole(given("base_occupancy") or "", "base_occupancy"),
            features=tuple(words(self.text("features"))) if "features" in changed else None,
            overbooking_allowance=whole(given("allowance") or "", "allowance"),
            price=self._money("price") if "price" in changed else None,
            extra_adult=self._money("extra_adult") if "extra_adult" in changed else None,
            extra_child=self._money("extra_child") if "extra_child" in changed else None,
        )
        code = self.view.code
        self.save(lambda: self._changed(code, changes))

    def _added(self, kind: RoomTypeInput) -> str:
        view = self.desk.run(create_room_type, self.property_code, kind)
        return f"Added room type {view.code}"

    def _changed(self, code: str, changes: RoomTypeChanges) -> str:
        view = self.desk.run(edit_room_type, self.property_code, code, changes)
        return f"Saved room type {view.code}"


class RoomsDialog(SetupForm):
    """New rooms of one type, a range in one go (`101-120`)."""

    TITLE_TEXT = "New rooms"
    ALIASES: ClassVar[dict[str, str]] = {"number": "numbers", "type": "room_type"}

    def __init__(self, room_types: list[str], vocabulary: list[str]) -> None:
        self.room_types, self.vocabulary = room_types, vocabulary
        super().__init__()

    def fields(self) -> list[Field]:
        return [
            Field("numbers", "Numbers", "a room, a range or a list: 101-120, 205"),
            Field("room_type", "Type", choices=tuple((c, c) for c in self.room_types)),
            Field("floor", "Floor", "blank: from the number (101 → 1)"),
            Field("features", "Features", ", ".join(self.vocabulary) or "add features first"),
        ]

    def store(self) -> None:
        numbers, kind = self.text("numbers"), self.text("room_type")
        floor = whole(self.text("floor"), "floor")
        features = words(self.text("features"))

        def add() -> str:
            added = self.desk.run(add_rooms, self.property_code, numbers, kind, floor=floor,
                                  features=features)  # fmt: skip
            return f"Added {len(added)} room{'s' if len(added) != 1 else ''} of type {kind}"

        self.save(add)


class RoomEditDialog(SetupForm):
    """Changes to rooms: the one under the cursor, or a range typed over it. A new type that
    stays hold is offered to move them."""

    TITLE_TEXT = "Change rooms"
    ALIASES: ClassVar[dict[str, str]] = {"number": "numbers"}

    def __init__(self, room: RoomView, room_types: list[str], vocabulary: list[str]) -> None:
        self.room_types, self.vocabulary = room_types, vocabulary
        values = {"numbers": room.number, "room_type": room.room_type, "floor": str(room.floor),
                  "features": ", ".join(room.features)}  # fmt: skip
        super().__init__(values)

    def fields(self) -> list[Field]:
        return [
            Field("numbers", "Numbers", "a room, a range or a list"),
            Field("room_type", "Type", "from the business date on",
                  choices=tuple((c, c) for c in self.room_types)),
            Field("floor", "Floor"),
            Field("features", "Features", ", ".join(self.vocabulary) or "add features first"),
        ]  # fmt: skip

    def store(self, move: bool = False) -> None:
        changed = {f.id for f in self.fields() if self.text(f.id) != self.values.get(f.id, "")}
        changes = RoomChanges(
            room_type=self.text("room_type") if "room_type" in changed else None,
            floor=whole(self.text("floor"), "floor") if "floor" in changed else None,
            features=words(self.text("features")) if "features" in changed else None,
        )
        numbers = self.text("numbers")

        def edit() -> str:
            done = self.desk.run(edit_rooms, self.property_code, numbers, changes, move=move)
            moved = f"; {len(done.moved)} stay(s) moved" if done.moved else ""
            return f"Changed {len(done.rooms)} room{'s' if len(done.rooms) != 1 else ''}{moved}"

        self.save(edit)

    def failed(self, error: BaseException | None) -> bool:
        """A new type refused because stays hold a room: offer to move them."""
        if not isinstance(error, RoomHoldsStays):
            return False

        def answered(move: bool | None) -> None:
            if move:
                self.saving = True
                self.store(move=True)

        question = f"{error}. Move them to other rooms of their type?"
        self.app.push_screen(ConfirmDialog(question, "Move them", "Keep them"), answered)
        return True


class FeatureDialog(SetupForm):
    """New words for the property's feature vocabulary."""

    TITLE_TEXT = "New features"
    ALIASES: ClassVar[dict[str, str]] = {"name": "names"}

    def fields(self) -> list[Field]:
        return [Field("names", "Features", "e.g. sea view, accessible", check=_features)]

    def store(self) -> None:
        names = words(self.text("names"))

        def add() -> str:
            added = self.desk.run(add_features, self.property_code, names)
            return f"Added {', '.join(f.name for f in added)}"

        self.save(add)


def _hour(field: str) -> Callable[[str], int]:
    return lambda text: field_checks.hour(text, field)


def _features(text: str) -> list[str]:
    return [field_checks.feature(word, "names") for word in words(text)]

"""The property switcher (`ctrl+o`, and at start when the database holds several hotels and
the desk was told none): a list of the properties with their city and business date; `enter`
answers the one picked, `escape` none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from pms.hotel.property_details import PropertyDetails, list_property_details
from screens.dates import long_date
from screens.desk_screen import DeskScreen


@dataclass
class PropertiesLoaded(Message):
    """Every property of the database, by code."""

    properties: list[PropertyDetails]


class PropertySwitcher(DeskScreen[str | None], ModalScreen[str | None]):
    """Which property this desk works on; answers its code."""

    CSS_PATH = "setup_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Which property does this desk work on?"), classes="question")
            yield OptionList(id="properties")

    def on_mount(self) -> None:
        self.query_one("#properties", OptionList).loading = True
        self._load()

    @work(thread=True, exclusive=True, group="properties", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(PropertiesLoaded(self.desk.read(list_property_details)))

    @on(PropertiesLoaded)
    def _loaded(self, message: PropertiesLoaded) -> None:
        options = self.query_one("#properties", OptionList)
        options.loading = False
        current = self.property_code or ""
        for prop in message.properties:
            where = f", {prop.city}" if prop.city else ""
            mark = "▸ " if prop.code == current.upper() else "  "
            line = (
                f"{mark}{prop.code:<6} {prop.name}{where} · {prop.rooms} rooms · "
                f"business date {long_date(prop.business_date)}"
            )
            options.add_option(Option(Text(line, no_wrap=True), id=prop.code))
        codes = [prop.code for prop in message.properties]
        options.highlighted = codes.index(current.upper()) if current.upper() in codes else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        """Keep the property the desk is on."""
        self.dismiss(None)

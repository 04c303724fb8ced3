"""The line on top of every screen: property, business date, user and database."""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from pms.hotel.properties import PropertyView
from screens.desk_app import DeskApp


class DeskHeader(Widget):
    """The line on top of every screen: property, business date, user and database, and a
    banner under it while the database cannot be reached. It watches the app's state."""

    def compose(self) -> ComposeResult:
        yield Static(id="desk-line")
        yield Static(id="desk-banner")

    def on_mount(self) -> None:
        self.watch(self.app, "hotel", self._show_line)
        self.watch(self.app, "offline", self._show_banner)
        self.watch(self.app, "signed_in", lambda _: self._show_line(cast(DeskApp, self.app).hotel))

    def _show_line(self, hotel: PropertyView | None) -> None:
        desk = cast(DeskApp, self.app).desk
        actor = desk.actor
        where = (
            f"{hotel.name} ─ business date {hotel.business_date:%a %Y-%m-%d}"
            if hotel
            else "connecting…"
        )
        who = f"{actor.role}: {actor.username}" if actor else "not signed in"
        line = f"{where} ─ {who} ─ {desk.database_tag}"
        self.query_one("#desk-line", Static).update(Text(line, no_wrap=True, overflow="ellipsis"))

    def _show_banner(self, reason: str) -> None:
        banner = self.query_one("#desk-banner", Static)
        banner.update(Text(f"⚠ reconnecting… database unavailable — {reason}") if reason else "")
        banner.display = bool(reason)

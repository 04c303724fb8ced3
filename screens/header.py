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
        self.watch(self.app, "offline", lambda _: self._show_banner())
        self.watch(self.app, "kept", lambda _: self._show_banner())
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

    def _show_banner(self) -> None:
        """While the database is away, why; an action it lost on this screen, and the key that
        runs it again once it is back."""
        app = cast(DeskApp, self.app)
        reason, kept = app.offline, app.kept
        if kept is not None and kept.screen is not self.screen:
            kept = None
        if reason:
            line = f"⚠ reconnecting… database unavailable — {reason}"
            if kept:
                line += f" · “{kept.label}” is kept: ctrl+r retries it once the database answers"
        elif kept:
            line = f"✓ the database is back — press ctrl+r to retry “{kept.label}”"
        else:
            line = ""
        banner = self.query_one("#desk-banner", Static)
        banner.update(Text(line))
        banner.display = bool(line)

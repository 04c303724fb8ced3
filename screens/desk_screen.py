"""The base of every front-desk screen: the desk through the app, and one way to say a failure."""

from __future__ import annotations

import logging
from typing import cast

from textual.screen import Screen, ScreenResultType

from pms.kernel.desk import Desk
from pms.kernel.errors import DatabaseUnavailable, PmsError
from screens.desk_app import DeskApp
from screens.messages import DatabaseDown

#: The structured log (`pms.operations.journal`): the sentence on screen, the traceback here.
_log = logging.getLogger("pms.desk")


class DeskScreen(Screen[ScreenResultType]):
    """A front-desk screen: reaches the desk through the app and reports worker failures the same
    way everywhere (an unreachable database also raises the header banner)."""

    @property
    def front_desk(self) -> DeskApp:
        """The app, typed by what screens may use of it (see `screens.desk_app`)."""
        return cast(DeskApp, self.app)

    @property
    def desk(self) -> Desk:
        """The desk every service call goes through."""
        return self.front_desk.desk

    @property
    def property_code(self) -> str | None:
        """The property this desk works for (None: the only one in the database)."""
        return self.front_desk.property_code

    def report_failure(self, error: BaseException | None, *, quiet: bool = False) -> str:
        """Say in one sentence why a worker failed: as a notification unless `quiet` (the
        caller shows it itself, e.g. on a form); returns the sentence."""
        if error is not None:
            _log.error("%s: %s", type(self).__name__, error, exc_info=error)
        if isinstance(error, DatabaseUnavailable):
            self.post_message(DatabaseDown(str(error)))
        if isinstance(error, PmsError):
            message = str(error)
        else:
            # A bug, not a clerk's mistake: keep the details in the log for whoever fixes it.
            self.log.error(repr(error))
            message = f"something went wrong ({error!r}) — try again, or call support"
        if not quiet:
            self.notify(message, severity="error", timeout=8)
        return message

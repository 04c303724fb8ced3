"""The base of every front-desk screen: the desk through the app, one way to say a failure, and
the one place where an action the database lost is kept to be retried.

Every service call a screen makes runs in a worker (`@work` starts it through `run_worker`), so
`run_worker` here remembers how each worker was started; when one fails because the database
went away, the screen hands that to the app (`ActionKept`), which offers it again at ctrl+r
once the database answers. The screen's own reads (on opening, on the poll) are not kept: the
screen reads again by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar, cast

from textual import on
from textual.binding import Binding, BindingType
from textual.screen import Screen, ScreenResultType
from textual.worker import Worker, WorkerState

from pms.kernel.desk import Desk
from pms.kernel.errors import DatabaseUnavailable, PmsError
from screens.desk_app import DeskApp, KeptAction
from screens.messages import ActionKept, DatabaseDown

#: The structured log (`pms.operations.journal`): the sentence on screen, the traceback here.
_log = logging.getLogger("pms.desk")

#: Workers a screen starts by itself to read what it shows (as it opens, on its poll, as the
#: clerk types a search): not actions of the clerk's, so not kept for ctrl+r.
SELF_READS = frozenset(
    {"_load", "_read", "_read_categories", "poll", "_begin", "_search", "_catch_up", "_open_index"}
)


class DeskScreen(Screen[ScreenResultType]):
    """A front-desk screen: reaches the desk through the app and reports worker failures the same
    way everywhere (an unreachable database also raises the header banner)."""

    #: ctrl+q first in every footer, before the screen's own keys, so that no narrow terminal
    #: cuts it off: the app's own ctrl+q (priority) takes this place in the footer and quits.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "app.quit", "Quit")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: How each unfinished worker of this screen was started (`run_worker`).
        self._how_started: dict[Worker[Any], Callable[[], object]] = {}

    def run_worker(
        self,
        work: Any,
        name: str | None = "",
        group: str = "default",
        description: str = "",
        exit_on_error: bool = True,
        start: bool = True,
        exclusive: bool = False,
        thread: bool = False,
    ) -> Worker[Any]:
        """Start a worker as Textual does, remembering how, so that it can be started again
        with the same arguments if the database loses it."""
        worker = super().run_worker(
            work, name, group, description, exit_on_error, start, exclusive, thread
        )
        again = partial(
            self.run_worker,
            work,
            name,
            group=group,
            description=description,
            exit_on_error=exit_on_error,
            exclusive=exclusive,
            thread=thread,
        )
        self._how_started[worker] = again
        return worker

    @on(Worker.StateChanged)
    def _keep_what_the_database_lost(self, event: Worker.StateChanged) -> None:
        """A clerk's action the database lost goes to the app to be retried; one that went
        through drops a retry of the same action kept for this screen."""
        worker = event.worker
        if not worker.is_finished:
            return
        again = self._how_started.pop(worker, None)
        if again is None or worker.name in SELF_READS:
            return
        label = (worker.name or "the last action").strip("_").replace("_", " ")
        if event.state == WorkerState.ERROR and isinstance(worker.error, DatabaseUnavailable):
            self.post_message(ActionKept(KeptAction(label, self, again), self, label))
        elif event.state == WorkerState.SUCCESS:
            self.post_message(ActionKept(None, self, label))

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

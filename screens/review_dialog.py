"""A guest's review entered at the desk, for a stay that was checked out.

Unlike the folio's questions this form saves itself: the checks are the service's
(`pms.reviews.entry.add_review`, the same as `pms review add` and an import row), so the form
sends what was typed and, when a check fails, says why beside that field and keeps the typing.
"""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from pms.kernel.errors import InvalidInput, PmsError
from pms.reviews.entry import ReviewInput, add_review
from screens.desk_app import DeskApp
from screens.form_dialog import FormDialog
from screens.typing import DeskInput


class ReviewDialog(FormDialog[int]):
    """Overall score, a score per category, a title and the guest's words; answers the review's
    number once it is saved."""

    AUTO_FOCUS = "#overall"

    def __init__(self, confirmation: str, guest: str, categories: list[tuple[str, str]]) -> None:
        super().__init__()
        self.confirmation, self.guest, self.categories = confirmation, guest, categories

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Review of {self.confirmation} by {self.guest}"), classes="question")
            with VerticalScroll(id="review-fields"):
                yield Label("Overall (1–5)")
                yield DeskInput(id="overall", compact=True, restrict=r"[0-9]*", max_length=1)
                for code, name in self.categories:
                    yield Label(f"{name} (1–5, optional)")
                    yield DeskInput(
                        id=f"score-{code}", compact=True, restrict=r"[0-9]*", max_length=1
                    )
                yield Label("Title")
                yield DeskInput(id="title", compact=True)
                yield Label("What the guest wrote")
                yield DeskInput(id="text", compact=True)
            yield Static("", classes="problem", id="problem")
            yield Static(Text("enter saves · escape closes"), classes="hint")

    @on(Input.Submitted)
    def _save(self) -> None:
        scores: dict[str, int | str] = {
            code: self.value(f"score-{code}")
            for code, _ in self.categories
            if self.value(f"score-{code}")
        }
        review = ReviewInput(
            self.confirmation,
            self.value("overall"),
            scores,
            self.value("title"),
            self.value("text"),
        )
        self._store(review)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _store(self, review: ReviewInput) -> int:
        app = cast(DeskApp, self.app)
        return app.desk.run(add_review, review, property_code=app.property_code, source="desk")

    @on(Worker.StateChanged)
    def _stored(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            self.dismiss(cast(int, event.worker.result))
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, InvalidInput):
                self.problem(str(error), self._input_for(error.field))
            elif isinstance(error, PmsError):
                self.problem(str(error), "overall")
            else:
                self.log.error(repr(error))
                self.problem(f"something went wrong ({error!r}) — try again", "overall")

    def _input_for(self, field: str) -> str:
        """The input a service's field name points at (a category's score is `score-CODE`);
        the stay itself has none, so its problems show under the overall score."""
        if field in {"overall", "title", "text"}:
            return field
        return f"score-{field}" if field in dict(self.categories) else "overall"

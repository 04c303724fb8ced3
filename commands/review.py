"""Guest reviews from the command line: `pms review add|list|show|edit|hide|publish|reply|import|
report|category`.

A review is entered for a checked-out stay by its confirmation number. Moderation (hide,
publish, edit, reply) is a supervisor's; every change is in the audit log. `report` prints the
ratings of a period and, with `--chart`, bar charts drawn with plotext. `--json` prints the
views as the services return them (averages as decimal text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import plotext
import typer
from rich.markup import escape

from commands import Confirmation, JsonOption, PropertyOption, desk_for
from commands.output import Column, console, day, details, print_json, print_rows, table_of
from pms.kernel.errors import InvalidInput
from pms.reviews.entry import ReviewInput, add_category, add_review
from pms.reviews.imports import ImportRefused, import_reviews
from pms.reviews.moderation import (
    ReviewEdit,
    edit_review,
    hide_review,
    publish_review,
    reply_to_review,
)
from pms.reviews.ratings import Rating
from pms.reviews.report import MeasureLine, ReviewReport, reviews_report
from pms.reviews.views import ReviewView, get_review, list_reviews

app = typer.Typer(help="Guest reviews: enter, list, moderate, import and report.",
                  no_args_is_help=True)  # fmt: skip

ReviewId = Annotated[int, typer.Argument(metavar="REVIEW", help="The review's number.")]
Score = Annotated[str | None, typer.Option(help="Score 1 to 5.")]
Scores = Annotated[
    list[str] | None,
    typer.Option("--score", metavar="CATEGORY=N", help="A score in another category. Repeatable."),
]
Title = Annotated[str | None, typer.Option(help="The review's title.")]
Text = Annotated[str | None, typer.Option(help="What the guest wrote.")]
Language = Annotated[str | None, typer.Option(help="Language code, e.g. en or pt-PT.")]
Version = Annotated[
    int | None, typer.Option("--version", help="Refuse if the review changed since this version.")
]


def _scores(pairs: list[str] | None, **named: str | None) -> dict[str, int | str]:
    scores: dict[str, int | str] = {k: v for k, v in named.items() if v is not None}
    for pair in pairs or []:
        code, equals, value = pair.partition("=")
        if not equals:
            raise typer.BadParameter(f"{pair!r} is not CATEGORY=N", param_hint="--score")
        scores[code] = value
    return scores


@app.command("add")
def add(
    ctx: typer.Context,
    confirmation: Confirmation,
    overall: Annotated[str, typer.Option(help="Overall score, 1 to 5.")],
    cleanliness: Score = None,
    comfort: Score = None,
    location: Score = None,
    service: Score = None,
    value: Score = None,
    score: Scores = None,
    title: Title = None,
    text: Text = None,
    language: Language = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Enter a guest's review of a stay that was checked out (one per stay)."""
    scores = _scores(score, cleanliness=cleanliness, comfort=comfort, location=location,
                     service=service, value=value)  # fmt: skip
    data = ReviewInput(confirmation, overall, scores, title or "", text or "", language or "")
    desk = desk_for(ctx)
    review_id = desk.run(add_review, data, property_code=property_code, source="cli")
    _print_review(desk.read(get_review, review_id), json_output, "Added")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="published or hidden.")] = None,
    first: Annotated[str | None, typer.Option("--from", help="From this review date.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Up to this review date.")] = None,
    room_type: Annotated[
        str | None, typer.Option("--room-type", help="Only this room type.")
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """The property's reviews, newest first."""
    rows = desk_for(ctx).read(list_reviews, property_code, status=status, first=first,
                              last=last, room_type=room_type)  # fmt: skip
    print_rows(rows, REVIEW_COLUMNS, json_output=json_output, empty="No reviews.")


@app.command("show")
def show(ctx: typer.Context, review: ReviewId, json_output: JsonOption = False) -> None:
    """One review with its scores, moderation and reply."""
    _print_review(desk_for(ctx).read(get_review, review), json_output)


@app.command("edit")
def edit(
    ctx: typer.Context,
    review: ReviewId,
    overall: Score = None,
    score: Scores = None,
    title: Title = None,
    text: Text = None,
    language: Language = None,
    version: Version = None,
    json_output: JsonOption = False,
) -> None:
    """Correct a review as it was entered (supervisors); the averages follow."""
    change = ReviewEdit(overall, _scores(score) or None, title, text, language)
    desk = desk_for(ctx)
    desk.run(edit_review, review, change, expected_version=version)
    _print_review(desk.read(get_review, review), json_output, "Corrected")


@app.command("hide")
def hide(
    ctx: typer.Context,
    review: ReviewId,
    reason: Annotated[str, typer.Option(help="Why it is hidden, for the audit log.")],
    version: Version = None,
    json_output: JsonOption = False,
) -> None:
    """Hide a review from the averages and lists (supervisors), with a reason."""
    desk = desk_for(ctx)
    desk.run(hide_review, review, reason, expected_version=version)
    _print_review(desk.read(get_review, review), json_output, "Hid")


@app.command("publish")
def publish(
    ctx: typer.Context, review: ReviewId, version: Version = None, json_output: JsonOption = False
) -> None:
    """Publish a hidden review again (supervisors)."""
    desk = desk_for(ctx)
    desk.run(publish_review, review, expected_version=version)
    _print_review(desk.read(get_review, review), json_output, "Published")


@app.command("reply")
def reply(
    ctx: typer.Context,
    review: ReviewId,
    text: Annotated[str, typer.Option(help="The management's reply.")],
    version: Version = None,
    json_output: JsonOption = False,
) -> None:
    """Answer a review on behalf of the management (supervisors)."""
    desk = desk_for(ctx)
    desk.run(reply_to_review, review, text, expected_version=version)
    _print_review(desk.read(get_review, review), json_output, "Replied to")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV file: stay, overall, categories, text …")],
    property_code: PropertyOption = None,
) -> None:
    """Import reviews from a CSV file: all of them, or none when any row is wrong."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InvalidInput("file", f"cannot read {file}: {error.strerror}") from error
    try:
        count = desk_for(ctx).run(import_reviews, text, property_code=property_code)
    except ImportRefused as refused:
        for problem in refused.problems:
            typer.echo(f"{file.name}: {problem}", err=True)
        raise
    console().print(f"Imported {count} review{'s' if count != 1 else ''} from {file.name}.")


@app.command("report")
def report(
    ctx: typer.Context,
    first: Annotated[
        str | None, typer.Option("--from", help="First month (default: a year ago).")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day (default: today).")] = None,
    chart: Annotated[bool, typer.Option("--chart", help="Draw bar charts too.")] = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Ratings of a period: overall, by category, by room type, month by month."""
    result = desk_for(ctx).read(reviews_report, property_code, first, last)
    if json_output:
        print_json(result)
        return
    print_report(result, chart=chart)


@app.command("category")
def category(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Category code, e.g. breakfast.")],
    name: Annotated[str, typer.Option(help="What guests see, e.g. Breakfast.")],
    property_code: PropertyOption = None,
) -> None:
    """Ask guests to rate one more thing (managers)."""
    codes = desk_for(ctx).run(add_category, code, name, property_code=property_code)
    console().print(f"Guests rate: {', '.join(codes)}.")


# --- printing -------------------------------------------------------------------------------


def average_text(rating: Rating) -> str:
    """`4.3 (12)`, or a dash without reviews."""
    return f"{rating.average} ({rating.count})" if rating.count else "—"


def _print_review(view: ReviewView, json_output: bool, done: str = "") -> None:
    if json_output:
        print_json(view)
        return
    out = console()
    heading = f"Review {view.id} · {view.stars} · {view.confirmation} {view.room_type}"
    out.print(f"{done} {heading}" if done else heading)
    fields = [
        ("guest", escape(view.guest_name)),
        ("date", day(view.review_date)),
        ("scores", ", ".join(f"{k} {v}" for k, v in view.scores.items()) or "—"),
        ("title", escape(view.title) or "—"),
        ("text", escape(view.text) or "—"),
        ("language", view.language or "—"),
        ("status", view.status if view.status == "published"
         else f"hidden by {view.hidden_by}: {escape(view.hidden_reason)}"),
    ]  # fmt: skip
    if view.reply:
        fields.append(("reply", f"{escape(view.reply)} — {view.replied_by}"))
    out.print(details(fields))


def _chart(title: str, lines: list[MeasureLine], values: list[float]) -> str:
    """A horizontal bar chart as text, in the terminal's colours unless NO_COLOR is set."""
    plotext.clear_figure()
    # Horizontal bars are drawn from the bottom up: reversed, the first line reads on top.
    names = [line.name for line in reversed(lines)]
    plotext.bar(names, list(reversed(values)), orientation="horizontal", width=0.6)
    plotext.title(title)
    plotext.plotsize(72, max(6, 2 * len(lines) + 4))
    plotext.theme("clear")
    return plotext.build()


def print_report(result: ReviewReport, *, chart: bool) -> None:
    """The report as tables, and bar charts when asked."""
    out = console()
    out.print(f"Reviews of {result.property_code}, {day(result.first)} – {day(result.last)}: "
              f"overall {average_text(result.overall)}")  # fmt: skip
    spread = " · ".join(f"{n}★ {c}" for n, c in enumerate(result.overall.distribution, start=1))
    out.print(f"  distribution {spread}")
    for title, lines in (("By category", result.categories), ("By room type", result.room_types),
                         ("By month", result.months)):  # fmt: skip
        out.print(table_of(lines, MEASURE_COLUMNS, title=title))
    if chart:
        counts = [float(c) for c in result.overall.distribution]
        stars = [MeasureLine(str(n), f"{n}★", Rating(0, 0)) for n in range(1, 6)]
        typer.echo(_chart("Overall scores", stars, counts))
        averages = [float(line.rating.average or 0) for line in result.months]
        typer.echo(_chart("Average by month", result.months, averages))


MEASURE_COLUMNS: list[Column[MeasureLine]] = [
    Column("", lambda line: escape(line.name)),
    Column("average", lambda line: str(line.rating.average or "—"), justify="right"),
    Column("reviews", lambda line: str(line.rating.count), justify="right"),
]
REVIEW_COLUMNS: list[Column[ReviewView]] = [
    Column("no.", lambda r: str(r.id), justify="right"),
    Column("date", lambda r: day(r.review_date), no_wrap=True),
    Column("stay", lambda r: r.confirmation, no_wrap=True),
    Column("type", lambda r: r.room_type),
    Column("score", lambda r: r.stars, no_wrap=True),
    Column("title", lambda r: escape(r.title)),
    Column("status", lambda r: r.status),
]

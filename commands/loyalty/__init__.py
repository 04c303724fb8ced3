"""The loyalty programme from the command line: `pms loyalty enrol|show|statement|members|
adjust|redeem|award|give-back|programme|tier|expire|review-tiers`.

A member is named as a guest is (`12`, `#12`, an e-mail) or by their member number. Points are
whole numbers; `--json` prints money as integer minor units beside its currency. `expire` and
`review-tiers` are the night audit's batches: idempotent for a date, safe to run again.
"""

from __future__ import annotations

import typer

from commands.loyalty import members, points, programme

app = typer.Typer(help="Loyalty: members, points, tiers and the programme.", no_args_is_help=True)
app.command("enrol")(members.enrol_)
app.command("show")(members.show)
app.command("statement")(members.statement_)
app.command("members")(members.members)
app.command("adjust")(members.adjust)
app.command("redeem")(points.redeem)
app.command("award")(points.award)
app.command("give-back")(points.give_back)
app.command("expire")(programme.expire)
app.command("review-tiers")(programme.review)
app.add_typer(programme.programme_app, name="programme")
app.add_typer(programme.tier_app, name="tier")

"""Folios from the command line: `pms folio show|post|reverse|transfer|reopen|pay|refund|invoice|
city-ledger|accounts|open-account|split`.

Amounts are typed as the clerk says them (`12.50`) in the stay's currency and shown as money;
`--json` prints minor units, as the services keep them. Postings and folios are named by the
ids `pms folio show` prints. Card payments go through the gateway the configuration names
(the key from STRIPE_API_KEY); cash and the desk's card terminal need none.
"""

from __future__ import annotations

import typer

from commands.folio import accounts, payments, postings

app = typer.Typer(help="Folios: charges, corrections, payments and invoices.", no_args_is_help=True)
app.command("show")(postings.show)
app.command("post")(postings.post)
app.command("reverse")(postings.reverse)
app.command("transfer")(postings.transfer)
app.command("split")(postings.split)
app.command("reopen")(postings.reopen)
app.command("pay")(payments.pay)
app.command("refund")(payments.refund_)
app.command("invoice")(accounts.invoice)
app.command("accounts")(accounts.accounts)
app.command("open-account")(accounts.open_account)
app.command("city-ledger")(accounts.city_ledger)

"""Folios as ledgers: postings, routing, the city ledger and invoices."""

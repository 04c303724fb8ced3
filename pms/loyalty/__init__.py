"""The loyalty programme: tiers, members, their points ledger, earning, redeeming and expiry."""

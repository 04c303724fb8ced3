"""Money in and out: cash, terminal and card payments through a gateway, refunds, reconcile."""

"""Where the money actually moves: the gateway interface, Stripe for cards, cash and terminal."""

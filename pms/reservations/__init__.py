"""Booking, quoting, modifying, cancelling and re-pricing stays."""

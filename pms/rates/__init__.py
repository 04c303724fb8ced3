"""Rate plans, the rate sheet, prices, taxes and dynamic pricing."""

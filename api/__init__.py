"""The HTTP face: a booking API for the hotel's website and channel managers, on the same `pms`
services as the front desk and the CLI (`pms api serve`)."""

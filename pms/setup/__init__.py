"""Setting up a hotel: the first run of a database, adding, changing and retiring room types
and rooms without ever overselling a night, and a whole hotel from a `hotel.toml` file."""

from pms.setup.first_run import initialise

__all__ = ["initialise"]

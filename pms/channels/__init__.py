"""Channels: the hotel's website and channel managers booking over HTTP — their API keys and
scopes, and the bookings they make, read and change on the same inventory as the desk."""

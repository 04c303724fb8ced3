"""The desk's day with a guest: check-in, check-out, room moves, the rack and the dashboard."""

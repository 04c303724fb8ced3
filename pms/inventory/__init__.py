"""Rooms to sell per room type and night: capacity, sold, the overbooking allowance."""

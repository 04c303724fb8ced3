"""Room status: clean, dirty, inspected, out of order and out of service."""

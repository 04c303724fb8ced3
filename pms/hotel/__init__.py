"""Properties and the staff who work in them."""

"""Search as you type over guests, rooms and stays (Whoosh), in step with the change log."""

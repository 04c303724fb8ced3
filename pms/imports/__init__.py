"""Moving a hotel in and out: importing its house, rates, guests and stays; exporting its books."""

"""Reports of the hotel's days: lists, the flash, history and forecast, journal, ledgers."""

"""What every department stands on: the desk (unit of work), errors, config, dates, money, the audit
log."""

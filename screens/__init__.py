"""The Textual front desk: the app, one module per screen, their stylesheets and messages.

Screens read and write only through `pms` services, called via the app's desk inside workers;
they never import `db` or SQLAlchemy.
"""

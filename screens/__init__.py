"""The Textual front desk: the app, one module per screen, their stylesheets and messages.

Screens read and write only through `pms` services, called via the app's desk inside workers;
they never import `db` or SQLAlchemy. Nor do they import one another: a screen asks for another
by posting a message (`screens.messages`) that the app handles, and reaches the app only through
the small `screens.desk_app.DeskApp` Protocol. Dialogs, widgets and the screens' base classes
are leaves that any screen may import.
"""

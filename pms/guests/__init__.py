"""Guest profiles, their contact details and merges."""

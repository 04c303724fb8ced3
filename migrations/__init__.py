"""Alembic migrations: every schema change is a revision; `pms db upgrade` applies them."""

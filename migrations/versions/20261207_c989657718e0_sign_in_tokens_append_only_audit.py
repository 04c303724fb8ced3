"""sign in tokens append only audit

Sign-in that means something: `access_tokens` (CLI sessions and API tokens, kept as SHA-256
hashes), `sign_in_attempts` (every try, for lockout and the auditor), the desk on every audit
row, and triggers that make the audit trail and the sign-in log append-only. The one change an
audit row may still take is the erasure of an anonymised guest's copies (before/after blanked).

Revision ID: c989657718e0
Revises: c31995a8d41e
Create Date: 2026-12-07 01:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'c989657718e0'
down_revision: Union[str, Sequence[str], None] = 'c31995a8d41e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_MESSAGE = "the audit log is append-only"
_FIXED = ("id", "at", "username", "desk", "action", "entity", "entity_id")


def _sqlite_changed() -> str:
    fixed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _FIXED)
    copies = " OR ".join(
        f"(NEW.{c} IS NOT NULL AND NEW.{c} <> 'null' AND NEW.{c} IS NOT OLD.{c})"
        for c in ("before", "after")
    )
    return f"{fixed} OR {copies}"


def _postgres_changed() -> str:
    fixed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _FIXED)
    copies = " OR ".join(
        f"NOT (NEW.{c} IS NULL OR NEW.{c}::text = 'null' "
        f"OR NEW.{c}::text IS NOT DISTINCT FROM OLD.{c}::text)"
        for c in ("before", "after")
    )
    return f"{fixed} OR {copies}"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('access_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('session', 'api')", name=op.f('ck_access_tokens_kind_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_access_tokens_token_hash'))
    )
    op.create_index(op.f('ix_access_tokens_user_id'), 'access_tokens', ['user_id'], unique=False)
    op.create_table('sign_in_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('desk', sa.String(length=80), nullable=False),
    sa.CheckConstraint("outcome IN ('ok', 'failed', 'refused', 'unlocked')", name=op.f('ck_sign_in_attempts_outcome_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts'))
    )
    op.create_index('ix_sign_in_attempts_username_at', 'sign_in_attempts', ['username', 'at'], unique=False)
    # A plain ADD COLUMN (no batch copy), so the change-log trigger on audit_log stays.
    op.add_column('audit_log', sa.Column('desk', sa.String(length=80), server_default='', nullable=False))
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP = 'DELETE' OR {_postgres_changed()} THEN "
            f"RAISE EXCEPTION '{_MESSAGE}'; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()"
        )
        op.execute(
            "CREATE FUNCTION sign_in_attempts_are_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'the sign-in log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER sign_in_attempts_are_append_only BEFORE UPDATE OR DELETE "
            "ON sign_in_attempts FOR EACH ROW EXECUTE FUNCTION sign_in_attempts_are_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            f"FOR EACH ROW WHEN {_sqlite_changed()} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER sign_in_attempts_no_{event.lower()} BEFORE {event} "
                "ON sign_in_attempts FOR EACH ROW "
                "BEGIN SELECT RAISE(ABORT, 'the sign-in log is append-only'); END"
            )


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER sign_in_attempts_are_append_only ON sign_in_attempts")
        op.execute("DROP FUNCTION sign_in_attempts_are_append_only()")
        op.execute("DROP TRIGGER audit_log_is_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_is_append_only()")
    else:
        for name in ("audit_log_no_update", "audit_log_no_delete",
                     "sign_in_attempts_no_update", "sign_in_attempts_no_delete"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_column('audit_log', 'desk')
    op.drop_index('ix_sign_in_attempts_username_at', table_name='sign_in_attempts')
    op.drop_table('sign_in_attempts')
    op.drop_index(op.f('ix_access_tokens_user_id'), table_name='access_tokens')
    op.drop_table('access_tokens')

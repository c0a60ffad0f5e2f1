"""a session generation on each account, so one change can end all its sessions

Sessions are signed cookies: without a server-side value to compare, a copied cookie kept
working after sign-out or a password reset until it expired (security review, issue 11).
Existing accounts start at 0; sessions signed in before this migration carry no generation and
so end at their next request.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 03:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "user_account",
        sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # Native on PostgreSQL and on SQLite 3.35+; no batch copy, which could drop ck_user_role.
    op.drop_column("user_account", "session_generation")

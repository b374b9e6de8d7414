"""hardening: a version on users and match verdicts; the search rate limit shared in the store

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-01 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_VERSIONED = ("users", "match_feedback")


def upgrade() -> None:
    for table in _VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("due_at", sa.Float(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )


def downgrade() -> None:
    op.drop_table("rate_limits")
    for table in _VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")

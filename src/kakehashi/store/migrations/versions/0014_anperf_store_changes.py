"""store changes (the data version of the tables the cooperation figures read); verdicts by opportunity

Revision ID: 0014_anperf
Revises: 0013
Create Date: 2026-12-01 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_anperf"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per committed transaction that wrote to a table the figures read (kakehashi.store.changes).
    op.create_table(
        "store_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=False),  # the groups of tables written (bits)
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_changes")),
    )
    # The cooperation figures count verdicts by the sector of their opportunity.
    op.create_index("ix_match_feedback_verdict_source", "match_feedback", ["verdict", "source_id"])


def downgrade() -> None:
    op.drop_index("ix_match_feedback_verdict_source", table_name="match_feedback")
    op.drop_table("store_changes")

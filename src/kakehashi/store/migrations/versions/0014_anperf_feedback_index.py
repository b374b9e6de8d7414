"""verdicts by opportunity: an index for the cooperation figures' matches table

Revision ID: 0014_anperf
Revises: 0013
Create Date: 2026-12-01 08:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0014_anperf"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The cooperation figures count verdicts by the sector of their opportunity: without this index a
    # store without statistics scanned every verdict per opportunity of the sector.
    op.create_index("ix_match_feedback_verdict_source", "match_feedback", ["verdict", "source_id"])


def downgrade() -> None:
    op.drop_index("ix_match_feedback_verdict_source", table_name="match_feedback")

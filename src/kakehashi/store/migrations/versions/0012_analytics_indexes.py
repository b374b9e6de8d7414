"""analytics: indexes for the cooperation figures on a large store

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# (index, table, columns): counts by period read these instead of the tables.
_INDEXES = (
    ("ix_opportunities_analytics", "opportunities", ["organisation_id", "type", "published_at"]),
    ("ix_interests_created_at", "interests", ["created_at"]),
    ("ix_introductions_created_at", "introductions", ["created_at"]),
    ("ix_agreements_signed_on", "agreements", ["signed_on"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)

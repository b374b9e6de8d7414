"""the store's data version: counter rows (the matching index, everything else) that committed writes move

Revision ID: 0015_catperf
Revises: 0013
Create Date: 2026-12-01 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_catperf"
down_revision = "0014_anperf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_versions")),
    )
    op.execute("INSERT INTO data_versions (id, value) VALUES (1, 0), (2, 0)")  # DATA, MATCHING


def downgrade() -> None:
    op.drop_table("data_versions")

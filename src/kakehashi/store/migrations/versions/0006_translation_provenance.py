"""profiles: who gave each opportunity translation (the organisation or an agency)

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-30 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every translation so far came with the opportunity, from its organisation.
    with op.batch_alter_table("opportunity_translations") as batch:
        batch.add_column(
            sa.Column("provided_by", sa.String(length=12), nullable=False, server_default="organisation")
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunity_translations") as batch:
        batch.drop_column("provided_by")

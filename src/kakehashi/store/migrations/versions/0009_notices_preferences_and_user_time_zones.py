"""notifications: notices (in-app and the e-mail outbox), notice preferences, users' time zones

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_state", sa.String(length=8), nullable=False),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notices_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index("ix_notices_user_id_read_at", "notices", ["user_id", "read_at"])
    op.create_index("ix_notices_email_state", "notices", ["email_state"])
    op.create_table(
        "notice_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email_off", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=8), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notice_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notice_preferences")),
    )


def downgrade() -> None:
    op.drop_table("notice_preferences")
    op.drop_index("ix_notices_email_state", table_name="notices")
    op.drop_index("ix_notices_user_id_read_at", table_name="notices")
    op.drop_table("notices")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("time_zone")

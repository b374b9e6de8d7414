"""matching: stored matches, explanation material with the vectors, index generations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 21:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kakehashi.store.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matching_generations",
        sa.Column("model_id", sa.String(length=120), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("model_id", name=op.f("pk_matching_generations")),
    )
    op.create_table(
        "opportunity_matches",
        sa.Column("model_id", sa.String(length=120), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=True),
        sa.Column("computed_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_matches_source_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_matches_target_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("model_id", "source_id", "rank", name=op.f("pk_opportunity_matches")),
    )
    with op.batch_alter_table("opportunity_matches", schema=None) as batch_op:
        batch_op.create_index("ix_opportunity_matches_target", ["model_id", "target_id"], unique=False)

    with op.batch_alter_table("opportunity_vectors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("term_vectors", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("sentences", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("sentence_vectors", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("matched_version", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunity_vectors", schema=None) as batch_op:
        batch_op.drop_column("matched_version")
        batch_op.drop_column("sentence_vectors")
        batch_op.drop_column("sentences")
        batch_op.drop_column("term_vectors")
        batch_op.drop_column("terms")
    with op.batch_alter_table("opportunity_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_opportunity_matches_target")
    op.drop_table("opportunity_matches")
    op.drop_table("matching_generations")

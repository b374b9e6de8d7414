"""pipeline: interests, introductions, agreements, messages, alerts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 00:01:27.300600
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kakehashi.store.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("from_organisation_id", sa.Integer(), nullable=False),
        sa.Column("from_opportunity_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_interests_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_interests_from_opportunity_id_opportunities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_interests_from_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_interests_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_interests_owner_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interests")),
    )
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interests_from_organisation_id"), ["from_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_interests_opportunity_id"), ["opportunity_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interests_owner_organisation_id"), ["owner_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_interests_status"), ["status"], unique=False)

    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("follow_opportunity_id", sa.Integer(), nullable=True),
        sa.Column("last_run_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_saved_searches_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["follow_opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_saved_searches_follow_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_saved_searches_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
    )
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_searches_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "alert_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("saved_search_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("found_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_alert_hits_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_alert_hits_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_search_id"],
            ["saved_searches.id"],
            name=op.f("fk_alert_hits_saved_search_id_saved_searches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_hits")),
        sa.UniqueConstraint("organisation_id", "opportunity_id", name=op.f("uq_alert_hits_organisation_id")),
    )
    with op.batch_alter_table("alert_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_hits_saved_search_id"), ["saved_search_id"], unique=False)

    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interest_id", sa.Integer(), nullable=True),
        sa.Column("organisation_a_id", sa.Integer(), nullable=False),
        sa.Column("organisation_b_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_a_id", sa.Integer(), nullable=True),
        sa.Column("opportunity_b_id", sa.Integer(), nullable=True),
        sa.Column("event_meeting_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("consent_a_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("consent_b_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disclosed_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("officer_a_id", sa.Integer(), nullable=True),
        sa.Column("officer_b_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("next_step_due", sa.Date(), nullable=True),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("stage_changed_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("overdue_noticed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interest_id"],
            ["interests.id"],
            name=op.f("fk_introductions_interest_id_interests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["officer_a_id"],
            ["users.id"],
            name=op.f("fk_introductions_officer_a_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["officer_b_id"],
            ["users.id"],
            name=op.f("fk_introductions_officer_b_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_a_id"],
            ["opportunities.id"],
            name=op.f("fk_introductions_opportunity_a_id_opportunities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_b_id"],
            ["opportunities.id"],
            name=op.f("fk_introductions_opportunity_b_id_opportunities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_a_id"],
            ["organisations.id"],
            name=op.f("fk_introductions_organisation_a_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_b_id"],
            ["organisations.id"],
            name=op.f("fk_introductions_organisation_b_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_introductions_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_introductions_event_meeting_id"), ["event_meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_introductions_interest_id"), ["interest_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_next_step_due"), ["next_step_due"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_officer_a_id"), ["officer_a_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_officer_b_id"), ["officer_b_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_introductions_organisation_a_id"), ["organisation_a_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_introductions_organisation_b_id"), ["organisation_b_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_introductions_stage"), ["stage"], unique=False)

    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("subtype", sa.String(length=32), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("jpy_per_eur", sa.Numeric(precision=14, scale=6), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_a_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_b_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_agreements_introduction_id_introductions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_agreements_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreements_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreements_introduction_id"), ["introduction_id"], unique=False)

    op.create_table(
        "introduction_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("author_side", sa.String(length=6), nullable=False),
        sa.Column("to_agency", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_introduction_messages_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_introduction_messages_introduction_id_introductions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introduction_messages")),
    )
    with op.batch_alter_table("introduction_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_introduction_messages_introduction_id"), ["introduction_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("introduction_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introduction_messages_introduction_id"))

    op.drop_table("introduction_messages")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_introduction_id"))
        batch_op.drop_index(batch_op.f("ix_agreements_category"))

    op.drop_table("agreements")
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introductions_stage"))
        batch_op.drop_index(batch_op.f("ix_introductions_organisation_b_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_organisation_a_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_officer_b_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_officer_a_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_next_step_due"))
        batch_op.drop_index(batch_op.f("ix_introductions_interest_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_event_meeting_id"))

    op.drop_table("introductions")
    with op.batch_alter_table("alert_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_hits_saved_search_id"))

    op.drop_table("alert_hits")
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_searches_organisation_id"))

    op.drop_table("saved_searches")
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interests_status"))
        batch_op.drop_index(batch_op.f("ix_interests_owner_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_interests_opportunity_id"))
        batch_op.drop_index(batch_op.f("ix_interests_from_organisation_id"))

    op.drop_table("interests")

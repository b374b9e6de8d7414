"""events: B2B matchmaking events, registrations, meeting requests, meetings, scheduling runs, the day

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kakehashi.store.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("title_it", sa.String(length=300), nullable=False),
        sa.Column("title_ja", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("online_capacity", sa.Integer(), nullable=False),
        sa.Column("online_link_template", sa.String(length=500), nullable=True),
        sa.Column("registration_opens_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("registration_closes_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("booking_opens_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("booking_closes_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("request_mode", sa.String(length=12), nullable=False),
        sa.Column("request_cap", sa.Integer(), nullable=False),
        sa.Column("must_meet_cap", sa.Integer(), nullable=True),
        sa.Column("request_expiry_minutes", sa.Integer(), nullable=False),
        sa.Column("meeting_rule", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_changed_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_events_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_status"), "events", ["status"], unique=False)
    op.create_table(
        "event_interpreters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("pair", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_interpreters_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_interpreters")),
        sa.UniqueConstraint("event_id", "slot", "pair", name=op.f("uq_event_interpreters_event_id")),
    )
    op.create_index(op.f("ix_event_interpreters_event_id"), "event_interpreters", ["event_id"], unique=False)
    op.create_table(
        "event_organisers",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_organisers_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "agency_code", name=op.f("pk_event_organisers")),
    )
    op.create_index(
        op.f("ix_event_organisers_agency_code"), "event_organisers", ["agency_code"], unique=False
    )
    op.create_table(
        "event_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attendance", sa.String(length=12), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("work_starts", sa.Time(), nullable=True),
        sa.Column("work_ends", sa.Time(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checkin_token", sa.String(length=64), nullable=False),
        sa.Column("request_seq", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_event_registrations_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_registrations_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_event_registrations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["users.id"],
            name=op.f("fk_event_registrations_registered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registrations")),
        sa.UniqueConstraint("checkin_token", name=op.f("uq_event_registrations_checkin_token")),
        sa.UniqueConstraint("event_id", "organisation_id", name=op.f("uq_event_registrations_event_id")),
    )
    op.create_index(
        op.f("ix_event_registrations_event_id"), "event_registrations", ["event_id"], unique=False
    )
    op.create_index(
        op.f("ix_event_registrations_organisation_id"),
        "event_registrations",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "event_scheduling_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("proof_status", sa.String(length=12), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("job_key", sa.String(length=200), nullable=True),
        sa.Column("queue_job_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_event_scheduling_runs_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_scheduling_runs_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_scheduling_runs")),
    )
    op.create_index(
        op.f("ix_event_scheduling_runs_event_id"), "event_scheduling_runs", ["event_id"], unique=False
    )
    op.create_table(
        "event_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("part", sa.String(length=12), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_sessions_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_sessions")),
    )
    op.create_index(op.f("ix_event_sessions_event_id"), "event_sessions", ["event_id"], unique=False)
    op.create_table(
        "event_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_tables_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_tables")),
        sa.UniqueConstraint("event_id", "number", name=op.f("uq_event_tables_event_id")),
    )
    op.create_index(op.f("ix_event_tables_event_id"), "event_tables", ["event_id"], unique=False)
    op.create_table(
        "event_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_event_checkins_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_checkins_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"],
            ["users.id"],
            name=op.f("fk_event_checkins_undone_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_checkins")),
    )
    op.create_index(
        op.f("ix_event_checkins_registration_id"), "event_checkins", ["registration_id"], unique=False
    )
    op.create_table(
        "event_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_a_id", sa.Integer(), nullable=False),
        sa.Column("registration_b_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("starts_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("online_link", sa.String(length=500), nullable=True),
        sa.Column("interpreter_pair", sa.String(length=8), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("uid", sa.String(length=120), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("published_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_meetings_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_a_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_meetings_registration_a_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_b_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_meetings_registration_b_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["event_scheduling_runs.id"],
            name=op.f("fk_event_meetings_run_id_event_scheduling_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["event_tables.id"],
            name=op.f("fk_event_meetings_table_id_event_tables"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_meetings")),
        sa.UniqueConstraint("uid", name=op.f("uq_event_meetings_uid")),
    )
    op.create_index("ix_event_meetings_a", "event_meetings", ["registration_a_id"], unique=False)
    op.create_index("ix_event_meetings_b", "event_meetings", ["registration_b_id"], unique=False)
    op.create_index("ix_event_meetings_event_slot", "event_meetings", ["event_id", "slot"], unique=False)
    op.create_table(
        "event_representatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_representatives_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_representatives")),
    )
    op.create_index(
        op.f("ix_event_representatives_registration_id"),
        "event_representatives",
        ["registration_id"],
        unique=False,
    )
    op.create_table(
        "event_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("from_registration_id", sa.Integer(), nullable=False),
        sa.Column("to_registration_id", sa.Integer(), nullable=False),
        sa.Column("mark", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("expires_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_event_requests_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_event_requests_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_requests_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_requests_from_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_requests_to_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_requests")),
        sa.UniqueConstraint(
            "from_registration_id", "to_registration_id", name=op.f("uq_event_requests_from_registration_id")
        ),
    )
    op.create_index(op.f("ix_event_requests_event_id"), "event_requests", ["event_id"], unique=False)
    op.create_index("ix_event_requests_to", "event_requests", ["to_registration_id", "status"], unique=False)
    op.create_table(
        "event_unavailability",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_unavailability_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", "slot", name=op.f("pk_event_unavailability")),
    )
    op.create_table(
        "event_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=24), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_event_feedback_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["event_meetings.id"],
            name=op.f("fk_event_feedback_meeting_id_event_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_feedback_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_feedback")),
        sa.UniqueConstraint("meeting_id", "registration_id", name=op.f("uq_event_feedback_meeting_id")),
    )
    op.create_index(
        op.f("ix_event_feedback_registration_id"), "event_feedback", ["registration_id"], unique=False
    )
    op.create_table(
        "event_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=24), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_event_followups_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["event_meetings.id"],
            name=op.f("fk_event_followups_meeting_id_event_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_followups_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_followups")),
        sa.UniqueConstraint("meeting_id", "registration_id", name=op.f("uq_event_followups_meeting_id")),
    )
    op.create_index(
        op.f("ix_event_followups_registration_id"), "event_followups", ["registration_id"], unique=False
    )
    op.create_table(
        "event_meeting_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("absent_registration_id", sa.Integer(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", kakehashi.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["absent_registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_meeting_outcomes_absent_registration_id_event_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_event_meeting_outcomes_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["event_meetings.id"],
            name=op.f("fk_event_meeting_outcomes_meeting_id_event_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_meeting_outcomes")),
        sa.UniqueConstraint("meeting_id", "side", name=op.f("uq_event_meeting_outcomes_meeting_id")),
    )


def downgrade() -> None:
    op.drop_table("event_meeting_outcomes")
    op.drop_index(op.f("ix_event_followups_registration_id"), table_name="event_followups")
    op.drop_table("event_followups")
    op.drop_index(op.f("ix_event_feedback_registration_id"), table_name="event_feedback")
    op.drop_table("event_feedback")
    op.drop_table("event_unavailability")
    op.drop_index("ix_event_requests_to", table_name="event_requests")
    op.drop_index(op.f("ix_event_requests_event_id"), table_name="event_requests")
    op.drop_table("event_requests")
    op.drop_index(op.f("ix_event_representatives_registration_id"), table_name="event_representatives")
    op.drop_table("event_representatives")
    op.drop_index("ix_event_meetings_event_slot", table_name="event_meetings")
    op.drop_index("ix_event_meetings_b", table_name="event_meetings")
    op.drop_index("ix_event_meetings_a", table_name="event_meetings")
    op.drop_table("event_meetings")
    op.drop_index(op.f("ix_event_checkins_registration_id"), table_name="event_checkins")
    op.drop_table("event_checkins")
    op.drop_index(op.f("ix_event_tables_event_id"), table_name="event_tables")
    op.drop_table("event_tables")
    op.drop_index(op.f("ix_event_sessions_event_id"), table_name="event_sessions")
    op.drop_table("event_sessions")
    op.drop_index(op.f("ix_event_scheduling_runs_event_id"), table_name="event_scheduling_runs")
    op.drop_table("event_scheduling_runs")
    op.drop_index(op.f("ix_event_registrations_organisation_id"), table_name="event_registrations")
    op.drop_index(op.f("ix_event_registrations_event_id"), table_name="event_registrations")
    op.drop_table("event_registrations")
    op.drop_index(op.f("ix_event_organisers_agency_code"), table_name="event_organisers")
    op.drop_table("event_organisers")
    op.drop_index(op.f("ix_event_interpreters_event_id"), table_name="event_interpreters")
    op.drop_table("event_interpreters")
    op.drop_index(op.f("ix_events_status"), table_name="events")
    op.drop_table("events")

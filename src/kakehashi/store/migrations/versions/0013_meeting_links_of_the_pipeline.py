"""events ↔ pipeline: an introduction's event meeting and a follow-up's introduction as foreign keys

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Rows that point at nothing (written while the columns were plain) are unlinked before the keys exist.
_UNLINK = (
    "UPDATE introductions SET event_meeting_id = NULL WHERE event_meeting_id IS NOT NULL "
    "AND event_meeting_id NOT IN (SELECT id FROM event_meetings)",
    "UPDATE event_followups SET introduction_id = NULL WHERE introduction_id IS NOT NULL "
    "AND introduction_id NOT IN (SELECT id FROM introductions)",
)


def upgrade() -> None:
    for statement in _UNLINK:
        op.execute(statement)
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_introductions_event_meeting_id_event_meetings"),
            "event_meetings",
            ["event_meeting_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("event_followups", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_event_followups_introduction_id_introductions"),
            "introductions",
            ["introduction_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(op.f("ix_event_followups_introduction_id"), ["introduction_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_followups", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_event_followups_introduction_id"))
        batch_op.drop_constraint(op.f("fk_event_followups_introduction_id_introductions"), type_="foreignkey")
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_introductions_event_meeting_id_event_meetings"), type_="foreignkey")

"""jobs: the job_runs table officers read, and on PostgreSQL the job queue (procrastinate's schema)

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_job_id", sa.Integer(), nullable=True),
        sa.Column("task", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_job_runs_key", "job_runs", ["task", "key"])
    op.create_index(op.f("ix_job_runs_queue_job_id"), "job_runs", ["queue_job_id"])
    if op.get_bind().dialect.name == "postgresql":
        # The queue of the pinned procrastinate release (its schema file, shipped in the wheel). A later
        # procrastinate upgrade brings its own migration files: apply them in a new revision.
        from procrastinate.schema import SchemaManager

        # Straight to psycopg without parameters, so that the % of its RAISE messages stay as written.
        with op.get_bind().connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            DO $$ DECLARE item record; BEGIN
              FOR item IN SELECT tablename FROM pg_tables
                          WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate_%' LOOP
                EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(item.tablename) || ' CASCADE';
              END LOOP;
              FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                          JOIN pg_namespace n ON n.oid = p.pronamespace
                          WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate_%' LOOP
                EXECUTE 'DROP FUNCTION IF EXISTS ' || item.signature || ' CASCADE';
              END LOOP;
              FOR item IN SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                          WHERE n.nspname = current_schema() AND typname LIKE 'procrastinate_%'
                            AND t.typtype = 'e' LOOP
                EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(item.typname) || ' CASCADE';
              END LOOP;
            END $$;
            """
        )
    op.drop_index(op.f("ix_job_runs_queue_job_id"), table_name="job_runs")
    op.drop_index("ix_job_runs_key", table_name="job_runs")
    op.drop_table("job_runs")

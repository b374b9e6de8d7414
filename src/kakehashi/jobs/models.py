"""One row per run of a job (an attempt): what officers see on the jobs page and in ``GET /api/v1/jobs``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kakehashi.store.base import Base, UTCDateTime, utcnow


class JobRun(Base):
    """An attempt of a job. ``queue_job_id`` is procrastinate's job id (None for an in-process run); ``key``
    is the job's idempotency key (a run skips when a run with the same key has succeeded)."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_key", "task", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_job_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    task: Mapped[str] = mapped_column(String(60))
    key: Mapped[str | None] = mapped_column(String(200), default=None)
    attempt: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default="running")  # running|succeeded|failed|lost
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    worker: Mapped[str | None] = mapped_column(String(120), default=None)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

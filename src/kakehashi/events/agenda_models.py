"""Events tables of the agenda and the day: scheduled meetings, scheduling runs, interpreters per slot,
check-ins, meeting outcomes, feedback and follow-ups.

A meeting is between two registrations (``registration_a_id`` < ``registration_b_id``) in one slot of the
event's grid (``slot``; ``starts_at``/``ends_at`` are its UTC instants, kept so that an agenda reads right
even if the grid were rebuilt), at a table or online. ``uid`` is the stable iCalendar UID; ``sequence``
increases on every change participants can see (slot, table, link, cancellation), so that a calendar
updates the same entry. Every mutable record has a ``version``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kakehashi.store.base import Base, TimestampMixin, UTCDateTime, utcnow


class SchedulingRun(TimestampMixin, Base):
    """A run of the scheduler for an event, as a job (``job_key`` is its idempotency key, ``queue_job_id``
    procrastinate's id when queued). ``figures``: meetings held, unmet requests and why, breaks, fairness,
    the proven bound, changes against the locked/published meetings (JSON, written by the job)."""

    __tablename__ = "event_scheduling_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="queued")  # vocab.RunStatus
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # time limit, minimal change...
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    proof_status: Mapped[str | None] = mapped_column(String(12))  # scheduling.problem.Status
    error: Mapped[str | None] = mapped_column(Text)
    job_key: Mapped[str | None] = mapped_column(String(200))
    queue_job_id: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Meeting(TimestampMixin, Base):
    __tablename__ = "event_meetings"
    __table_args__ = (
        Index("ix_event_meetings_event_slot", "event_id", "slot"),
        Index("ix_event_meetings_a", "registration_a_id"),
        Index("ix_event_meetings_b", "registration_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_a_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"))
    registration_b_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column()
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    table_id: Mapped[int | None] = mapped_column(ForeignKey("event_tables.id", ondelete="SET NULL"))
    online: Mapped[bool] = mapped_column(default=False)
    online_link: Mapped[str | None] = mapped_column(String(500))
    interpreter_pair: Mapped[str | None] = mapped_column(String(8))  # vocab.InterpreterPair
    priority: Mapped[int] = mapped_column(default=1)  # the weight the scheduler gave the pair
    locked: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="scheduled")  # vocab.MeetingStatus
    outcome: Mapped[str | None] = mapped_column(String(12))  # vocab.Outcome (from the reports)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("event_scheduling_runs.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    illustrative: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class InterpreterSupply(Base):
    """How many interpreters of a language pair are present in a slot (the scheduler never needs more)."""

    __tablename__ = "event_interpreters"
    __table_args__ = (UniqueConstraint("event_id", "slot", "pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int] = mapped_column()
    pair: Mapped[str] = mapped_column(String(8))  # vocab.InterpreterPair
    count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CheckIn(Base):
    """A check-in at the desk (QR scan or by hand); ``undone_at`` set when the staff undid it."""

    __tablename__ = "event_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class OutcomeReport(Base):
    """One report "it happened / it did not happen" for a meeting, by one side ("a", "b") or the staff
    ("staff"); the meeting's ``outcome`` is no-show as soon as any report says it did not happen."""

    __tablename__ = "event_meeting_outcomes"
    __table_args__ = (UniqueConstraint("meeting_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("event_meetings.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(8))  # "a", "b" or "staff"
    outcome: Mapped[str] = mapped_column(String(12))  # vocab.Outcome
    # For a no-show: the registration that did not come, when known.
    absent_registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="SET NULL")
    )
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Feedback(Base):
    """A participant's feedback right after a meeting; seen only by the agencies."""

    __tablename__ = "event_feedback"
    __table_args__ = (UniqueConstraint("meeting_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("event_meetings.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[str] = mapped_column(String(24))  # vocab.FeedbackRating
    comment: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    illustrative: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class FollowUp(Base):
    """The question asked months after a meeting, per side; ``introduction_id``: the introduction that the
    meeting's follow-ups (or feedback) of both sides opened in the pipeline."""

    __tablename__ = "event_followups"
    __table_args__ = (UniqueConstraint("meeting_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("event_meetings.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True
    )
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(24))  # vocab.FollowUpAnswer
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    introduction_id: Mapped[int | None] = mapped_column(
        ForeignKey("introductions.id", ondelete="SET NULL"), index=True
    )
    illustrative: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

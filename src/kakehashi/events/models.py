"""Events tables: the event and its slot grid (sessions, tables, organisers), participants (registrations,
representatives, unavailable slots) and meeting requests.

The agenda side (meetings, scheduling runs, interpreters, check-ins, outcomes, feedback, follow-ups) is in
:mod:`kakehashi.events.agenda_models`. Every mutable record has a ``version`` (optimistic concurrency: each
UPDATE says "WHERE version = <the one read>" and bumps it); a lifecycle change is one conditional UPDATE.
Every time is stored in UTC; the event's local times (sessions) are wall-clock times in ``time_zone``.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kakehashi.store.base import Base, TimestampMixin, UTCDateTime


class Event(TimestampMixin, Base):
    """A B2B matchmaking event. The slot grid is derived: for each session (ordered by day and start), as
    many slots of ``slot_minutes`` as fit between its start and end, numbered 0.. across the whole event
    (:func:`kakehashi.events.grid.slot_grid`). The grid is frozen once the event is scheduled."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_it: Mapped[str] = mapped_column(String(300), default="")
    title_ja: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(200), default="")
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name of the venue's zone
    slot_minutes: Mapped[int] = mapped_column()
    # Concurrent online meetings the organisers can host (video rooms); 0 = no online meetings.
    online_capacity: Mapped[int] = mapped_column(default=0)
    # Link of an online meeting; "{uid}" is replaced by the meeting's uid (None: the officer sets each link).
    online_link_template: Mapped[str | None] = mapped_column(String(500))
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booking_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booking_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    request_mode: Mapped[str] = mapped_column(String(12), default="opt_in")  # vocab.RequestMode
    request_cap: Mapped[int] = mapped_column(default=20)  # open requests (must meet + meet) per participant
    must_meet_cap: Mapped[int | None] = mapped_column()  # of which "must meet" at most (None: no own cap)
    request_expiry_minutes: Mapped[int] = mapped_column(default=2880)  # a pending request expires after
    meeting_rule: Mapped[str] = mapped_column(String(16), default="italy_japan")  # vocab.MeetingRule
    status: Mapped[str] = mapped_column(String(12), index=True, default="draft")  # vocab.EventStatus
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    illustrative: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    organiser_rows: Mapped[list[EventOrganiser]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EventOrganiser.agency_code"
    )
    sessions: Mapped[list[EventSession]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by=lambda: [EventSession.day, EventSession.starts],
    )
    tables: Mapped[list[EventTable]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EventTable.number"
    )

    @property
    def organisers(self) -> list[str]:
        return [row.agency_code for row in self.organiser_rows]

    @property
    def days(self) -> list[date]:
        return sorted({session.day for session in self.sessions})

    def title(self, language: str) -> str:
        """The title in ``language``, else in English, Italian, Japanese (the first one given)."""
        by_language = {"en": self.title_en, "it": self.title_it, "ja": self.title_ja}
        return by_language.get(language) or self.title_en or self.title_it or self.title_ja


class EventOrganiser(Base):
    """An organising agency (ICE, JETRO, or both as co-organisers): its officers manage the event."""

    __tablename__ = "event_organisers"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class EventSession(Base):
    """A session of one day, in the venue's local wall-clock time. ``online``: online meetings may be held
    in its slots (inside both parties' working hours), besides the tables."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    part: Mapped[str] = mapped_column(String(12))  # vocab.SessionPart
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    online: Mapped[bool] = mapped_column(default=False)


class EventTable(Base):
    """A meeting table on site: numbered, optionally named ("Sala Tokyo 3")."""

    __tablename__ = "event_tables"
    __table_args__ = (UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(100), default="")

    @property
    def label(self) -> str:
        return self.name or str(self.number)


class Registration(TimestampMixin, Base):
    """An organisation's participation in an event (a participant). ``checkin_token``: the secret in the
    participant's QR code, scanned by the staff at the desk."""

    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="pending")  # vocab.RegistrationStatus
    attendance: Mapped[str] = mapped_column(String(12), default="on_site")  # vocab.Attendance
    # Online participants: their zone and daily working hours (local wall-clock, Monday..Friday).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    work_starts: Mapped[time | None] = mapped_column(Time)
    work_ends: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str] = mapped_column(Text, default="")  # what the participant offers/seeks at this event
    decline_reason: Mapped[str | None] = mapped_column(Text)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checkin_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Bumped by every new request of this participant, in the same conditional UPDATE that serialises
    # concurrent requests, so that the cap holds (see requests.py).
    request_seq: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    illustrative: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    representatives: Mapped[list[Representative]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Representative.position"
    )
    unavailable_rows: Mapped[list[Unavailability]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Unavailability.slot"
    )

    @property
    def unavailable_slots(self) -> list[int]:
        return [row.slot for row in self.unavailable_rows]

    @property
    def languages(self) -> list[str]:
        """Languages spoken by at least one representative (it, ja, en order)."""
        spoken = {code for rep in self.representatives for code in rep.languages}
        return [code for code in ("it", "ja", "en") if code in spoken]


class Representative(Base):
    """A person who attends for the participant; replaced as a whole with the registration (whose version
    guards them)."""

    __tablename__ = "event_representatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # subset of it, ja, en


class Unavailability(Base):
    """A slot (index of the event's grid) the participant cannot attend; guarded by the registration."""

    __tablename__ = "event_unavailability"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[int] = mapped_column(primary_key=True)


class MeetingRequest(TimestampMixin, Base):
    """What participant ``from`` says about participant ``to``: must meet / meet (a request, with an
    optional note, answered by ``to``) or no thanks (recorded, absolute). One row per ordered pair; a new
    mark replaces the old one (a declined request stays declined). ``expires_at``: a pending request after
    it counts as expired (computed on read; the ``events-expire`` job also writes it)."""

    __tablename__ = "event_requests"
    __table_args__ = (
        UniqueConstraint("from_registration_id", "to_registration_id"),
        Index("ix_event_requests_to", "to_registration_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    from_registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE")
    )
    to_registration_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"))
    mark: Mapped[str] = mapped_column(String(12))  # vocab.Mark
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))  # vocab.RequestStatus
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer_note: Mapped[str] = mapped_column(Text, default="")
    illustrative: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

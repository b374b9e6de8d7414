"""The stored codes of the events feature (ids are stable: stored, sent by the API, used by the CLI).

Their interface names are in :mod:`kakehashi.events.labels`.
"""

from __future__ import annotations

from enum import StrEnum


class EventStatus(StrEnum):
    """draft → registration → booking → scheduled → published → held → closed."""

    DRAFT = "draft"
    REGISTRATION = "registration"
    BOOKING = "booking"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    HELD = "held"
    CLOSED = "closed"


class RequestMode(StrEnum):
    """The organiser schedules; requests are its input. ``opt_in``: the other side accepts or declines a
    request before it counts; ``automatic``: a request counts at once (unless the other side said no thanks)."""

    OPT_IN = "opt_in"
    AUTOMATIC = "automatic"


class MeetingRule(StrEnum):
    """Who may meet whom: Italian ↔ Japanese only (default), any two countries that differ, anyone."""

    ITALY_JAPAN = "italy_japan"
    CROSS_COUNTRY = "cross_country"
    ANY = "any"


class SessionPart(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Attendance(StrEnum):
    """On site at the venue, or online from the participant's own zone and working hours."""

    ON_SITE = "on_site"
    ONLINE = "online"


class Mark(StrEnum):
    """What a participant says about another: must meet, meet (a request, optionally with a note), no thanks
    (absolute: the pair is never scheduled)."""

    MUST_MEET = "must_meet"
    MEET = "meet"
    NO_THANKS = "no_thanks"


class RequestStatus(StrEnum):
    """A request (must meet / meet) is pending until answered; ``expired`` is also computed on read from
    ``expires_at``. A "no thanks" mark has the status ``recorded`` and needs no answer."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    RECORDED = "recorded"


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"  # preliminary (in a run's result, not yet shown to participants)
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class InterpreterPair(StrEnum):
    """Language pairs an interpreter covers (sorted codes)."""

    IT_JA = "it-ja"
    EN_IT = "en-it"
    EN_JA = "en-ja"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    STALE = "stale"  # its worker stopped (no news past its time limit): the officer runs it again


class Outcome(StrEnum):
    """Whether a meeting happened; a "did not happen" from anyone wins (recorded as a no-show)."""

    HAPPENED = "happened"
    NO_SHOW = "no_show"


class FeedbackRating(StrEnum):
    NOT_HELD = "not_held"
    INSUFFICIENT_INTEREST = "insufficient_interest"
    INFORMATIVE = "informative"  # informative, no cooperation planned
    COOPERATION_POSSIBLE = "cooperation_possible"


class FollowUpAnswer(StrEnum):
    NO_FURTHER_CONTACT = "no_further_contact"
    VALUABLE_CONTACT = "valuable_contact"
    NEGOTIATION_STARTED = "negotiation_started"
    AGREEMENT_REACHED = "agreement_reached"

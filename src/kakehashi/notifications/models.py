"""Notification tables: one notice per recipient user, and each user's notification preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kakehashi.store.base import Base, UTCDateTime, utcnow

# E-mail state of a notice (the outbox): "none" in-app only (or waiting for a digest), "pending" to be
# e-mailed by the ``notifications.send`` job, "sending" claimed by one sender, "sent", "skipped" (the
# recipient turned e-mail off for this kind, or has no address), "failed" (given up after retries).
EMAIL_NONE = "none"
EMAIL_PENDING = "pending"
EMAIL_SENDING = "sending"
EMAIL_SENT = "sent"
EMAIL_SKIPPED = "skipped"
EMAIL_FAILED = "failed"


class Notice(Base):
    """A notice for one user. The text is not stored: ``message`` is an English gettext id and ``params``
    its typed values (see :mod:`kakehashi.notifications.params`), rendered when read, in the reader's
    language and zone. Read and e-mail state are set-once fields changed by conditional updates."""

    __tablename__ = "notices"
    __table_args__ = (
        # The header's unread count and the list: WHERE user_id = ? AND read_at IS NULL.
        Index("ix_notices_user_id_read_at", "user_id", "read_at"),
        Index("ix_notices_email_state", "email_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    email_state: Mapped[str] = mapped_column(String(8), default=EMAIL_NONE)
    email_attempts: Mapped[int] = mapped_column(default=0)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


DIGEST_DAILY = "daily"
DIGEST_WEEKLY = "weekly"


class NoticePreferences(Base):
    """A user's e-mail choices; no row means the defaults (every family e-mailed, daily digest)."""

    __tablename__ = "notice_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Kind families (the part of a kind before the first dot) the user does not want by e-mail.
    email_off: Mapped[list[str]] = mapped_column(JSON, default=list)
    digest: Mapped[str] = mapped_column(String(8), default=DIGEST_DAILY)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Optimistic concurrency for the account form (it also guards the user's time zone).
    version: Mapped[int] = mapped_column(server_default=text("1"))

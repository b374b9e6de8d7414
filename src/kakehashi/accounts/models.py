"""Accounts tables: agencies, users, API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kakehashi.store.base import Base, TimestampMixin, UTCDateTime


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    locale: Mapped[str | None] = mapped_column(String(2))
    # IANA zone of the user's times (notices, e-mails); None: from the organisation's country (IT → Rome,
    # JP → Tokyo, otherwise UTC), see ``kakehashi.notifications.recipients.user_zone``.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Optimistic concurrency: every UPDATE (role, deactivation, password) says "WHERE version = <the one
    # read>" and bumps it, so two administrators changing one user at once cannot both win.
    version: Mapped[int] = mapped_column(server_default=text("1"))

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class UserSession(Base):
    """A signed-in browser session. The cookie carries a random id; only its SHA-256 is stored here, so a
    copy of this table signs nobody in. A session ends when revoked (sign-out, password change,
    deactivation), after ``idle`` without requests or at ``expires_at`` (the absolute limit)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasswordReset(Base):
    """A one-time password reset link: the token's SHA-256, its expiry, and when it was used."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignInAttempts(Base):
    """Failed sign-ins per key (``account:<e-mail>`` or ``address:<ip>``), shared by every server process.

    Times are seconds since the epoch (floats), so that the atomic upsert of :mod:`throttle` can compare
    them in SQL identically on SQLite and PostgreSQL."""

    __tablename__ = "sign_in_attempts"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[float] = mapped_column(Float)
    blocked_until: Mapped[float] = mapped_column(Float, default=0.0)


class RateLimit(Base):
    """One client's allowance for an expensive request (text search), shared by every server process.

    ``due_at`` is the theoretical arrival time of the generic cell rate algorithm (a token bucket kept as
    one number): a request is granted while ``due_at`` is at most ``burst - 1`` intervals ahead of now.
    ``granted`` says whether the last request was; both are set by one atomic upsert (see
    :mod:`kakehashi.api.limits`)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    due_at: Mapped[float] = mapped_column(Float)
    granted: Mapped[bool] = mapped_column(default=True)

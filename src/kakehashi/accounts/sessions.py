"""Server-side sign-in sessions.

The browser's cookie carries a random session id; the store keeps only its SHA-256 with the user, the
times and a revocation mark. So a copied cookie stops working at sign-out, at a password change, at a
deactivation, after the idle timeout and at the absolute expiry, whatever the cookie itself says.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User, UserSession
from kakehashi.store.base import utcnow

# last_seen_at is written at most this often, so that reading pages does not turn into a write each time.
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class SessionLimits:
    idle_s: int
    absolute_s: int


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(session: Session, user: User, *, limits: SessionLimits, now: datetime | None = None) -> str:
    """A new session for ``user``; returns the random id for the cookie (never stored as is)."""
    now = now or utcnow()
    # The user's ended sessions are of no further use (the audit log keeps the sign-ins and sign-outs).
    session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.revoked_at.is_not(None), UserSession.expires_at <= now),
        )
    )
    session_id = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            id_hash=_hash(session_id),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=limits.absolute_s),
        )
    )
    session.flush()
    return session_id


def user_of_session(
    session: Session, session_id: str, *, limits: SessionLimits, now: datetime | None = None
) -> User | None:
    """The active user of a live session, else None (unknown, revoked, idle too long, expired, or the
    user deactivated). A live session's last-seen time moves on."""
    now = now or utcnow()
    row = session.scalar(select(UserSession).where(UserSession.id_hash == _hash(session_id)))
    if row is None or row.revoked_at is not None:
        return None
    if now >= row.expires_at or now - row.last_seen_at >= timedelta(seconds=limits.idle_s):
        row.revoked_at = now
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
    return user


def end_session(session: Session, session_id: str) -> int | None:
    """Revoke one session (sign-out); returns its user's id, None if it was not live."""
    row = session.scalar(select(UserSession).where(UserSession.id_hash == _hash(session_id)))
    if row is None or row.revoked_at is not None:
        return None
    row.revoked_at = utcnow()
    return row.user_id


def end_all_sessions(session: Session, user_id: int) -> None:
    """Revoke every live session of a user (password change or reset, deactivation)."""
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )

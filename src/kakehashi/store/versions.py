"""Optimistic concurrency in the store: a version checked before a write, and a flush whose conditional
UPDATE (``WHERE id = ? AND version = ?``, SQLAlchemy's ``version_id_col``) found no row turned into
:class:`StaleVersion`, the 409 the edges answer with the record as it is now."""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kakehashi.errors import StaleVersion


def require_version(current: int, expected: int | None) -> None:
    """Refuse a write based on an older read (``expected`` is the client's ETag; None: no check)."""
    if expected is not None and expected != current:
        raise StaleVersion(
            "The record was changed by someone else: it is at version %(current)s, not %(expected)s.",
            params={"current": current, "expected": expected},
        )


def flush_versioned(session: Session) -> None:
    """Flush; a version that moved on between our read and our UPDATE is a stale write (nothing written:
    the caller's unit of work rolls back)."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleVersion(
            "The record was changed by someone else meanwhile; nothing was written. Read it and try again."
        ) from None

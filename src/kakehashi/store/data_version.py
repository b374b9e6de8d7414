"""One store-wide data version: a counter row that every committed write to what pages show moves.

Caches of rendered answers (``kakehashi.web.page_cache``) key on it, so a write shows on the next read
from any server process: each request reads the version by primary key (one short query) and an answer
kept under an older version is never served.

Every write is seen where it happens, at the engine: an INSERT, UPDATE or DELETE on any table but the
bookkeeping ones (sessions, audit, throttles, rate limits, jobs, notices) marks the connection, and the
transaction moves the version just before it commits, in the same transaction (so a crash cannot
commit the data without the version, and the counter's row lock is held only for the commit). ORM
flushes, Core statements and raw SQL go through the same hook.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sqlalchemy import BigInteger, Column, Engine, Integer, Table, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import DDL

from kakehashi.store.base import Base

TABLE: Final = "data_versions"
data_versions = Table(
    TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", BigInteger, nullable=False),
)
# The one row exists from the start (the migration inserts it too).
event.listen(
    data_versions,
    "after_create",
    DDL(f"INSERT INTO {TABLE} (id, value) VALUES (1, 0)"),  # type: ignore[no-untyped-call]
)

# Written often and never shown to a visitor: writes to these leave the version alone.
UNTRACKED: Final = frozenset(
    {
        TABLE,
        "user_sessions",
        "audit_events",
        "sign_in_attempts",
        "rate_limits",
        "job_runs",
        "notices",
        "notice_preferences",
        "password_resets",
        "api_tokens",
        "alembic_version",
    }
)
_WRITE = re.compile(r'^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+"?(\w+)', re.IGNORECASE)
_MARK: Final = "kakehashi.data_written"
_BUMP: Final = f"UPDATE {TABLE} SET value = value + 1 WHERE id = 1"
_READ = text(f"SELECT value FROM {TABLE} WHERE id = 1")


def written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes (lower case), or None for anything else."""
    found = _WRITE.match(statement)
    return found.group(1).lower() if found else None


def tracks(statement: str) -> bool:
    table = written_table(statement)
    return table is not None and table not in UNTRACKED and not table.startswith("procrastinate")


def install_write_tracking(engine: Engine) -> None:
    """Move the data version with every transaction that wrote to a tracked table (idempotent)."""
    if getattr(engine, "_kakehashi_tracks_writes", False):
        return
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "commit", _before_commit)
    event.listen(engine, "rollback", _after_rollback)
    engine._kakehashi_tracks_writes = True  # type: ignore[attr-defined]


def _before_execute(
    connection: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
) -> None:
    if not connection.info.get(_MARK) and tracks(statement):
        connection.info[_MARK] = True


def _before_commit(connection: Any) -> None:
    if not connection.info.pop(_MARK, False):
        return
    # On the DBAPI connection, inside the transaction about to commit (no engine events, no recursion).
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(_BUMP)
    finally:
        cursor.close()


def _after_rollback(connection: Any) -> None:
    connection.info.pop(_MARK, None)


def read_data_version(engine: Engine) -> int | None:
    """The current version; None when the store has no version row or cannot be read (a store not yet
    migrated, a lost connection): then nothing may be kept, and the request itself meets the problem."""
    try:
        with engine.connect() as connection:
            value = connection.execute(_READ).scalar()
    except DBAPIError:
        return None
    return None if value is None else int(value)

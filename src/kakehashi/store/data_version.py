"""The store's data version: counter rows that every committed write to shown data moves, per group.

Caches key on it, so a write shows on the next read from any server process: the answers kept for
visitors (``kakehashi.web.page_cache``, keyed on every group) and the cooperation figures
(``kakehashi.analytics``, each table keyed on the groups it reads). A reader reads the rows by primary key
(one short query), and what was kept under an older version is never handed out.

Two groups: :data:`MATCHING`, what the indexing writes all the time (vectors, stored matches, the index
generation) and the verdicts on matches, and :data:`DATA`, every other table shown. So the figures that do
not read matches are not computed again each time the indexer stores a batch.

Every write is seen where it happens, at the engine: an INSERT, UPDATE or DELETE on any table but the
bookkeeping ones (sessions, audit, throttles, rate limits, jobs, notices) marks the connection with its
group, and the transaction moves those groups' counters just before it commits, in the same transaction
(so a crash cannot commit the data without the version, and a counter's row lock is held only for the
commit). ORM flushes, Core statements and raw SQL go through the same hook.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import BigInteger, Column, Connection, Engine, Integer, Table, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.schema import DDL

from kakehashi.store.base import Base

TABLE: Final = "data_versions"
data_versions = Table(
    TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", BigInteger, nullable=False),
)
DATA: Final = 1
MATCHING: Final = 2
ALL_GROUPS: Final = (DATA, MATCHING)
# The rows exist from the start (the migration inserts them too).
event.listen(
    data_versions,
    "after_create",
    DDL(f"INSERT INTO {TABLE} (id, value) VALUES ({DATA}, 0), ({MATCHING}, 0)"),  # type: ignore[no-untyped-call]
)
# What indexing writes (and the verdicts on its matches); every other tracked table is DATA.
MATCHING_TABLES: Final = frozenset(
    {"opportunity_vectors", "opportunity_matches", "matching_generations", "match_feedback"}
)
VECTOR_INDEX_PREFIX: Final = "pgvector_"  # pgvector's tables per model (kakehashi.matching.pgvector)

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
_MARK: Final = "kakehashi.data_written"  # connection.info: the groups written in this transaction
_READ = text(f"SELECT id, value FROM {TABLE} ORDER BY id")


def written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes (lower case), or None for anything else."""
    found = _WRITE.match(statement)
    return found.group(1).lower() if found else None


def group_written(statement: str) -> int | None:
    """The group whose version a statement moves (None: it writes nothing shown)."""
    table = written_table(statement)
    if table is None or table in UNTRACKED or table.startswith("procrastinate"):
        return None
    return MATCHING if table in MATCHING_TABLES or table.startswith(VECTOR_INDEX_PREFIX) else DATA


def tracks(statement: str) -> bool:
    return group_written(statement) is not None


def install_write_tracking(engine: Engine) -> None:
    """Move the data version with every transaction that wrote to a tracked table (idempotent)."""
    if getattr(engine, "_kakehashi_tracks_writes", False):
        return
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "commit", _before_commit)
    event.listen(engine, "rollback", _after_rollback)
    engine._kakehashi_tracks_writes = True  # type: ignore[attr-defined]


@contextmanager
def tracking_paused(engine: Engine) -> Iterator[None]:
    """No version moves while the migrations run: an upgrade to an earlier revision has no version table
    yet, and a migrated store is served by processes that start afterwards, with nothing kept."""
    installed = getattr(engine, "_kakehashi_tracks_writes", False)
    if installed:
        event.remove(engine, "before_cursor_execute", _before_execute)
        event.remove(engine, "commit", _before_commit)
        event.remove(engine, "rollback", _after_rollback)
        engine._kakehashi_tracks_writes = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if installed:
            install_write_tracking(engine)


def _before_execute(
    connection: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
) -> None:
    group = group_written(statement)
    if group is not None:
        connection.info.setdefault(_MARK, set()).add(group)


def _before_commit(connection: Any) -> None:
    groups = connection.info.pop(_MARK, None)
    if not groups:
        return
    # On the DBAPI connection, inside the transaction about to commit (no engine events, no recursion).
    listed = ", ".join(str(int(group)) for group in sorted(groups))  # in id order: no lock-order deadlock
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f"UPDATE {TABLE} SET value = value + 1 WHERE id IN ({listed})")
    finally:
        cursor.close()


def _after_rollback(connection: Any) -> None:
    connection.info.pop(_MARK, None)


def read_data_version(engine: Engine) -> int | None:
    """One value for every group: the sum of their counters, which only grows, and grows with every
    committed write to any of them. None when the store cannot tell (see :func:`read_group_versions`)."""
    versions = read_group_versions(engine)
    return None if versions is None else sum(versions.values())


def read_group_versions(engine: Engine) -> dict[int, int] | None:
    """Each group's counter, read in one query. None when the store has no version rows or cannot be
    read (a store not yet migrated, a lost connection): then nothing may be kept, and the request itself
    meets the problem."""
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                # One round trip instead of three (BEGIN, the read, the pool's ROLLBACK on return): a
                # single-statement read needs no transaction of its own.
                connection.execution_options(isolation_level="AUTOCOMMIT")
            versions = read_versions(connection)
    except DBAPIError:
        return None
    if set(versions) != set(ALL_GROUPS):
        return None
    return versions


def read_versions(connection: Connection | Session) -> dict[int, int]:
    """Each group's counter, in the caller's transaction (one query)."""
    return {int(row[0]): int(row[1]) for row in connection.execute(_READ)}

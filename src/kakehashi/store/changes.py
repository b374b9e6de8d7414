"""A cheap "data version" of the tables the cooperation figures are computed from.

Every transaction that writes to one of :data:`WATCHED` (through SQLAlchemy: ORM flushes, Core
``insert``/``update``/``delete``, bulk inserts) also inserts one row into ``store_changes``, in the same
transaction (so a rolled-back write leaves no trace, and a write of another process counts as soon as it is
committed). The row says which groups of tables were written (:data:`GROUPS`: the stored matches, which
the indexing thread writes all the time, are a group of their own, so that they change only the figures
that read them). :func:`data_versions` reads ``(count, sum of ids)`` of that small table per group in one
query: it changes with every committed write to the group, whatever the order in which concurrent
transactions commit (ids are not handed out in commit order, so the largest id alone would not do; a
commit adds one row and may prune older ones: with none pruned the count changes, with one the sum, with
more the count). Old rows are pruned now and then by a writer.

Figures kept with the version they were computed at are never stale: a reader compares the version first.
Writes made with raw SQL text (``exec_driver_sql``) are not seen: the code never writes those tables so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import (
    Connection,
    Delete,
    Engine,
    Insert,
    Update,
    case,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from kakehashi.store.base import Base

# The tables the figures read (kakehashi.analytics); a write to any other table changes no figure.
WATCHED: Final = frozenset(
    {
        "agencies",
        "users",
        "organisations",
        "organisation_sectors",
        "opportunities",
        "opportunity_sectors",
        "opportunity_matches",
        "match_feedback",
        "interests",
        "introductions",
        "agreements",
        "audit_events",
        "events",
        "event_organisers",
        "event_sessions",
        "event_registrations",
        "event_requests",
        "event_meetings",
        "event_feedback",
        "event_followups",
    }
)
# Of the audit trail, the figures read only introductions' stage moves (sign-ins etc. change nothing).
AUDIT_KINDS_READ: Final = frozenset({"introduction_stage"})
# Groups of watched tables, as bits of ``store_changes.tables``: every watched table not named is MAIN.
# The stored matches and the verdicts on them are read by the matches table only.
MAIN: Final = 1
MATCHES: Final = 2
GROUPS: Final = {"opportunity_matches": MATCHES, "match_feedback": MATCHES}
ALL_GROUPS: Final = (MAIN, MATCHES)
PRUNE_EVERY: Final = 256  # a writer whose row id is a multiple of this deletes the older rows
_MARK: Final = "kakehashi_store_change"  # connection.info: (transaction, row id, groups recorded)


class StoreChange(Base):
    """One committed transaction that wrote to a watched table (see the module's docstring)."""

    __tablename__ = "store_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    tables: Mapped[int] = mapped_column(default=MAIN)  # the groups written (bits of GROUPS)


def data_versions(session: Session | Connection) -> dict[int, tuple[int, int]]:
    """Per group, a value that changes with every committed write to its tables (one small query)."""
    columns = []
    for group in ALL_GROUPS:
        written = StoreChange.tables.op("&")(group) != 0
        columns += [
            func.count(case((written, 1))),
            func.coalesce(func.sum(case((written, StoreChange.id))), 0),
        ]
    row = session.execute(select(*columns)).one()
    return {group: (int(row[2 * n]), int(row[2 * n + 1])) for n, group in enumerate(ALL_GROUPS)}


def data_version(session: Session | Connection) -> tuple[int, ...]:
    """One value that changes with every committed write to any watched table."""
    versions = data_versions(session)
    return tuple(n for group in ALL_GROUPS for n in versions[group])


def watch(engine: Engine) -> None:
    """Record writes to the watched tables made through ``engine`` (once per engine)."""
    if not event.contains(engine, "after_execute", _after_execute):
        event.listen(engine, "after_execute", _after_execute)


@contextmanager
def paused(engine: Engine) -> Iterator[None]:
    """No recording while the migrations run: ``store_changes`` may not exist yet, and a data migration
    is followed by a restart (which forgets every kept figure)."""
    watching = event.contains(engine, "after_execute", _after_execute)
    if watching:
        event.remove(engine, "after_execute", _after_execute)
    try:
        yield
    finally:
        if watching:
            watch(engine)


def _after_execute(
    connection: Connection,
    statement: Any,
    multiparams: Any,
    params: Any,
    _options: Any,
    _result: Any,
) -> None:
    if not isinstance(statement, Insert | Update | Delete):
        return
    name = getattr(statement.table, "name", None)
    if name not in WATCHED or not _changes_figures(name, statement, multiparams, params):
        return
    # The innermost transaction: a savepoint rolled back takes its change row with it, so a later write of
    # the enclosing transaction records again (an extra row after a released savepoint is harmless).
    transaction = connection.get_nested_transaction() or connection.get_transaction()
    if transaction is None:
        return
    group = GROUPS.get(name, MAIN)
    mark = connection.info.get(_MARK)
    if mark is not None and mark[0] is transaction:  # already recorded in this transaction
        if not mark[2] & group:
            connection.execute(
                update(StoreChange).where(StoreChange.id == mark[1]).values(tables=mark[2] | group)
            )
            connection.info[_MARK] = (transaction, mark[1], mark[2] | group)
        return
    result = connection.execute(insert(StoreChange).values(tables=group))
    inserted = result.inserted_primary_key
    new_id = int(inserted[0]) if inserted is not None else 0
    connection.info[_MARK] = (transaction, new_id, group)
    if new_id and new_id % PRUNE_EVERY == 0:
        connection.execute(delete(StoreChange).where(StoreChange.id < new_id))


def _changes_figures(name: str, statement: Any, multiparams: Any, params: Any) -> bool:
    """Appends to the audit trail count only for the kinds the figures read; anything unclear counts."""
    if name != "audit_events" or not isinstance(statement, Insert):
        return True
    rows: list[Any] = []
    for item in (multiparams, params):
        if isinstance(item, dict):
            rows.append(item)
        elif isinstance(item, list | tuple):
            rows.extend(item)
    kinds = [row.get("kind") for row in rows if isinstance(row, dict)]
    if not kinds:
        return True
    return any(kind is None or kind in AUDIT_KINDS_READ for kind in kinds)

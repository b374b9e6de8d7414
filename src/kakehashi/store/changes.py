"""A cheap "data version" of the tables the cooperation figures are computed from.

Every transaction that writes to one of :data:`WATCHED` (through SQLAlchemy: ORM flushes, Core
``insert``/``update``/``delete``, bulk inserts) also inserts one row into ``store_changes``, in the same
transaction (so a rolled-back write leaves no trace, and a write of another process counts as soon as it is
committed). :func:`data_version` reads ``(count, sum of ids)`` of that small table in one query: it changes
with every committed write, whatever the order in which concurrent transactions commit (ids are not handed
out in commit order, so the largest id alone would not do). Old rows are pruned now and then by a writer.

Figures kept with the version they were computed at are never stale: a reader compares the version first.
Writes made with raw SQL text (``exec_driver_sql``) are not seen: the code never writes those tables so.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Connection, Delete, Engine, Insert, Update, delete, event, func, insert, select
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
PRUNE_EVERY: Final = 256  # a writer whose row id is a multiple of this deletes the older rows
_MARK: Final = "kakehashi_store_change"


class StoreChange(Base):
    """One committed transaction that wrote to a watched table (see the module's docstring)."""

    __tablename__ = "store_changes"

    id: Mapped[int] = mapped_column(primary_key=True)


def data_version(session: Session | Connection) -> tuple[int, int]:
    """A value that changes with every committed write to the watched tables (one small query)."""
    row = session.execute(select(func.count(), func.coalesce(func.sum(StoreChange.id), 0))).one()
    return int(row[0]), int(row[1])


def watch(engine: Engine) -> None:
    """Record writes to the watched tables made through ``engine`` (once per engine)."""
    if not event.contains(engine, "after_execute", _after_execute):
        event.listen(engine, "after_execute", _after_execute)


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
    if transaction is None or connection.info.get(_MARK) is transaction:
        return  # already recorded in this transaction
    connection.info[_MARK] = transaction
    result = connection.execute(insert(StoreChange))
    inserted = result.inserted_primary_key
    new_id = int(inserted[0]) if inserted is not None else 0
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

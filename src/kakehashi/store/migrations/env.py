"""Alembic environment: runs against the engine handed over by :class:`kakehashi.store.Database`."""

from __future__ import annotations

from alembic import context

from kakehashi.store.base import Base
from kakehashi.store.database import import_all_models

import_all_models()
config = context.config

# Tables the app creates at run time, outside the models (one per embedding model for pgvector, see
# kakehashi.matching.pgvector): autogenerate must not propose dropping them.
# The job queue's tables (procrastinate's own schema, created by migration 0007 on PostgreSQL) are not
# models either.
OUTSIDE_MODELS_PREFIXES = ("pgvector_", "procrastinate_")


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(OUTSIDE_MODELS_PREFIXES))


engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    context.run_migrations()

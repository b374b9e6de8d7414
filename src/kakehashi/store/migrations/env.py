"""Alembic environment: runs against the engine handed over by :class:`kakehashi.store.Database`."""

from __future__ import annotations

from alembic import context

from kakehashi.store.base import Base
from kakehashi.store.database import import_all_models

import_all_models()
config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()

"""The Alembic migrations build exactly the schema that the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kakehashi.store import Base, Database
from kakehashi.store.database import import_all_models

# The job queue's own tables (procrastinate, PostgreSQL only) are not models.
OUTSIDE_MODELS = ("procrastinate_",)


def _modelled(name: str | None, type_: str, _parents: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(OUTSIDE_MODELS))


def test_upgrade_reaches_head_and_matches_the_models(empty_database: Database) -> None:
    empty_database.upgrade()
    import_all_models()
    with empty_database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _modelled}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert empty_database.current_revision() is not None


def test_upgrade_twice_is_harmless(empty_database: Database) -> None:
    empty_database.upgrade()
    revision = empty_database.current_revision()
    empty_database.upgrade()
    assert empty_database.current_revision() == revision

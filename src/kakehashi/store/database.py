"""One object that owns the engine: sessions for the services, schema creation and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kakehashi.store.base import Base
from kakehashi.store.data_version import install_write_tracking, tracking_paused

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Database:
    """The store behind a URL: SQLite (embedded default) or PostgreSQL, the same code for both."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = 5,
        pool_overflow: int = 10,
        pool_timeout_s: float = 10.0,
    ) -> None:
        """On PostgreSQL a process holds at most ``pool_size + pool_overflow`` connections; a session that
        finds them all in use waits at most ``pool_timeout_s`` for one, then fails (never waits forever)."""
        self.url = url
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # SQLite has one writer at a time: a writer waits up to SQLITE_BUSY_TIMEOUT_S for the lock (the
        # driver's default of 5 s failed writes with "database is locked" in the loaded 50-client soak).
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S} if url.startswith("sqlite") else {}
        pool: dict[str, Any] = {}
        if not url.startswith("sqlite"):
            pool = {"pool_size": pool_size, "max_overflow": pool_overflow, "pool_timeout": pool_timeout_s}
        self.engine: Engine = create_engine(url, echo=echo, future=True, connect_args=connect_args, **pool)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _enable_sqlite_foreign_keys)
        install_write_tracking(self.engine)  # the data version that kept answers and figures key on
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed if the block succeeds, rolled back (nothing written) if it raises."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` with Alembic (creates the database on first run)."""
        from alembic import command

        with tracking_paused(self.engine):  # the version table may not be there yet
            command.upgrade(self._alembic_config(), revision)

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revisions(self) -> tuple[str, ...]:
        """The revisions at the head of the migrations shipped with this code."""
        from alembic.script import ScriptDirectory

        return tuple(ScriptDirectory.from_config(self._alembic_config()).get_heads())

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["engine"] = self.engine
        return config

    def create_all(self) -> None:
        """Create every table straight from the models (tests); production uses :meth:`upgrade`."""
        import_all_models()
        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def import_all_models() -> None:
    """Import every feature's models so that ``Base.metadata`` knows all tables."""
    import kakehashi.accounts.models
    import kakehashi.audit.models
    import kakehashi.events.agenda_models
    import kakehashi.events.models
    import kakehashi.jobs.models
    import kakehashi.matching.tables
    import kakehashi.notifications.models
    import kakehashi.pipeline.models
    import kakehashi.profiles.models  # noqa: F401

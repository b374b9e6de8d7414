"""Shared fixtures: a fresh database per test, on SQLite always and on PostgreSQL when configured.

Set ``KAKEHASHI_TEST_DATABASE_URL`` (for example ``postgresql+psycopg://kakehashi:kakehashi@127.0.0.1/kakehashi_test``)
and every test that uses ``database`` runs a second time against that real server.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from kakehashi.accounts import passwords
from kakehashi.config import Settings
from kakehashi.store import Base, Database
from tests.mailbox import Mailbox, running_mailbox

PG_URL = os.environ.get("KAKEHASHI_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def _reset_schema(database: Database) -> None:
    """Drop everything in the test database (whatever an earlier run or branch left behind)."""
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id still, with its smallest cost: the default (~0.25 s a hash here) would dominate the suite."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture(autouse=True)
def _no_job_outlives_its_test() -> Iterator[None]:
    """A job a test's requests started in a thread of the app (the in-process runner) ends with the test:
    left running, it would write into the next test's store (or deadlock with its TRUNCATE)."""
    yield
    for thread in threading.enumerate():
        if thread.name.startswith("kakehashi-job-"):
            thread.join(timeout=120)
            assert not thread.is_alive(), f"{thread.name} still runs two minutes after its test"


@pytest.fixture(autouse=True)
def _no_figures_outlive_their_test() -> Iterator[None]:
    """A store emptied for the next test starts its data version again: figures kept by this process
    for the last one must not be taken for its."""
    yield
    from kakehashi.analytics.service import forget_figures

    forget_figures()


@pytest.fixture(scope="session")
def _postgres() -> Iterator[Database]:
    database = Database(PG_URL)
    _reset_schema(database)
    database.create_all()
    yield database
    database.dispose()


def _truncate_all(database: Database) -> None:
    # The data version's one row stays (it only moves up; nothing may be kept without it).
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "data_versions")
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty store with every table, private to this test."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
        db.create_all()
        yield db
        db.dispose()
    else:
        db = request.getfixturevalue("_postgres")
        _truncate_all(db)
        yield db


@pytest.fixture
def settings(database: Database, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", database_url=database.url, secret_key="test-secret-key", embedder="fake"
    )


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A store with no tables at all, for what must create its own schema (migrations, the CLI)."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
        yield db
        db.dispose()
        return
    db = request.getfixturevalue("_postgres")
    _reset_schema(db)
    yield db
    _reset_schema(db)
    db.create_all()


@pytest.fixture
def cli_env(empty_database: Database, tmp_path: Path) -> dict[str, str]:
    """Environment for CLI runs: its own data folder and an empty store."""
    return {
        "KAKEHASHI_DATA_DIR": str(tmp_path / "data"),
        "KAKEHASHI_DATABASE_URL": empty_database.url,
        "KAKEHASHI_SECRET_KEY": "test-secret-key",
        "KAKEHASHI_EMBEDDER": "fake",
    }


@pytest.fixture(scope="session")
def embedded_demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a SQLite store with the demo loaded and embedded by the real default model (slow: for
    the few tests of what only the real model can show, such as a Japanese query finding Italian text)."""
    from kakehashi.demo.loader import load_demo
    from kakehashi.matching.embed import DEFAULT_EMBEDDER, get_embedder
    from kakehashi.matching.vectors import sync_vectors

    folder = tmp_path_factory.mktemp("embedded-demo")
    settings = Settings(data_dir=folder / "data", secret_key="real-model-tests", embedder=DEFAULT_EMBEDDER)
    database = Database(settings.resolved_database_url())
    load_demo(database)
    sync_vectors(database, get_embedder(DEFAULT_EMBEDDER))
    database.dispose()
    return settings


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 whose received messages the test reads."""
    yield from running_mailbox()

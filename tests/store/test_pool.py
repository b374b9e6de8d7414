"""PostgreSQL connection pools: bounded per process, and a request never waits forever for a connection."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from kakehashi.config import Settings
from kakehashi.store import Database


def test_pool_options_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAKEHASHI_DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("KAKEHASHI_DATABASE_POOL_OVERFLOW", "1")
    monkeypatch.setenv("KAKEHASHI_DATABASE_POOL_TIMEOUT_S", "2.5")
    assert Settings().database_pool() == {"pool_size": 3, "pool_overflow": 1, "pool_timeout_s": 2.5}


def test_a_full_pool_fails_a_session_after_the_timeout(empty_database: Database) -> None:
    if empty_database.is_sqlite:
        pytest.skip("the pool limits are PostgreSQL's")
    database = Database(empty_database.url, pool_size=1, pool_overflow=0, pool_timeout_s=0.2)
    try:
        with database.engine.connect() as held:
            held.execute(text("SELECT 1"))
            with pytest.raises(exc.TimeoutError), database.engine.connect():
                pass  # pragma: no cover - the pool has no second connection
        with database.engine.connect() as again:  # given back: usable again
            assert again.execute(text("SELECT 1")).scalar() == 1
    finally:
        database.dispose()

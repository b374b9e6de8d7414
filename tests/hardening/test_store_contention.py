"""What the 30-minute SQLite soak found: every API request wrote its token's last_used_at, so 50 reading
clients queued for SQLite's one writer until requests failed with "database is locked". A token is now
touched at most once a minute, and SQLite writers wait longer for the lock."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kakehashi.accounts.models import ApiToken
from kakehashi.accounts.service import TOKEN_TOUCH_EVERY
from kakehashi.store import Database
from kakehashi.store.base import utcnow
from kakehashi.store.database import SQLITE_BUSY_TIMEOUT_S
from tests.api.conftest import API, World


def _last_used(database: Database) -> dict[int, object]:
    with database.session() as session:
        return {
            row.id: row.last_used_at for row in session.execute(select(ApiToken.id, ApiToken.last_used_at))
        }


def test_reads_with_a_token_write_its_last_use_at_most_once_a_minute(
    client: TestClient, world: World, database: Database
) -> None:
    assert client.get(f"{API}/me", headers=world.auth("officer")).status_code == 200
    first = _last_used(database)
    for _ in range(5):
        assert client.get(f"{API}/opportunities", headers=world.auth("officer")).status_code == 200
    assert _last_used(database) == first  # no write for the next reads
    with database.session() as session:
        session.execute(
            update(ApiToken).values(last_used_at=utcnow() - TOKEN_TOUCH_EVERY - timedelta(seconds=1))
        )
    stale = _last_used(database)
    assert client.get(f"{API}/me", headers=world.auth("officer")).status_code == 200
    touched = _last_used(database)
    assert sum(touched[key] != stale[key] for key in touched) == 1  # this token only, once due again


def test_sqlite_writers_wait_for_the_lock_longer_than_the_drivers_default(database: Database) -> None:
    if not database.is_sqlite:
        return
    with database.engine.connect() as connection:
        timeout_ms = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    assert timeout_ms == int(SQLITE_BUSY_TIMEOUT_S * 1000) > 5000

"""What every command shares: the settings, the store, and error-free console output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from kakehashi.config import Settings, load_settings
from kakehashi.store import Database

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def settings() -> Settings:
    return load_settings()


@contextmanager
def open_database(config: Settings) -> Iterator[Database]:
    """The store named by the settings (the SQLite file in the data folder by default), closed after use."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(config.resolved_database_url(), **config.database_pool())
    try:
        yield database
    finally:
        database.dispose()

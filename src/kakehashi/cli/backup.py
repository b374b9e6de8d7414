"""``kakehashi backup`` / ``kakehashi restore``: a consistent copy of the whole store, and back."""

from __future__ import annotations

from pathlib import Path

import typer

from kakehashi.cli.common import console, err_console, open_database, settings
from kakehashi.store.backup import backup, restore

PathArgument = typer.Argument(..., dir_okay=False, help="The backup file.")


def backup_command(path: Path = PathArgument) -> None:
    """Write a backup of the store to PATH (SQLite online backup; pg_dump -Fc for PostgreSQL)."""
    with open_database(settings()) as database, err_console.status(f"Backing up to {path}…"):
        count = backup(database, path)
    console.print(f"Backup written to {path}: {count.tables} tables, {count.rows} records.")


def restore_command(
    path: Path = PathArgument,
    force: bool = typer.Option(False, "--force", help="Replace a store that already holds records."),
) -> None:
    """Restore the store from the backup at PATH (into an empty store unless --force)."""
    with open_database(settings()) as database, err_console.status(f"Restoring from {path}…"):
        count = restore(database, path, force=force)
    console.print(f"Restored from {path}: {count.tables} tables, {count.rows} records.")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)

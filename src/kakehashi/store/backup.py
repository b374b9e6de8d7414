"""Backup and restore of the whole store.

SQLite: the online backup API of ``sqlite3`` (a consistent copy while the server runs). PostgreSQL:
``pg_dump -Fc`` and ``pg_restore`` from the PostgreSQL client tools, whose major version must be at least
the server's. A restore goes into an empty store; into one that holds records only when forced.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from kakehashi.errors import Conflict, FieldProblem, KakehashiError, ValidationFailed
from kakehashi.store.base import Base
from kakehashi.store.database import Database, import_all_models

_MAJOR = re.compile(r"(\d+)(?:\.\d+)?")


class ToolMissing(KakehashiError):
    """An external program the command needs (pg_dump, pg_restore) is not installed or too old."""

    code = "tool_missing"
    http_status = 500


@dataclass(frozen=True, slots=True)
class StoreCount:
    tables: int
    rows: int


def count_records(database: Database) -> StoreCount:
    """How many of the application's tables exist in the store, and how many rows they hold together."""
    import_all_models()
    present = set(inspect(database.engine).get_table_names())
    tables = [table for table in Base.metadata.sorted_tables if table.name in present]
    with database.engine.connect() as connection:
        rows = sum(
            connection.execute(select(text("count(*)")).select_from(table)).scalar_one() for table in tables
        )
    return StoreCount(tables=len(tables), rows=rows)


def backup(database: Database, path: Path) -> StoreCount:
    """Write a consistent copy of the store to ``path`` (overwritten); returns what it holds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if database.is_sqlite:
        _sqlite_backup(database, path)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"], database)
    return count_records(database)


def restore(database: Database, path: Path, *, force: bool = False) -> StoreCount:
    """Replace the store with the backup at ``path``; refuses a store that holds records unless forced."""
    if not path.is_file():
        raise ValidationFailed(
            "There is no backup file at %(path)s.",
            params={"path": str(path)},
            problems=[FieldProblem("path", "not found")],
        )
    before = count_records(database)
    if before.rows and not force:
        raise Conflict(
            "The store is not empty (%(rows)s records); restore into an empty store, or pass --force "
            "to replace everything in it.",
            params={"rows": before.rows},
        )
    if database.is_sqlite:
        _sqlite_restore(database, path)
    else:
        database_name = make_url(database.url).database or ""
        command = ["pg_restore", f"--dbname={database_name}", "--no-owner", "--no-privileges"]
        command += ["--exit-on-error", "--single-transaction"]
        if before.tables:
            command += ["--clean", "--if-exists"]
        _run([*command, str(path)], database)
    database.engine.dispose()  # pooled connections may have cached the schema that was replaced
    return count_records(database)


def _sqlite_backup(database: Database, path: Path) -> None:
    source = database.engine.raw_connection()
    try:
        target = sqlite3.connect(path)
        try:
            source.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
    finally:
        source.close()


def _sqlite_restore(database: Database, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchone() is None:
            tables = source.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
            if not tables or not tables[0]:
                raise ValidationFailed(
                    "%(path)s is not a Kakehashi backup.",
                    params={"path": str(path)},
                    problems=[FieldProblem("path", "no tables in it")],
                )
        database.engine.dispose()
        target = database.engine.raw_connection()
        try:
            source.backup(target.driver_connection)  # type: ignore[arg-type]
        finally:
            target.close()
    except sqlite3.DatabaseError as error:
        raise ValidationFailed(
            "%(path)s is not a SQLite backup: %(reason)s",
            params={"path": str(path), "reason": str(error)},
            problems=[FieldProblem("path", "not a SQLite database")],
        ) from None
    finally:
        source.close()


def _run(command: list[str], database: Database) -> None:
    """Run a PostgreSQL client tool against the store; the password goes in the environment, not argv."""
    tool = command[0]
    if shutil.which(tool) is None:
        raise ToolMissing(
            "%(tool)s is not installed: install the PostgreSQL client tools of the server's version "
            "(Debian: apt-get install postgresql-client).",
            params={"tool": tool},
        )
    _require_tool_version(tool, database)
    url = make_url(database.url)
    env = {
        **os.environ,
        "PGHOST": url.host or "localhost",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "",
        "PGPASSWORD": url.password or "",
        "PGDATABASE": url.database or "",
    }
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise KakehashiError(
            "%(tool)s failed: %(reason)s", params={"tool": tool, "reason": done.stderr.strip()[-2000:]}
        )


def _require_tool_version(tool: str, database: Database) -> None:
    """pg_dump and pg_restore read and write only servers and archives up to their own major version."""
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout
    found = _MAJOR.search(output.rsplit(")", 1)[-1]) or _MAJOR.search(output)
    with database.engine.connect() as connection:
        server = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    if found is None or int(found.group(1)) < server:
        raise ToolMissing(
            "%(tool)s is version %(found)s but the server is PostgreSQL %(server)s: install the client "
            "tools of version %(server)s or newer.",
            params={"tool": tool, "found": found.group(1) if found else "unknown", "server": server},
        )

"""Backup and restore: every record comes back in an empty store; a non-empty store is refused unless
forced. On SQLite through the online backup API; on PostgreSQL through pg_dump and pg_restore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from kakehashi.accounts.roles import Role
from kakehashi.cli import app
from kakehashi.errors import Conflict
from kakehashi.store import Base, Database
from kakehashi.store.backup import backup, count_records, restore
from kakehashi.store.database import import_all_models
from tests.factories import make_opportunity, make_organisation, make_user

runner = CliRunner()


def _fill(database: Database) -> None:
    with database.session() as session:
        org = make_organisation(session, name="Silicio Etneo S.r.l.", name_ja="シリチオ・エトネオ")
        other = make_organisation(
            session, country="JP", description_language="ja", description="量子技術の会社。"
        )
        make_user(session, organisation=org)
        make_user(session, role=Role.OFFICER, agency="JETRO")
        make_opportunity(
            session,
            org,
            translations={
                "ja": {"title": "炭化ケイ素ウェハ", "description": "パワー半導体向けのウェハを提供します。"}
            },
        )
        make_opportunity(session, other, status="draft", language="ja", title="量子アニーリング装置")


def _everything(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order, as plain values."""
    import_all_models()
    with database.engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(str(value) for value in row) for row in connection.execute(select(table))), key=str
            )
            for table in Base.metadata.sorted_tables
        }


def _wipe(database: Database) -> None:
    """An empty store: no table at all (as a new server or a new file would be)."""
    database.engine.dispose()
    if database.is_sqlite:
        Path(database.url.removeprefix("sqlite:///")).unlink()
        for suffix in ("-wal", "-shm"):
            Path(database.url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def test_a_restore_into_an_empty_store_finds_every_record(database: Database, tmp_path: Path) -> None:
    _fill(database)
    before = _everything(database)
    assert sum(len(rows) for rows in before.values()) > 10
    backup(database, tmp_path / "kakehashi.backup")
    _wipe(database)
    assert count_records(database).tables == 0
    restored = restore(database, tmp_path / "kakehashi.backup")
    assert _everything(database) == before
    assert restored.rows == sum(len(rows) for rows in before.values())


def test_a_store_with_records_is_refused_unless_forced(database: Database, tmp_path: Path) -> None:
    _fill(database)
    backup(database, tmp_path / "kakehashi.backup")
    before = _everything(database)
    with database.session() as session:
        make_organisation(session, name="Dopo il backup S.p.A.")
    with pytest.raises(Conflict, match="not empty"):
        restore(database, tmp_path / "kakehashi.backup")
    restore(database, tmp_path / "kakehashi.backup", force=True)
    assert _everything(database) == before


def test_backup_and_restore_on_the_command_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"], env=cli_env).exit_code == 0
    database = Database(cli_env["KAKEHASHI_DATABASE_URL"])
    _fill(database)
    before = _everything(database)
    target = tmp_path / "backups" / "kakehashi.backup"
    made = runner.invoke(app, ["backup", str(target)], env=cli_env)
    assert made.exit_code == 0, made.output
    assert "Backup written" in made.output
    refused = runner.invoke(app, ["restore", str(target)], env=cli_env)
    assert refused.exit_code != 0
    assert "not empty" in str(refused.exception)
    forced = runner.invoke(app, ["restore", "--force", str(target)], env=cli_env)
    assert forced.exit_code == 0, forced.output
    assert _everything(database) == before
    database.dispose()

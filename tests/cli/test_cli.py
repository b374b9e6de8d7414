"""The command line, through Typer's runner: imports, users, migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from typer.testing import CliRunner

from kakehashi.cli import app, main
from kakehashi.profiles.models import Organisation
from kakehashi.store import Database
from kakehashi.store.database import MIGRATIONS_DIR

runner = CliRunner()
COMPANIES = Path(__file__).parents[2] / "src/kakehashi/demo/data/companies-wikipedia/companies_it_jp.csv"


def test_db_upgrade_then_current(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["db", "upgrade"], env=cli_env)
    assert result.exit_code == 0, result.output
    current = runner.invoke(app, ["db", "current"], env=cli_env)
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    assert current.output.strip() == head


def test_import_companies_twice_does_not_duplicate(cli_env: dict[str, str]) -> None:
    first = runner.invoke(app, ["import", "companies", str(COMPANIES)], env=cli_env)
    second = runner.invoke(app, ["import", "companies", str(COMPANIES)], env=cli_env)
    assert first.exit_code == 0, first.output
    assert "140 created, 0 updated" in first.output
    assert "0 created, 140 updated" in second.output
    database = Database(cli_env["KAKEHASHI_DATABASE_URL"])
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 140
    database.dispose()


def test_bad_csv_is_rejected_with_line_and_field(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(
        "external_id,name,country,kind,sectors,description_language\n"
        "a,Alfa,IT,company,energy,it\n"
        "b,Beta,FR,company,energy,it\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "organisations", str(path)], env=cli_env)
    assert result.exit_code != 0
    assert "line 3, country" in str(result.exception) + result.output
    database = Database(cli_env["KAKEHASHI_DATABASE_URL"])
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 0
    database.dispose()


def test_users_create_validates_and_creates(cli_env: dict[str, str]) -> None:
    base = [
        "users",
        "create",
        "--name",
        "Officer",
        "--role",
        "officer",
        "--agency",
        "ICE",
        "--password-stdin",
    ]
    bad = runner.invoke(
        app, [*base, "--email", "not-an-email"], input="a fine long passphrase\n", env=cli_env
    )
    assert bad.exit_code != 0
    assert "email" in str(bad.exception) + bad.output
    good = runner.invoke(
        app, [*base, "--email", "o@ice.example"], input="a fine long passphrase\n", env=cli_env
    )
    assert good.exit_code == 0, good.output
    listed = runner.invoke(app, ["users", "list"], env=cli_env)
    assert "o@ice.example" in listed.output
    assert "ICE" in listed.output


def test_main_prints_a_clear_error_and_exits_2(
    cli_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "opps.jsonl"
    path.write_text('{"external_id": "x", "organisation": "nobody"}\n', encoding="utf-8")
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("sys.argv", ["kakehashi", "import", "opportunities", str(path)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    assert "line 1, type" in err

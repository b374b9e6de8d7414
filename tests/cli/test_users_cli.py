"""Users on the command line: passwords never as arguments; roles, deactivation; the audit export.

The issue's finding: the CLI took passwords as arguments (visible in `ps` and shell histories)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from kakehashi.accounts.service import authenticate
from kakehashi.cli import app, serve
from kakehashi.config import Settings
from kakehashi.errors import AuthenticationRequired
from kakehashi.store import Database

runner = CliRunner()
PASSPHRASE = "a fine long passphrase"
CREATE = ["users", "create", "--email", "admin@example.org", "--name", "Ada Admin", "--role", "admin"]


def _can_sign_in(database: Database, email: str, password: str) -> bool:
    try:
        with database.session() as session:
            authenticate(session, email=email, password=password)
    except AuthenticationRequired:
        return False
    return True


def test_a_password_is_never_taken_as_an_argument(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, [*CREATE, "--password", PASSPHRASE], env=cli_env)
    assert result.exit_code != 0
    assert "No such option" in result.output


def test_the_password_is_asked_twice_without_echo(cli_env: dict[str, str], empty_database: Database) -> None:
    result = runner.invoke(app, CREATE, input=f"{PASSPHRASE}\n{PASSPHRASE}\n", env=cli_env)
    assert result.exit_code == 0, result.output
    assert PASSPHRASE not in result.output
    assert _can_sign_in(empty_database, "admin@example.org", PASSPHRASE)


def test_a_weak_password_is_refused(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, [*CREATE, "--password-stdin"], input="password\n", env=cli_env)
    assert result.exit_code != 0
    assert "password" in str(result.exception)


def test_roles_deactivation_and_password_by_the_operator(
    cli_env: dict[str, str], empty_database: Database
) -> None:
    assert runner.invoke(app, [*CREATE, "--password-stdin"], input=PASSPHRASE, env=cli_env).exit_code == 0
    officer = [
        "users",
        "create",
        "--email",
        "o@example.org",
        "--name",
        "Oscar",
        "--role",
        "officer",
        "--agency",
        "ICE",
    ]
    assert runner.invoke(app, [*officer, "--password-stdin"], input=PASSPHRASE, env=cli_env).exit_code == 0
    moved = runner.invoke(
        app, ["users", "set-role", "o@example.org", "--role", "officer", "--agency", "JETRO"], env=cli_env
    )
    assert moved.exit_code == 0, moved.output
    assert "JETRO" in runner.invoke(app, ["users", "list"], env=cli_env).output
    assert runner.invoke(app, ["users", "deactivate", "o@example.org"], env=cli_env).exit_code == 0
    assert "deactivated" in runner.invoke(app, ["users", "list"], env=cli_env).output
    assert not _can_sign_in(empty_database, "o@example.org", PASSPHRASE)
    assert runner.invoke(app, ["users", "activate", "o@example.org"], env=cli_env).exit_code == 0
    assert _can_sign_in(empty_database, "o@example.org", PASSPHRASE)
    last_admin = runner.invoke(app, ["users", "deactivate", "admin@example.org"], env=cli_env)
    assert last_admin.exit_code != 0
    assert "last active administrator" in str(last_admin.exception)
    new = "another long passphrase"
    reset = runner.invoke(
        app, ["users", "set-password", "o@example.org", "--password-stdin"], input=new, env=cli_env
    )
    assert reset.exit_code == 0, reset.output
    assert _can_sign_in(empty_database, "o@example.org", new)


def test_audit_export_as_csv_and_jsonl(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, [*CREATE, "--password-stdin"], input=PASSPHRASE, env=cli_env).exit_code == 0
    assert runner.invoke(app, ["users", "deactivate", "admin@example.org"], env=cli_env).exit_code != 0
    as_jsonl = runner.invoke(app, ["audit", "export", "--format", "jsonl"], env=cli_env)
    assert as_jsonl.exit_code == 0, as_jsonl.output
    kinds = [json.loads(line)["kind"] for line in as_jsonl.output.splitlines()]
    assert kinds == ["user_created"]
    target = tmp_path / "audit.csv"
    as_csv = runner.invoke(
        app, ["audit", "export", "--output", str(target), "--kind", "user_created"], env=cli_env
    )
    assert as_csv.exit_code == 0, as_csv.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,at,kind")
    assert len(lines) == 2


def test_serve_does_not_let_uvicorn_believe_x_forwarded_for(
    monkeypatch: pytest.MonkeyPatch, cli_env: dict[str, str]
) -> None:
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: seen.update(options))
    config = Settings(
        data_dir=Path(cli_env["KAKEHASHI_DATA_DIR"]),
        database_url=cli_env["KAKEHASHI_DATABASE_URL"],
        secret_key="test-secret-key",
        embedder="fake",
    )
    store = Database(config.resolved_database_url())
    store.upgrade()
    store.dispose()
    serve._serve(config, None, None)
    # uvicorn's default trusts X-Forwarded-For from 127.0.0.1: any local client could pick its address.
    assert seen["proxy_headers"] is False

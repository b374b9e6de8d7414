"""``kakehashi events …`` through Typer's runner: create, open, register, decide, mark, answer, list."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kakehashi.cli import app
from kakehashi.store import Database
from tests.factories import make_organisation

runner = CliRunner()

EVENT = {
    "title_en": "Osaka Energy Days",
    "time_zone": "Asia/Tokyo",
    "organisers": ["JETRO"],
    "days": ["2027-03-02"],
    "sessions": [{"part": "morning", "starts": "10:00", "ends": "12:00", "online": True}],
    "slot_minutes": 30,
    "tables": 3,
    "online_capacity": 2,
}


def _run(cli_env: dict[str, str], *args: str) -> str:
    result = runner.invoke(app, list(args), env=cli_env)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_event_from_creation_to_an_answered_request(
    cli_env: dict[str, str], empty_database: Database, tmp_path: Path
) -> None:
    _run(cli_env, "db", "upgrade")
    with empty_database.session() as session:
        italian = make_organisation(session, name="Energia Adriatica", country="IT").id
        japanese = make_organisation(session, name="Naniwa Battery", country="JP").id
    path = tmp_path / "event.json"
    path.write_text(json.dumps(EVENT), encoding="utf-8")
    assert "Event 1 created as a draft (4 slots)" in _run(cli_env, "events", "create", str(path))
    shown = _run(cli_env, "events", "show", "1")
    assert "slot 1" in shown
    assert "2027-03-02 10:00" in shown
    assert "01:00 UTC" in shown
    _run(cli_env, "events", "move", "1", "open-registration")
    first = _run(
        cli_env, "events", "register", "1", "--organisation", str(italian), "--representative", "Anna:it,en"
    )
    assert "Registration 1: approved." in first
    _run(
        cli_env,
        "events",
        "register",
        "1",
        "--organisation",
        str(japanese),
        "--representative",
        "Ken:ja",
        "--unavailable",
        "1,2",
    )
    _run(cli_env, "events", "move", "1", "open_booking")
    assert "pending" in _run(
        cli_env, "events", "mark", "1", "--from", "1", "--to", "2", "--note", "Batteries"
    )
    assert "declined" in _run(cli_env, "events", "answer", "1", "--decline")
    listed = _run(cli_env, "events", "requests", "1")
    assert listed.split() == [
        "1",
        "Energia",
        "Adriatica",
        "→",
        "Naniwa",
        "Battery",
        "meet",
        "declined",
        "Batteries",
    ]
    assert "Osaka Energy Days" in _run(cli_env, "events", "list")


def test_a_refused_action_is_a_clear_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    _run(cli_env, "db", "upgrade")
    path = tmp_path / "event.json"
    path.write_text(json.dumps(EVENT), encoding="utf-8")
    _run(cli_env, "events", "create", str(path))
    result = runner.invoke(app, ["events", "move", "1", "publish"], env=cli_env)
    assert result.exit_code != 0
    assert "not possible for an event that is" in str(result.exception) + result.output

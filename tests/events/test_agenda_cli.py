"""``kakehashi agenda``: run, show, ICS, move check, publish, follow-ups, through the CLI runner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kakehashi.cli import build_app
from kakehashi.events import locks
from kakehashi.store import Database
from tests.events.day_world import build_day_world

runner = CliRunner()


def _env(database: Database, tmp_path: Path) -> dict[str, str]:
    return {
        "KAKEHASHI_DATA_DIR": str(tmp_path / "data"),
        "KAKEHASHI_DATABASE_URL": database.url,
        "KAKEHASHI_SECRET_KEY": "test-secret-key",
        "KAKEHASHI_EMBEDDER": "fake",
    }


def test_the_operator_schedules_publishes_and_exports_from_the_command_line(
    database: Database, tmp_path: Path
) -> None:
    world = build_day_world(database)
    with database.session() as session:
        locks.set_interpreters(session, world.officer, world.event_id, {(t, "it-ja"): 1 for t in range(8)})
    app = build_app()
    env = _env(database, tmp_path)
    ran = runner.invoke(app, ["agenda", "run", str(world.event_id), "--time-limit", "5"], env=env)
    assert ran.exit_code == 0, ran.output
    assert "succeeded; meetings 5/5" in ran.output
    shown = runner.invoke(app, ["agenda", "show", str(world.event_id), "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.output.count('"uid"') == 5
    published = runner.invoke(app, ["agenda", "publish", str(world.event_id)], env=env)
    assert "5 meeting(s) published" in published.output
    target = tmp_path / "ferro.ics"
    exported = runner.invoke(
        app,
        ["agenda", "ics", str(world.event_id), str(world.registrations["ferro"]), "-o", str(target)],
        env=env,
    )
    assert exported.exit_code == 0, exported.output
    assert target.read_text().count("BEGIN:VEVENT") == 2
    meeting = world.meeting(database, "ferro", "sakura")
    checked = runner.invoke(
        app, ["agenda", "move", str(world.event_id), str(meeting.id), "--slot", "99", "--check"], env=env
    )
    assert checked.exit_code == 1
    assert "outside the event" in checked.output
    asked = runner.invoke(app, ["agenda", "follow-ups", "--after-days", "0"], env=env)
    assert asked.exit_code == 0, asked.output
    assert "question(s) asked" in asked.output

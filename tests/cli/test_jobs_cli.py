"""``kakehashi worker`` and ``kakehashi jobs``: SQLite is refused with a clear message; the runs are listed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kakehashi.cli import app
from kakehashi.jobs.runs import RunRecord
from kakehashi.store import Database

runner = CliRunner()


@pytest.mark.parametrize("command", [["worker"], ["jobs", "enqueue", "probe"]])
def test_job_workers_and_the_queue_need_postgresql(cli_env: dict[str, str], command: list[str]) -> None:
    if cli_env["KAKEHASHI_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the refusal is about SQLite")
    result = runner.invoke(app, command, env=cli_env)
    assert result.exit_code != 0
    assert "need PostgreSQL" in str(result.exception)


def test_jobs_list_shows_the_runs(cli_env: dict[str, str]) -> None:
    assert runner.invoke(app, ["db", "upgrade"], env=cli_env).exit_code == 0
    database = Database(cli_env["KAKEHASHI_DATABASE_URL"])
    try:
        RunRecord.start(database, task="probe", key=None, queue_job_id=None, attempt=1).succeeded()
    finally:
        database.dispose()
    result = runner.invoke(app, ["jobs", "list"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "probe" in result.output
    assert "succeeded" in result.output

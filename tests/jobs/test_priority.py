"""Job workers lower their CPU priority so that web requests on the same cores go first."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from kakehashi.config import Settings
from kakehashi.jobs import priority


def test_a_process_is_made_as_nice_as_asked() -> None:
    # In a child process: a niceness cannot be undone, and the test run must keep its own.
    code = (
        "import os; from kakehashi.jobs.priority import lower_priority; print(lower_priority(7), os.nice(0))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["7", "7"]


def test_a_nicer_process_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def nice(increment: int) -> int:
        calls.append(increment)
        return 15

    monkeypatch.setattr(os, "nice", nice)
    assert priority.lower_priority(10) == 15
    assert calls == [0]  # only read, never raised or lowered


def test_workers_are_nice_by_default() -> None:
    assert Settings().worker_nice == 10


def test_the_worker_command_lowers_its_priority_first(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kakehashi.cli import app
    from kakehashi.cli import jobs as jobs_cli
    from kakehashi.jobs import queue

    asked: list[int] = []

    async def no_worker(*args: Any, **kwargs: Any) -> None:
        return None

    monkeypatch.setattr(jobs_cli, "_require_postgresql", lambda _url: None)
    monkeypatch.setattr(priority, "lower_priority", asked.append)
    monkeypatch.setattr(queue, "run_worker", no_worker)
    # In a thread of its own, as a command runs: a browser test of the same run may leave an event loop
    # running in this one, where the command's asyncio.run() would refuse to start.
    results: list[Result] = []
    runner = threading.Thread(
        target=lambda: results.append(
            CliRunner().invoke(app, ["worker"], env=cli_env | {"KAKEHASHI_WORKER_NICE": "12"})
        )
    )
    runner.start()
    runner.join(60)
    assert results
    result = results[0]
    assert result.exit_code == 0, result.output
    assert asked == [12]

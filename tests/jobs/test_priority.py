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
    threads: list[int] = []

    async def no_worker(*args: Any, **kwargs: Any) -> None:
        return None

    monkeypatch.setattr(jobs_cli, "_require_postgresql", lambda _url: None)
    monkeypatch.setattr(priority, "lower_priority", asked.append)
    monkeypatch.setattr(priority, "limit_native_threads", threads.append)  # not in the test process
    monkeypatch.setattr(queue, "run_worker", no_worker)
    # In a thread of its own, as a command runs: a browser test of the same run may leave an event loop
    # running in this one, where the command's asyncio.run() would refuse to start.
    results: list[Result] = []
    runner = threading.Thread(
        target=lambda: results.append(
            CliRunner().invoke(
                app,
                ["worker"],
                env=cli_env | {"KAKEHASHI_WORKER_NICE": "12", "KAKEHASHI_WORKER_THREADS": "3"},
            )
        )
    )
    runner.start()
    runner.join(60)
    assert results
    result = results[0]
    assert result.exit_code == 0, result.output
    assert asked == [12]
    assert threads == [3]


def test_a_worker_limits_the_native_math_threads() -> None:
    """Left to OpenBLAS's default, a worker runs a thread per core that spins while it waits: two workers
    on 2 cores embedded 5.7 times slower. In a child process: the limit is process-wide."""
    code = (
        "import numpy, os; from threadpoolctl import threadpool_info; "
        "from kakehashi.jobs.priority import limit_native_threads; limit_native_threads(1); "
        "blas = [i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']; "
        "print(blas, os.environ['OMP_NUM_THREADS'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    blas, omp = done.stdout.rsplit(" ", 1)
    assert blas.strip("[]").split(", ") == ["1"]  # numpy's OpenBLAS, found and limited
    assert omp.strip() == "1"


def test_workers_take_one_core_each_by_default() -> None:
    assert Settings().worker_threads == 1

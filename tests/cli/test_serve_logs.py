"""``kakehashi serve`` logs the same with one process and with several (the access log included)."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from kakehashi.cli import app


@pytest.mark.parametrize("workers", ["1", "3"])
def test_serve_keeps_the_access_log_at_any_number_of_processes(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    import uvicorn

    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_args, **kwargs: runs.append(kwargs))
    monkeypatch.delenv("KAKEHASHI_WORKERS", raising=False)  # the command sets it for its processes
    result = CliRunner().invoke(app, ["serve", "--workers", workers], env=cli_env)
    assert result.exit_code == 0, result.output
    assert [run["log_level"] for run in runs] == ["info"]
    assert runs[0].get("workers", 1) == int(workers)

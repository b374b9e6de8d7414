"""``kakehashi index rebuild``, ``match`` and ``search`` through the runner (fake embedder: fast)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kakehashi.cli import app
from kakehashi.demo.loader import load_demo
from kakehashi.store import Database

runner = CliRunner()


def test_rebuild_then_match_and_search_print_json(cli_env: dict[str, str], empty_database: Database) -> None:
    env = {**cli_env, "KAKEHASHI_EMBEDDER": "fake"}
    load_demo(empty_database)
    rebuilt = runner.invoke(app, ["index", "rebuild"], env=env)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "162 embedded" in rebuilt.output
    assert "match lists stored" in rebuilt.output
    again = runner.invoke(app, ["index", "rebuild"], env=env)
    assert "0 embedded, 0 checked" in again.output
    rematched = runner.invoke(app, ["index", "rebuild", "--rematch"], env=env)
    assert rematched.exit_code == 0, rematched.output
    assert "0 embedded" in rematched.output  # re-matched from the stored vectors, no model call
    assert "146 match lists stored" in rematched.output

    searched = runner.invoke(app, ["search", "carburo di silicio wafer", "--json", "--limit", "5"], env=env)
    assert searched.exit_code == 0, searched.output
    hits = json.loads(searched.output)
    assert 1 <= len(hits) <= 5
    assert {"opportunity_id", "score", "components", "title"} <= set(hits[0])

    source = hits[0]["opportunity_id"]
    matched = runner.invoke(app, ["match", str(source), "--json", "--locale", "ja"], env=env)
    assert matched.exit_code == 0, matched.output
    matches = json.loads(matched.output)
    assert matches
    assert source not in [m["opportunity_id"] for m in matches]
    assert matches[0]["explanation"]["summary"]
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True)  # diversity chooses what is shown; shown in score order


def test_match_of_unknown_opportunity_is_a_clear_error(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "KAKEHASHI_EMBEDDER": "fake"}
    result = runner.invoke(app, ["match", "999999", "--json"], env=env)
    assert result.exit_code != 0
    assert "999999" in str(result.exception)


def test_serve_with_several_workers_runs_the_app_factory(
    cli_env: dict[str, str], empty_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    seen: dict[str, object] = {}

    def fake_run(app: object, **options: object) -> None:
        seen.update(options, app=app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("KAKEHASHI_WORKERS", "1")  # serve sets it for its processes; restored after
    result = runner.invoke(app, ["serve", "--workers", "2", "--port", "8123"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert seen["app"] == "kakehashi.app:create_app_from_environment"
    assert (seen["factory"], seen["workers"], seen["port"]) == (True, 2, 8123)

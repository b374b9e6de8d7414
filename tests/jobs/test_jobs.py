"""Jobs: idempotent runs recorded for officers, and the procrastinate queue's locks and retries (on its
in-memory connector, the same tasks as on PostgreSQL; the real queue is tested in tests/deploy)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from procrastinate.testing import InMemoryConnector
from sqlalchemy import select

from kakehashi.jobs import registry
from kakehashi.jobs.models import JobRun
from kakehashi.jobs.queue import build_app, conninfo, defer
from kakehashi.jobs.runs import RunRecord
from kakehashi.logs import JsonFormatter
from kakehashi.matching.embed import get_embedder
from kakehashi.matching.service import MatchingService
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation

T = TypeVar("T")


def _runs(database: Database) -> list[JobRun]:
    with database.session() as session:
        return list(session.scalars(select(JobRun).order_by(JobRun.id)))


def _eventually(what: Callable[[], T | None], timeout_s: float = 30.0) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("never happened")


@pytest.fixture
def matching(database: Database) -> MatchingService:
    return MatchingService(database, get_embedder("fake"))


def test_a_job_with_a_key_runs_once(database: Database, matching: MatchingService) -> None:
    spec = registry.JOBS["probe"]
    first = registry.execute(spec, database=database, matching=matching, arguments={}, key="k")
    second = registry.execute(spec, database=database, matching=matching, arguments={}, key="k")
    assert (first, second) == (True, False)
    assert [(run.task, run.key, run.status) for run in _runs(database)] == [("probe", "k", "succeeded")]


def test_a_failing_job_records_its_error_and_raises(
    database: Database, matching: MatchingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_context: registry.JobContext) -> None:
        raise RuntimeError("the disk is full")

    spec = registry.JobSpec("probe", broken)
    with pytest.raises(RuntimeError):
        registry.execute(spec, database=database, matching=matching, arguments={}, key="x")
    (run,) = _runs(database)
    assert run.status == "failed"
    assert run.error == "RuntimeError: the disk is full"
    assert run.finished_at is not None


def test_a_new_attempt_marks_the_dead_attempt_lost(database: Database) -> None:
    RunRecord.start(database, task="probe", key="k", queue_job_id=7, attempt=1)
    RunRecord.start(database, task="probe", key="k", queue_job_id=7, attempt=2)
    assert [(run.attempt, run.status) for run in _runs(database)] == [(1, "lost"), (2, "running")]


def _ignore(_done: int, _total: int) -> None:
    return None


def test_the_index_refresh_job_embeds_and_stores_matches(
    database: Database, matching: MatchingService
) -> None:
    with database.session() as session:
        org = make_organisation(session)
        make_opportunity(session, org, status="published")
    registry.run_inline("index-refresh", database=database, matching=matching, progress=_ignore)
    (run,) = _runs(database)
    assert (run.task, run.status, run.queue_job_id) == ("index-refresh", "succeeded", None)
    assert run.total >= 1
    assert matching.last_match_report is not None


def _in_own_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own: procrastinate's synchronous calls refuse a thread with a running
    event loop (the browser tests' Playwright keeps one in the main thread for the whole session)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def test_the_queue_drops_a_second_enqueue_and_runs_the_job_once(
    database: Database, matching: MatchingService
) -> None:
    app = build_app(InMemoryConnector(), database=database, matching=matching)

    def enqueue_and_work() -> tuple[int | None, int | None, int | None]:
        with app.open():
            deferred = (defer(app, "probe", key="twice"), defer(app, "probe", key="twice"))
            other = defer(app, "probe", key="another")
            app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        return (*deferred, other)

    first, second, other = _in_own_thread(enqueue_and_work)
    assert first is not None
    assert second is None
    assert other is not None
    assert sorted((run.key, run.status) for run in _runs(database)) == [
        ("another", "succeeded"),
        ("twice", "succeeded"),
    ]
    assert {run.queue_job_id for run in _runs(database)} == {first, other}


def test_the_queue_retries_a_failing_job_up_to_its_limit(
    database: Database, matching: MatchingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_context: registry.JobContext) -> None:
        raise RuntimeError("always")

    jobs = dict(registry.JOBS)
    jobs["probe"] = registry.JobSpec("probe", broken, max_attempts=3, retry_wait_s=0)
    monkeypatch.setattr("kakehashi.jobs.queue.JOBS", jobs)
    app = build_app(InMemoryConnector(), database=database, matching=matching)

    def enqueue_and_work() -> None:
        with app.open():
            defer(app, "probe")
            app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)

    _in_own_thread(enqueue_and_work)
    assert [(run.attempt, run.status) for run in _runs(database)] == [
        (1, "failed"),
        (2, "failed"),
        (3, "failed"),
    ]


def test_the_queue_connection_string_comes_from_the_store_url() -> None:
    url = "postgresql+psycopg://kakehashi:secret@db:5432/kakehashi"
    assert conninfo(url) == "postgresql://kakehashi:secret@db:5432/kakehashi"
    with pytest.raises(ValueError, match="PostgreSQL"):
        conninfo("sqlite:///data/kakehashi.db")


def test_json_logs_are_one_object_per_line() -> None:
    record = logging.LogRecord("kakehashi.jobs", logging.WARNING, __file__, 1, "job %s lost", (7,), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "warning"
    assert entry["logger"] == "kakehashi.jobs"
    assert entry["message"] == "job 7 lost"


def test_job_workers_need_postgresql(tmp_path: Path) -> None:
    from kakehashi.app import create_app
    from kakehashi.config import Settings
    from kakehashi.errors import KakehashiError

    url = f"sqlite:///{tmp_path / 'kakehashi.db'}"
    settings = Settings(data_dir=tmp_path, database_url=url, embedder="fake", jobs_runner="workers")
    with pytest.raises(KakehashiError, match="need PostgreSQL"):
        create_app(settings)


def test_a_job_left_doing_by_a_worker_that_unregistered_is_queued_again(
    database: Database, matching: MatchingService
) -> None:
    import asyncio

    from kakehashi.jobs.queue import recover_stalled

    connector = InMemoryConnector()
    app = build_app(connector, database=database, matching=matching)

    async def by_heartbeat_only(**_kwargs: object) -> list[object]:
        return []  # PostgreSQL's stalled-job query finds jobs of silent workers only, not of none

    app.job_manager.get_stalled_jobs = by_heartbeat_only  # type: ignore[method-assign,assignment]

    def orphan_and_recover() -> tuple[int, str]:
        with app.open():
            job_id = defer(app, "probe", key="orphan")
            assert job_id is not None
            connector.jobs[job_id].update(status="doing", worker_id=None)  # its worker stopped, then died
            recovered = asyncio.run(recover_stalled(app, stalled_after_s=30.0))
            return recovered, str(connector.jobs[job_id]["status"])

    recovered, status = _in_own_thread(orphan_and_recover)
    assert recovered == 1
    assert status == "todo"

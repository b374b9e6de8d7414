"""Periodic jobs without job workers: the server process runs each job with a ``cron`` on its schedule
(the follow-up questions, the pipeline's overdue notices and alerts, stale scheduling runs), one process
of several elected by a lock file; both stores."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.events.followups import JOB_NAME as FOLLOW_UPS
from kakehashi.jobs.models import JobRun
from kakehashi.jobs.periodic import PeriodicRunner, is_due, periodic_specs
from kakehashi.store import Database

NOW = datetime(2026, 12, 1, 7, 0, 30, tzinfo=UTC)


def test_every_periodic_job_of_the_registry_is_known() -> None:
    names = {spec.name for spec in periodic_specs()}
    assert {FOLLOW_UPS, "pipeline-overdue", "pipeline-alerts", "event-stale-runs"} <= names


def test_a_cron_time_between_the_last_run_and_now_is_due() -> None:
    assert is_due("0 7 * * *", last=NOW - timedelta(minutes=5), now=NOW)
    assert not is_due("0 7 * * *", last=NOW, now=NOW + timedelta(hours=1))
    assert is_due("0 7 * * *", last=NOW - timedelta(days=3), now=NOW)  # missed days: due once


def test_the_runner_submits_each_due_job_once_and_reads_the_last_runs(database: Database) -> None:
    with database.session() as session:
        session.add(JobRun(task=FOLLOW_UPS, status="succeeded", started_at=NOW - timedelta(hours=2)))
    clock = [NOW]
    submitted: list[str] = []
    runner = PeriodicRunner(database, submitted.append, clock=lambda: clock[0])
    first = runner.tick()
    assert FOLLOW_UPS in first  # its 07:00 came after its last run at 05:00
    assert "pipeline-overdue" not in first  # never ran: waits for its next time, not at once
    assert runner.tick() == []
    clock[0] = NOW + timedelta(hours=1)
    assert set(runner.tick()) == {"pipeline-overdue", "pipeline-alerts", "event-stale-runs"}


def test_of_two_processes_only_the_one_holding_the_lock_runs_them(database: Database, tmp_path: Path) -> None:
    lock = tmp_path / "periodic.lock"
    first = PeriodicRunner(database, lambda _name: None, lock_path=lock)
    second = PeriodicRunner(database, lambda _name: None, lock_path=lock)
    try:
        assert first.is_elected
        assert not second.is_elected
        first.stop()
        assert second.is_elected  # the lock passes on when the elected process stops
    finally:
        first.stop()
        second.stop()


def test_the_server_runs_the_periodic_jobs_itself(settings: Settings, database: Database) -> None:
    """A real in-process run: the app's periodic thread hands the due jobs to the app's job runner, which
    runs them and records them in ``job_runs``."""
    with database.session() as session:
        for spec in periodic_specs():
            session.add(
                JobRun(task=spec.name, status="succeeded", started_at=datetime(2026, 1, 1, tzinfo=UTC))
            )
    app = create_app(settings, database=database)
    periodic = app.state.periodic
    assert isinstance(periodic, PeriodicRunner)
    periodic.tick_s = 0.05
    with TestClient(app):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with database.session() as session:
                done = set(
                    session.scalars(
                        select(JobRun.task).where(
                            JobRun.status == "succeeded", JobRun.started_at > datetime(2026, 1, 2, tzinfo=UTC)
                        )
                    )
                )
            if {spec.name for spec in periodic_specs()} <= done:
                break
            time.sleep(0.1)
    assert {spec.name for spec in periodic_specs()} <= done

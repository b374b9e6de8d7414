"""A scheduling run whose worker died does not stay "running" forever: it is marked stale (past its time
limit and a grace without news), the officer starts another, and a late finish of the dead run writes
nothing; both stores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kakehashi.errors import Conflict
from kakehashi.events import runs
from kakehashi.events.agenda_admin import event_runs
from kakehashi.events.agenda_models import Meeting, SchedulingRun
from kakehashi.store import Database
from kakehashi.store.base import utcnow
from tests.events.day_world import DayWorld, build_day_world


def _started_run(database: Database, world: DayWorld, *, minutes_ago: int) -> int:
    """A run a worker claimed ``minutes_ago`` and then never wrote about again (it died)."""
    with database.session() as session:
        run = runs.create_run(session, world.officer, world.event_id, runs.RunOptions(time_limit_s=5))
        run_id = run.id
    long_ago = utcnow() - timedelta(minutes=minutes_ago)
    with database.session() as session:
        session.execute(
            update(SchedulingRun)
            .where(SchedulingRun.id == run_id)
            .values(status="running", started_at=long_ago, created_at=long_ago, updated_at=long_ago)
        )
    return run_id


def _status(database: Database, run_id: int) -> str:
    with database.session() as session:
        run = session.get(SchedulingRun, run_id)
        assert run is not None
        return run.status


def test_a_fresh_running_run_is_not_stale_and_blocks_a_second_run(database: Database) -> None:
    world = build_day_world(database)
    run_id = _started_run(database, world, minutes_ago=1)
    with database.session() as session, pytest.raises(Conflict):
        runs.create_run(session, world.officer, world.event_id, runs.RunOptions(time_limit_s=5))
    assert _status(database, run_id) == "running"


def test_a_dead_run_is_marked_stale_and_the_officer_runs_again(database: Database) -> None:
    world = build_day_world(database)
    dead = _started_run(database, world, minutes_ago=30)
    with database.session() as session:
        shown = {view.id: view for view in event_runs(session, world.officer, world.event_id)}
    assert shown[dead].status == "stale"
    assert shown[dead].finished
    assert shown[dead].error == runs.STALE_ERROR
    with database.session() as session:
        again = runs.create_run(session, world.officer, world.event_id, runs.RunOptions(time_limit_s=5))
        again_id = again.id
    runs.execute_run(database, again_id)
    assert _status(database, again_id) == "succeeded"


def test_the_periodic_job_marks_stale_runs_and_a_late_finish_writes_nothing(database: Database) -> None:
    from kakehashi.jobs.registry import JOBS, execute
    from kakehashi.matching.embed import FakeEmbedder
    from kakehashi.matching.service import MatchingService

    world = build_day_world(database)
    dead = _started_run(database, world, minutes_ago=30)
    assert JOBS[runs.STALE_JOB_NAME].cron is not None
    execute(
        JOBS[runs.STALE_JOB_NAME],
        database=database,
        matching=MatchingService(database, FakeEmbedder()),
        arguments={},
    )
    assert _status(database, dead) == "stale"
    # A worker that was only slow: marked stale while it solves, its finish writes no meeting.
    with database.session() as session:
        slow = runs.create_run(session, world.officer, world.event_id, runs.RunOptions(time_limit_s=5))
        slow_id = slow.id

    def marked_stale_meanwhile(_done: int, _total: int) -> None:
        with database.session() as session:
            session.execute(update(SchedulingRun).where(SchedulingRun.id == slow_id).values(status="stale"))

    runs.execute_run(database, slow_id, progress=marked_stale_meanwhile)
    assert _status(database, slow_id) == "stale"
    with database.session() as session:
        assert session.scalars(select(Meeting).where(Meeting.run_id == slow_id)).all() == []

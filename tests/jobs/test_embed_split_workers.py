"""The embedding split with real ``kakehashi worker`` processes on the real PostgreSQL: a batch of drafts
published at once is embedded by ranges that both workers take, each opportunity gets one vector and its
matches once; a worker killed in the middle of a range loses nothing (another worker runs the range again).
Skipped without ``KAKEHASHI_TEST_DATABASE_URL``."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from kakehashi.jobs.models import JobRun
from kakehashi.matching.tables import OpportunityMatch, OpportunityVector
from kakehashi.profiles.models import Opportunity
from kakehashi.store import Database
from tests.conftest import PG_URL
from tests.deploy.test_processes import _enqueue, _start, _wait_for
from tests.jobs.test_embed_split import publish_batch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="needs KAKEHASHI_TEST_DATABASE_URL (PostgreSQL)"),
]
SLOW_EMBEDDER = Path(__file__).with_name("slow_embedder")


def _workers(
    processes: list[Any], environment: dict[str, str], tmp_path: Path, *, delay_s: float, range_size: int
) -> list[subprocess.Popen[bytes]]:
    python_path = os.pathsep.join(p for p in (str(SLOW_EMBEDDER), environment.get("PYTHONPATH", "")) if p)
    env = environment | {
        "PYTHONPATH": python_path,
        "KAKEHASHI_TEST_EMBED_DELAY_S": str(delay_s),
        "KAKEHASHI_JOBS_EMBED_RANGE": str(range_size),
    }
    return [_start(processes, env, tmp_path / f"worker-{n}.log", "worker") for n in range(2)]


def _runs(database: Database, task: str) -> list[JobRun]:
    with database.session() as session:
        return list(session.scalars(select(JobRun).where(JobRun.task == task).order_by(JobRun.id)))


def _all_matched(database: Database, count: int) -> bool:
    """Every opportunity has a current vector and its matches stored on that version, and no job waits."""
    with database.session() as session:
        done = session.scalar(
            select(func.count())
            .select_from(OpportunityVector)
            .join(Opportunity, Opportunity.id == OpportunityVector.opportunity_id)
            .where(
                OpportunityVector.updated_at == Opportunity.updated_at,
                OpportunityVector.matched_version == Opportunity.updated_at,
            )
        )
        waiting = session.scalar(
            text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")
        )
    return done == count and waiting == 0


def _one_vector_each_and_matches_once(database: Database, ids: list[int]) -> None:
    with database.session() as session:
        vectored = list(session.scalars(select(OpportunityVector.opportunity_id)))
        pairs = session.execute(select(OpportunityMatch.source_id, OpportunityMatch.target_id)).all()
    assert sorted(vectored) == ids  # one vector each (one model)
    assert pairs
    assert len(pairs) == len(set(pairs))  # no match stored twice
    assert {source for source, _ in pairs} == set(ids)


def test_two_workers_share_the_ranges_of_a_published_batch(
    migrated: Database, environment: dict[str, str], processes: list[Any], tmp_path: Path
) -> None:
    ids = publish_batch(migrated, 40)
    _workers(processes, environment, tmp_path, delay_s=0.2, range_size=5)
    _enqueue(environment, "index-refresh", key="batch", arguments="{}")
    _wait_for(lambda: _all_matched(migrated, len(ids)), timeout_s=120)
    embeds = _runs(migrated, "index-embed")
    assert [run.status for run in embeds] == ["succeeded"] * len(embeds)
    assert len(embeds) >= 8  # 40 ids, 5 a range (aligned: 8 or 9 ranges)
    assert sum(run.total for run in embeds) == len(ids)  # each opportunity embedded once, by one range
    assert len({run.worker for run in embeds}) == 2  # both workers took ranges
    _one_vector_each_and_matches_once(migrated, ids)


def test_a_worker_killed_in_the_middle_of_a_range_loses_nothing(
    migrated: Database, environment: dict[str, str], processes: list[Any], tmp_path: Path
) -> None:
    ids = publish_batch(migrated, 20)
    # A range is one batch of three embedder calls, about 3 s with this delay.
    workers = _workers(processes, environment, tmp_path, delay_s=1.0, range_size=10)
    _enqueue(environment, "index-refresh", key="batch", arguments="{}")
    running = _wait_for(lambda: [r for r in _runs(migrated, "index-embed") if r.status == "running"])
    assert running[0].worker is not None
    victim = next(w for w in workers if w.pid == int(running[0].worker.rsplit(":", 1)[1]))
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    _wait_for(lambda: _all_matched(migrated, len(ids)), timeout_s=120)
    killed = [r for r in _runs(migrated, "index-embed") if r.queue_job_id == running[0].queue_job_id]
    assert [r.status for r in killed] == ["lost", "succeeded"]  # the range run again, to the end
    assert killed[1].worker != killed[0].worker
    _one_vector_each_and_matches_once(migrated, ids)

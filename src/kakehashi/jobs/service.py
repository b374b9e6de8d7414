"""What officers see of the jobs: the latest runs (status, progress, errors) and, with job workers, the
jobs still waiting in the queue. Officers and admins only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, PermissionDenied, ValidationFailed
from kakehashi.jobs.models import JobRun
from kakehashi.jobs.registry import JOBS
from kakehashi.jobs.runner import JobRunner
from kakehashi.store import Database

RUN_STATUSES = ("running", "succeeded", "failed", "lost")
# What officers may pass to each job they enqueue (name -> argument -> type).
ARGUMENTS: Mapping[str, Mapping[str, type]] = {
    "index-refresh": {},
    "index-rebuild": {"full": bool, "rematch": bool},
    "probe": {"seconds": float},
    "events-expire-requests": {},
    "pipeline-overdue": {},
    "pipeline-alerts": {},
}
PROBE_MAX_S = 60.0


@dataclass(frozen=True, slots=True)
class RunView:
    id: int
    task: str
    status: str  # running, succeeded, failed, lost (its worker stopped; the job was queued again)
    attempt: int
    done: int
    total: int
    error: str | None
    worker: str | None
    started_at: datetime
    finished_at: datetime | None
    queue_job_id: int | None


@dataclass(frozen=True, slots=True)
class WaitingJob:
    id: int
    task: str
    status: str  # todo (waiting) or doing (taken by a worker)
    attempts: int
    scheduled_at: datetime | None


@dataclass(frozen=True, slots=True)
class JobsOverview:
    runs: list[RunView]
    waiting: list[WaitingJob]
    queue: bool  # whether a job queue exists (PostgreSQL); without one, jobs run in the server process


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only agency officers and admins see the jobs.")


def recent_runs(database: Database, *, limit: int = 50) -> list[RunView]:
    with database.session() as session:
        rows = session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(limit)).all()
        return [
            RunView(
                id=r.id,
                task=r.task,
                status=r.status,
                attempt=r.attempt,
                done=r.done,
                total=r.total,
                error=r.error,
                worker=r.worker,
                started_at=r.started_at,
                finished_at=r.finished_at,
                queue_job_id=r.queue_job_id,
            )
            for r in rows
        ]


def waiting_jobs(database: Database, *, limit: int = 50) -> list[WaitingJob]:
    """Jobs in the queue not finished yet (PostgreSQL only; none without the queue)."""
    if database.engine.dialect.name != "postgresql":
        return []
    with database.session() as session:
        if session.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is None:
            return []  # a store made without the migrations (tests): no queue
        rows = session.execute(
            text(
                "SELECT id, task_name, status::text AS status, attempts, scheduled_at "
                "FROM procrastinate_jobs WHERE status IN ('todo', 'doing') ORDER BY id DESC LIMIT :limit"
            ),
            {"limit": limit},
        ).all()
    return [WaitingJob(r.id, r.task_name, r.status, r.attempts, r.scheduled_at) for r in rows]


def overview(actor: Actor, database: Database, *, limit: int = 50) -> JobsOverview:
    require_staff(actor)
    return JobsOverview(
        runs=recent_runs(database, limit=limit),
        waiting=waiting_jobs(database, limit=limit),
        queue=database.engine.dialect.name == "postgresql",
    )


def enqueue(
    actor: Actor, runner: JobRunner, *, name: str, arguments: Mapping[str, Any], key: str | None = None
) -> bool:
    """An officer's request for a job; False when the same job is already waiting (nothing is added)."""
    require_staff(actor)
    runner_arguments = _checked_arguments(name, arguments)
    return runner.submit(name, key=key, arguments=runner_arguments)


def _checked_arguments(name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    if name not in JOBS or name not in ARGUMENTS:
        raise ValidationFailed(
            "The job cannot be enqueued.",
            problems=[FieldProblem("job", "Unknown job %(name)s.", params={"name": name})],
        )
    allowed = ARGUMENTS[name]
    problems = [
        FieldProblem(
            "arguments", "The job %(job)s takes no argument %(name)s.", params={"job": name, "name": key}
        )
        for key in arguments
        if key not in allowed
    ]
    checked: dict[str, Any] = {}
    for key, kind in allowed.items():
        if key not in arguments:
            continue
        value = arguments[key]
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            if not 0 <= value <= PROBE_MAX_S:
                problems.append(
                    FieldProblem(
                        "arguments", "Between 0 and %(max)s seconds.", params={"max": int(PROBE_MAX_S)}
                    )
                )
            checked[key] = float(value)
        elif kind is bool and isinstance(value, bool):
            checked[key] = value
        else:
            problems.append(
                FieldProblem("arguments", "The value of %(name)s has the wrong type.", params={"name": key})
            )
    if problems:
        raise ValidationFailed("The job cannot be enqueued.", problems=problems)
    return checked

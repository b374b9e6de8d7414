"""Jobs: what the long work of the platform is doing (agency officers and admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kakehashi.api.deps import DatabaseDep, SignedInDep
from kakehashi.api.openapi import errors
from kakehashi.jobs import service
from kakehashi.jobs.runner import JobRunner

router = APIRouter(tags=["jobs"])


class RunOut(BaseModel):
    id: int
    task: str
    status: str = Field(description="running, succeeded, failed, or lost (its worker stopped; queued again).")
    attempt: int
    done: int
    total: int
    error: str | None
    worker: str | None
    started_at: datetime
    finished_at: datetime | None
    queue_job_id: int | None


class WaitingOut(BaseModel):
    id: int
    task: str
    status: str = Field(description="todo (waiting for a worker) or doing (taken by a worker).")
    attempts: int
    scheduled_at: datetime | None


class JobsOut(BaseModel):
    queue: bool = Field(description="Whether jobs go through the PostgreSQL queue (else: run in the server).")
    waiting: list[WaitingOut]
    runs: list[RunOut]


@router.get(
    "/jobs",
    summary="The latest job runs and the jobs waiting in the queue (officers, admins)",
    response_model=JobsOut,
    responses=errors(401, 403, 422),
)
def list_jobs(
    actor: SignedInDep,
    database: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=200, description="How many runs, newest first.")] = 50,
) -> JobsOut:
    seen = service.overview(actor, database, limit=limit)
    return JobsOut(
        queue=seen.queue,
        waiting=[WaitingOut.model_validate(job, from_attributes=True) for job in seen.waiting],
        runs=[RunOut.model_validate(run, from_attributes=True) for run in seen.runs],
    )


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job: Literal["index-refresh", "index-rebuild", "probe", "pipeline-overdue", "pipeline-alerts"] = Field(
        description="`index-refresh` (embed and match what changed), `index-rebuild` (arguments `full`, "
        "`rematch`), `probe` (argument `seconds`: shows that the workers run jobs), `pipeline-overdue` "
        "(notify overdue next steps of introductions), `pipeline-alerts` (run saved searches, send digests)."
    )
    arguments: dict[str, Any] = Field(default_factory=dict)
    key: str | None = Field(
        default=None,
        max_length=200,
        description="Idempotency key: a job whose key succeeded is not run again.",
    )


class EnqueuedOut(BaseModel):
    queued: bool = Field(description="False when the same job (and key) was already waiting: nothing added.")


@router.post(
    "/jobs",
    summary="Enqueue a job (officers, admins)",
    status_code=202,
    response_model=EnqueuedOut,
    responses=errors(401, 403, 422),
)
def enqueue_job(request: Request, body: JobIn, actor: SignedInDep) -> EnqueuedOut:
    runner: JobRunner = request.app.state.job_runner
    queued = service.enqueue(actor, runner, name=body.job, arguments=body.arguments, key=body.key)
    return EnqueuedOut(queued=queued)

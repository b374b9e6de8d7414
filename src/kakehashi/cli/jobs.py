"""``kakehashi worker`` (runs jobs from the PostgreSQL queue) and ``kakehashi jobs …`` (enqueue, list)."""

from __future__ import annotations

import asyncio
import json

import typer

from kakehashi.cli.common import console, open_database, settings
from kakehashi.errors import KakehashiError
from kakehashi.jobs.registry import JOBS

jobs_app = typer.Typer(help="Long jobs: enqueue them and see their runs.", no_args_is_help=True)


def _require_postgresql(url: str) -> None:
    if not url.startswith("postgresql"):
        raise KakehashiError(
            "Job workers need PostgreSQL (KAKEHASHI_DATABASE_URL); with SQLite the server runs jobs itself."
        )


def worker(
    concurrency: int = typer.Option(1, min=1, max=16, help="Jobs run at once by this worker."),
) -> None:
    """Run jobs from the queue until stopped (SIGTERM / Ctrl-C finish the current job first)."""
    from kakehashi.jobs.priority import limit_native_threads, lower_priority
    from kakehashi.jobs.queue import run_worker
    from kakehashi.logs import configure_logging
    from kakehashi.matching.embed import get_embedder
    from kakehashi.matching.service import MatchingService

    config = settings()
    _require_postgresql(config.resolved_database_url())
    configure_logging(config)
    lower_priority(config.worker_nice)  # web requests on the same cores go first
    limit_native_threads(config.worker_threads)  # one core per worker, no threads spinning beside it
    with open_database(config) as database:
        database.upgrade()
        matching = MatchingService(database, get_embedder(config.embedder))
        asyncio.run(run_worker(config, database=database, matching=matching, concurrency=concurrency))


@jobs_app.command("enqueue")
def enqueue(
    name: str = typer.Argument(..., help=f"The job: {', '.join(JOBS)}."),
    key: str | None = typer.Option(
        None, help="Idempotency key: a job with a key that succeeded is not run again."
    ),
    arguments: str = typer.Option(
        "{}", "--args", help='The job\'s arguments as a JSON object, e.g. {"full": true}.'
    ),
) -> None:
    """Put a job in the queue (dropped if the same job is already waiting)."""
    from kakehashi.jobs.client import JobClient

    if name not in JOBS:
        raise KakehashiError("Unknown job %(name)s.", params={"name": name})
    config = settings()
    _require_postgresql(config.resolved_database_url())
    client = JobClient(config)
    try:
        job_id = client.defer(name, key=key, arguments=json.loads(arguments))
    finally:
        client.close()
    console.print("already waiting" if job_id is None else f"queued as job {job_id}")


@jobs_app.command("list")
def list_runs(limit: int = typer.Option(20, min=1, max=500, help="How many, newest first.")) -> None:
    """The latest job runs: status, progress, errors."""
    from kakehashi.jobs.service import recent_runs

    with open_database(settings()) as database:
        for run in recent_runs(database, limit=limit):
            console.print(
                f"{run.id:>6} {run.task:<14} {run.status:<10} {run.done}/{run.total} "
                f"attempt {run.attempt} {run.started_at:%Y-%m-%d %H:%M:%S} {run.error or ''}"
            )


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")

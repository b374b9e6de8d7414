"""The procrastinate app over PostgreSQL: every job of the registry as a task, deferring with queueing
locks, and the worker loop of ``kakehashi worker`` with stalled-job recovery.

- Retried with limits: each task has a ``RetryStrategy`` (``max_attempts`` of its spec).
- Enqueued twice, run once: a queueing lock per job (and key) drops the second enqueue while the first
  waits; a job key that has succeeded is skipped when run again (see ``registry.execute``).
- Never twice at once: jobs that share a ``lock`` (the index jobs) run one after another, across workers;
  a job whose spec names a ``lock_argument`` (the ranges of ``index-embed``) has a lock of its own per value.
- Nothing lost when a worker dies: workers send a heartbeat; every worker looks for jobs left "doing" by a
  worker whose heartbeat stopped and puts them back in the queue (another worker runs them again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

import procrastinate
from procrastinate import exceptions as procrastinate_errors
from sqlalchemy.engine import make_url

from kakehashi.config import Settings
from kakehashi.jobs.registry import JOBS, JobSpec, execute
from kakehashi.matching.service import MatchingService
from kakehashi.store import Database

log = logging.getLogger(__name__)
QUEUE = "kakehashi"


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (procrastinate talks psycopg 3)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("the job queue needs PostgreSQL")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def queueing_lock(name: str, key: str | None) -> str:
    return f"{name}:{key}" if key else name


def build_app(
    connector: procrastinate.BaseConnector,
    *,
    database: Database | None = None,
    matching: MatchingService | None = None,
    settings: Settings | None = None,
    periodic: bool = False,
) -> procrastinate.App:
    """The procrastinate app with a task per job. ``database`` and ``matching`` are what the tasks use
    (a worker passes them; a web process only defers and may leave them out). With ``periodic`` (the
    ``kakehashi worker``) the jobs with a ``cron`` also run on their schedule."""
    app = procrastinate.App(connector=connector)
    for spec in JOBS.values():
        task = _register(app, spec, database=database, matching=matching, settings=settings)
        if periodic and spec.cron is not None:
            app.periodic(cron=spec.cron, periodic_id=spec.name)(task)
    return app


def _register(
    app: procrastinate.App,
    spec: JobSpec,
    *,
    database: Database | None,
    matching: MatchingService | None,
    settings: Settings | None,
) -> Any:
    def task(context: procrastinate.JobContext, /, *, key: str | None = None, **arguments: Any) -> None:
        if database is None or matching is None:
            raise RuntimeError("this process only defers jobs")
        arguments.pop("timestamp", None)  # what procrastinate passes to a periodic task
        job = context.job
        execute(
            spec,
            database=database,
            matching=matching,
            arguments=arguments,
            key=key,
            queue_job_id=job.id,
            attempt=job.attempts + 1,
            settings=settings,
            queue=_AppQueue(app),
        )

    # procrastinate's ``max_attempts`` counts the retries after the first run (and 0 would mean forever).
    retries = spec.max_attempts - 1
    retry: bool | procrastinate.RetryStrategy = (
        procrastinate.RetryStrategy(max_attempts=retries, wait=spec.retry_wait_s) if retries else False
    )
    return app.task(name=spec.name, queue=QUEUE, pass_context=True, lock=spec.lock, retry=retry)(task)


class _AppQueue:
    """The queue as a running job sees it (``JobContext.queue``): it defers follow-up jobs."""

    def __init__(self, app: procrastinate.App) -> None:
        self.app = app

    def defer(self, name: str, arguments: Mapping[str, Any]) -> bool:
        return defer(self.app, name, arguments=arguments) is not None

    def pending(self, name: str, *, running: bool = True) -> int:
        statuses = ("todo", "doing") if running else ("todo",)
        return sum(len(list(self.app.job_manager.list_jobs(task=name, status=status))) for status in statuses)


def defer(
    app: procrastinate.App, name: str, *, key: str | None = None, arguments: Mapping[str, Any] | None = None
) -> int | None:
    """Enqueue job ``name`` (synchronously); the job id, or None when the same job already waits."""
    spec = JOBS[name]
    task = app.tasks[name]
    values = dict(arguments or {})
    options: dict[str, Any] = {"queueing_lock": queueing_lock(name, key) if spec.deduplicate else None}
    if spec.lock_argument is not None:
        # Missing (enqueued by hand without it), the job fails on its arguments and its run says so.
        own = f"{spec.lock or name}:{values.get(spec.lock_argument)}"
        options = {"queueing_lock": own, "lock": own}
    if key is not None:
        values["key"] = key
    try:
        return task.configure(**options).defer(**values)
    except procrastinate_errors.AlreadyEnqueued:
        return None


async def recover_stalled(app: procrastinate.App, *, stalled_after_s: float) -> int:
    """Put back in the queue the jobs that a dead worker left running; how many."""
    manager = app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s))
    # A worker asked to stop unregisters itself (its jobs' worker_id becomes NULL); killed before its job
    # ended, it leaves the job "doing" with no worker, which the heartbeat check never finds, and the
    # job's lock (the index jobs') blocks the next ones for good. A job being run always has its worker.
    orphans = [job for job in await manager.list_jobs_async(status="doing") if job.worker_id is None]
    known = {job.id for job in stalled}
    stalled += [job for job in orphans if job.id not in known]
    count = 0
    for job in stalled:
        with contextlib.suppress(procrastinate_errors.ProcrastinateException):
            await manager.retry_job(job)
            count += 1
            log.warning("job %s (%s) of a stopped worker is queued again", job.id, job.task_name)
    return count


async def run_worker(
    settings: Settings, *, database: Database, matching: MatchingService, concurrency: int = 1
) -> None:
    """``kakehashi worker``: run jobs until stopped (SIGINT / SIGTERM finish the current job first)."""
    app = build_app(
        procrastinate.PsycopgConnector(conninfo=conninfo(settings.resolved_database_url())),
        database=database,
        matching=matching,
        settings=settings,
        periodic=True,
    )
    async with app.open_async():
        recovery = asyncio.create_task(_recovery_loop(app, settings))
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                update_heartbeat_interval=settings.jobs_heartbeat_s,
                stalled_worker_timeout=settings.jobs_stalled_after_s,
                install_signal_handlers=True,
            )
        finally:
            recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recovery


async def _recovery_loop(app: procrastinate.App, settings: Settings) -> None:
    while True:
        try:
            await recover_stalled(app, stalled_after_s=settings.jobs_stalled_after_s)
        except Exception:  # the database may be briefly away; look again next time
            log.exception("looking for stalled jobs failed")
        await asyncio.sleep(settings.jobs_heartbeat_s)


def web_app(settings: Settings) -> procrastinate.App:
    """The app a web process defers with (opened synchronously, a small connection pool)."""
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(settings.resolved_database_url()), min_size=1, max_size=2
    )
    return build_app(connector).open()

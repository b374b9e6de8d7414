"""Every job the platform knows, in one table. A later feature (scheduling runs, e-mails, reports) adds a
:class:`JobSpec` to :data:`JOBS`; the queue registers each with procrastinate, and :func:`run_inline` runs
the very same function in-process (the SQLite default).

A job function gets a :class:`JobContext` and the job's keyword arguments (JSON values). It must be
idempotent: a retried job runs again from the start, and a job with a ``key`` is skipped once a run with
that key has succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from kakehashi.config import Settings
from kakehashi.events import followups, runs
from kakehashi.jobs.runs import RunRecord, already_succeeded
from kakehashi.matching.service import MatchingService
from kakehashi.matching.vectors import IdRange
from kakehashi.notifications.outbox import deliver_pending
from kakehashi.store import Database

NOTICES_SEND = "notifications.send"
INDEX_LOCK = "matching-index"  # the index jobs write the same vectors and matches: never two at once
INDEX_EMBED = "index-embed"  # one range of a backlog; ranges run on any worker, each under a lock of its own
INDEX_REFRESH = "index-refresh"
EMBED_RANGE = 2000  # ids per range for a job without settings (the default of ``jobs_embed_range``)


class JobQueue(Protocol):
    """What a job may ask of the queue that runs it (job workers only; None in-process)."""

    def defer(self, name: str, arguments: Mapping[str, Any]) -> bool:
        """Enqueue job ``name``; False when the same job already waits."""
        ...

    def pending(self, name: str, *, running: bool = True) -> int:
        """How many jobs ``name`` wait, or run too (``running``)."""
        ...


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job may use: the store, the matching service of the process, its progress reporter, the
    process's settings (None only where a caller has none: jobs that need them say so), and the queue that
    runs it (None in-process: a job then does its work itself, in the same code)."""

    database: Database
    matching: MatchingService
    progress: Callable[[int, int], None]
    settings: Settings | None = None
    queue: JobQueue | None = None


JobFunction = Callable[..., None]


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job: its name (the procrastinate task name), its function, the lock that keeps it from running
    alongside another job with the same lock, and how often it is tried before it is left failed."""

    name: str
    function: JobFunction
    lock: str | None = None
    max_attempts: int = 3
    retry_wait_s: int = 5
    deduplicate: bool = True  # a second enqueue while one waits is dropped (procrastinate queueing lock)
    cron: str | None = None  # workers also run it periodically (procrastinate periodic task)
    # The argument whose value names the job's own lock and queueing lock (``lock:value``): jobs with the
    # same value never run at once nor wait twice; jobs with other values run side by side.
    lock_argument: str | None = None


def refresh_index(context: JobContext) -> None:
    """Embed new and changed opportunities and store the matches that changed (the store helper's
    indexing run: ``MatchingService.sync``, moved from the server thread into a job).

    With job workers, a backlog of more than a range (``jobs_embed_range``) is split: this job queues one
    ``index-embed`` job per range of ids, which any worker takes, and matches nothing; the last range to
    finish queues this job again, which then finds nothing left to embed and matches. While ranges wait
    or run, even a small backlog goes to ranges (their locks keep two jobs off the same ids)."""
    if context.queue is not None:
        size = context.settings.jobs_embed_range if context.settings is not None else EMBED_RANGE
        ranges = context.matching.embedding_split(size=size, busy=context.queue.pending(INDEX_EMBED) > 0)
        if ranges:
            for share in ranges:
                context.queue.defer(INDEX_EMBED, {"start": share.start, "stop": share.stop})
            context.progress(len(ranges), len(ranges))  # the ranges it queued
            return
    context.matching.sync(progress=context.progress, match_progress=context.progress)


def embed_range(context: JobContext, *, start: int, stop: int) -> None:
    """Embed what waits for a vector among opportunities ``start <= id < stop`` (a share of a backlog),
    then ask for the refresh that matches (dropped while one already waits), unless another range still
    waits: that one asks at its end (the last range always does). Run again, it embeds only what is still
    stale: a retried or duplicated range writes nothing twice."""
    context.matching.embed_range(IdRange(start, stop), progress=context.progress)
    if context.queue is not None and not context.queue.pending(INDEX_EMBED, running=False):
        context.queue.defer(INDEX_REFRESH, {})


def rebuild_index(context: JobContext, *, full: bool = False, rematch: bool = False) -> None:
    """Re-embed (``full``) or re-match (``rematch``) the whole catalogue."""
    context.matching.sync(
        progress=context.progress, match_progress=context.progress, rebuild=full, rematch=rematch
    )


def probe(context: JobContext, *, seconds: float = 0.0) -> None:
    """Check that workers run jobs end to end: wait ``seconds`` (reporting progress), then succeed. Its run
    row is its result; officers use it to see that the workers are alive."""
    steps = max(1, round(seconds * 10))
    for step in range(steps):
        time.sleep(seconds / steps)
        context.progress(step + 1, steps)


def send_notices(context: JobContext) -> None:
    """E-mail every notice waiting in the outbox (each at most once; an SMTP failure raises, so the queue
    retries the rest later)."""
    if context.settings is None:
        raise RuntimeError("the notices e-mail job needs the settings (SMTP)")
    delivery = deliver_pending(context.database, settings=context.settings)
    done = delivery.sent + delivery.skipped + delivery.failed
    context.progress(done, done)


def expire_event_requests(context: JobContext) -> None:
    """Write "expired" on pending meeting requests past their time (pages compute it on read already)."""
    from kakehashi.events.requests import expire_due

    with context.database.session() as session:
        expire_due(session)


def pipeline_overdue(context: JobContext) -> None:
    """Notify the officers of introductions whose next step is overdue (once per due date)."""
    from kakehashi.pipeline.jobs import report_overdue

    report_overdue(context.database)
    context.progress(1, 1)


def pipeline_alerts(context: JobContext) -> None:
    """Run the organisations' saved searches and followed matches; send the digests that are due."""
    from kakehashi.pipeline.jobs import run_alerts

    run_alerts(context.database, context.matching, settings=context.settings)
    context.progress(1, 1)


def analytics_report(context: JobContext, *, token: str) -> None:
    """Make the quarterly report PDF asked for from the dashboard (recorded under ``token``)."""
    from kakehashi.analytics.report import report_job

    report_job(context, token=token)


JOBS: Mapping[str, JobSpec] = {
    spec.name: spec
    for spec in (
        JobSpec(INDEX_REFRESH, refresh_index, lock=INDEX_LOCK),
        JobSpec(INDEX_EMBED, embed_range, lock=INDEX_EMBED, lock_argument="start"),
        JobSpec("index-rebuild", rebuild_index, lock=INDEX_LOCK, max_attempts=2),
        JobSpec("probe", probe, lock="probe", max_attempts=3, retry_wait_s=1),
        JobSpec("events-expire-requests", expire_event_requests, lock="events-expire-requests"),
        # A run is not retried: it failed for a reason its page shows; the officer starts another.
        JobSpec(runs.JOB_NAME, runs.schedule_event, max_attempts=1),
        JobSpec(runs.STALE_JOB_NAME, runs.mark_stale_runs, lock=runs.STALE_JOB_NAME, cron=runs.STALE_CRON),
        JobSpec(followups.JOB_NAME, followups.send_follow_ups, lock=followups.JOB_NAME, cron=followups.CRON),
        JobSpec(NOTICES_SEND, send_notices, lock=NOTICES_SEND, max_attempts=5, retry_wait_s=60),
        JobSpec("pipeline-overdue", pipeline_overdue, lock="pipeline-overdue", cron="0 * * * *"),
        JobSpec("pipeline-alerts", pipeline_alerts, lock="pipeline-alerts", cron="15 * * * *"),
        # One report per request (its token is the key); a failed one is asked for again from the page.
        JobSpec("analytics-report", analytics_report, max_attempts=2, retry_wait_s=5, deduplicate=False),
    )
}


def execute(
    spec: JobSpec,
    *,
    database: Database,
    matching: MatchingService,
    arguments: Mapping[str, Any],
    key: str | None = None,
    queue_job_id: int | None = None,
    attempt: int = 1,
    settings: Settings | None = None,
    queue: JobQueue | None = None,
) -> bool:
    """Run ``spec`` once, recorded in ``job_runs``; False when a run with the same key already succeeded.
    An error is recorded and raised again (the queue retries it)."""
    if already_succeeded(database, task=spec.name, key=key):
        return False
    record = RunRecord.start(database, task=spec.name, key=key, queue_job_id=queue_job_id, attempt=attempt)
    context = JobContext(
        database=database, matching=matching, progress=record.progress, settings=settings, queue=queue
    )
    try:
        spec.function(context, **arguments)
    except BaseException as error:
        record.failed(error)
        raise
    record.succeeded()
    return True


def run_inline(
    name: str, *, database: Database, matching: MatchingService, progress: Callable[[int, int], None]
) -> None:
    """The in-process runner (SQLite default): the same job function, in the calling thread, recorded the
    same way; ``progress`` also feeds the calling thread's own status (the pages' indexing notice)."""
    spec = JOBS[name]
    record = RunRecord.start(database, task=spec.name, key=None, queue_job_id=None, attempt=1)

    def both(done: int, total: int) -> None:
        progress(done, total)
        record.progress(done, total)

    try:
        spec.function(JobContext(database=database, matching=matching, progress=both))
    except BaseException as error:
        record.failed(error)
        raise
    record.succeeded()

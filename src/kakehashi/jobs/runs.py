"""Recording runs in ``job_runs``: started, progress (at most once a second), succeeded / failed / lost."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field

from sqlalchemy import select, update

from kakehashi.jobs.models import JobRun
from kakehashi.store import Database
from kakehashi.store.base import utcnow

PROGRESS_EVERY_S = 1.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def already_succeeded(database: Database, *, task: str, key: str | None) -> bool:
    """Whether a run of ``task`` with this idempotency key has succeeded (then a new one has nothing to do)."""
    if key is None:
        return False
    with database.session() as session:
        found = session.scalar(
            select(JobRun.id).where(JobRun.task == task, JobRun.key == key, JobRun.status == "succeeded")
        )
    return found is not None


@dataclass
class RunRecord:
    """The row of one run; ``progress`` is cheap to call often (it writes at most once a second)."""

    database: Database
    run_id: int
    _last_write: float = field(default=0.0)

    @classmethod
    def start(
        cls, database: Database, *, task: str, key: str | None, queue_job_id: int | None, attempt: int
    ) -> RunRecord:
        with database.session() as session:
            if queue_job_id is not None:
                # An earlier attempt of this job still marked running died with its worker.
                session.execute(
                    update(JobRun)
                    .where(JobRun.queue_job_id == queue_job_id, JobRun.status == "running")
                    .values(status="lost", finished_at=utcnow())
                )
            run = JobRun(task=task, key=key, queue_job_id=queue_job_id, attempt=attempt, worker=worker_name())
            session.add(run)
            session.commit()
            return cls(database, run.id)

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_write < PROGRESS_EVERY_S and done < total:
            return
        self._last_write = now
        self._set(done=done, total=total)

    def succeeded(self) -> None:
        self._set(status="succeeded", finished_at=utcnow())

    def failed(self, error: BaseException) -> None:
        self._set(status="failed", error=f"{type(error).__name__}: {error}"[:2000], finished_at=utcnow())

    def _set(self, **values: object) -> None:
        with self.database.session() as session:
            session.execute(update(JobRun).where(JobRun.id == self.run_id).values(**values))
            session.commit()

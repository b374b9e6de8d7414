"""Periodic jobs without job workers: with the in-process runner (the SQLite default) the server process
runs every job of the registry that has a ``cron`` (follow-up questions, the pipeline's overdue notices
and alerts, stale scheduling runs…) on its schedule, as job workers do with PostgreSQL.

With several server processes one of them runs them: the one holding ``data_dir/periodic.lock`` (elected
like the indexer; the lock passes on when that process stops). A job whose time came while no server ran
is run once at the next start (the last run is read from ``job_runs``), never once per missed time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from croniter import croniter  # type: ignore[import-untyped]  # no stubs shipped
from sqlalchemy import func, select

from kakehashi.election import FileElection
from kakehashi.jobs.models import JobRun
from kakehashi.jobs.registry import JOBS, JobSpec
from kakehashi.store import Database
from kakehashi.store.base import utcnow

log = logging.getLogger(__name__)
TICK_S = 30.0


def periodic_specs(jobs: Mapping[str, JobSpec] = JOBS) -> list[JobSpec]:
    return [spec for spec in jobs.values() if spec.cron is not None]


def is_due(cron: str, *, last: datetime, now: datetime) -> bool:
    """Whether a time of ``cron`` (UTC) fell after ``last`` and at or before ``now``. Pure."""
    following: datetime = croniter(cron, last.astimezone(UTC)).get_next(datetime)
    return following <= now


def last_runs(database: Database, names: Iterable[str]) -> dict[str, datetime]:
    """When each job last started (any status), from ``job_runs``."""
    with database.session() as session:
        rows = session.execute(
            select(JobRun.task, func.max(JobRun.started_at))
            .where(JobRun.task.in_(list(names)))
            .group_by(JobRun.task)
        ).all()
    return {task: started for task, started in rows if started is not None}


class PeriodicRunner:
    """One daemon thread that, every ``tick_s``, submits each periodic job whose time has come."""

    def __init__(
        self,
        database: Database,
        submit: Callable[[str], object],
        *,
        tick_s: float = TICK_S,
        lock_path: Path | None = None,
        clock: Callable[[], datetime] = utcnow,
        jobs: Mapping[str, JobSpec] = JOBS,
    ) -> None:
        self.database = database
        self.submit = submit
        self.tick_s = tick_s
        self.lock_path = lock_path
        self.clock = clock
        self.specs = periodic_specs(jobs)
        self._last: dict[str, datetime] = {}
        self._election = FileElection(lock_path)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None or not self.specs:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kakehashi-periodic", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._election.release()

    @property
    def is_elected(self) -> bool:
        """Whether this process runs the periodic jobs: always without a lock file, else while it holds it."""
        return self._election.elected

    def tick(self) -> list[str]:
        """Submit every job whose time came since it last ran; the names submitted."""
        if not self.is_elected:
            return []
        now = self.clock()
        if not self._last:
            known = last_runs(self.database, [spec.name for spec in self.specs])
            self._last = {spec.name: known.get(spec.name, now) for spec in self.specs}
        submitted = []
        for spec in self.specs:
            assert spec.cron is not None
            if is_due(spec.cron, last=self._last[spec.name], now=now):
                self._last[spec.name] = now
                self.submit(spec.name)
                submitted.append(spec.name)
        return submitted

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the store may be briefly away; look again at the next tick
                log.exception("periodic jobs: the look failed")
            self._stop.wait(self.tick_s)

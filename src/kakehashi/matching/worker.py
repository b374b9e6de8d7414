"""Indexing in the background: after a commit that touched opportunities, one worker thread embeds what
changed, stores the matches it changed, and reports its progress for the pages.

With several server processes, one of them indexes (the one holding the indexer lock file); the others
only reload their in-memory search engine when the index generation moves. The lock passes on to another
process if the indexer stops.

The indexing run itself is the ``index-refresh`` job of :mod:`kakehashi.jobs`. In-process (the default)
this thread runs it through ``run_inline``; with ``jobs_runner = workers`` (PostgreSQL) the thread only
enqueues it after a local write (``enqueue``) and reloads the engine, and ``kakehashi worker`` runs it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from kakehashi.election import FileElection
from kakehashi.matching.service import MatchingService
from kakehashi.profiles.models import Opportunity, OpportunitySector, OpportunityTranslation
from kakehashi.store import Database

log = logging.getLogger(__name__)
_CHANGED = "kakehashi.opportunities_changed"
_WATCHED = (Opportunity, OpportunitySector, OpportunityTranslation)


@dataclass(frozen=True, slots=True)
class WorkerStatus:
    running: bool
    done: int
    total: int
    last_error: str | None
    ready: bool = True  # False until the first look at the store is done (the engine is warming)


class EmbeddingWorker:
    """One daemon thread; ``notify()`` is cheap and coalesces bursts of writes into one run.

    It also looks every ``poll_s`` seconds for what other processes wrote (``kakehashi import`` while the
    server runs, or a write served by another server process): a look that finds the catalogue unchanged
    costs one aggregate query.
    """

    def __init__(
        self,
        service: MatchingService,
        *,
        poll_s: float = 30.0,
        lock_path: Path | None = None,
        enqueue: Callable[[], object] | None = None,
    ) -> None:
        self.service = service
        self.enqueue = enqueue  # set: job workers index, this thread only asks them to
        self.poll_s = poll_s
        self.lock_path = lock_path
        self._election = FileElection(lock_path)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._running = False
        self._ready = False
        self._done = 0
        self._total = 0
        self._last_error: str | None = None
        self._seen: tuple[object, ...] | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self.service.on_stale = self.notify
        self._thread = threading.Thread(target=self._loop, name="kakehashi-indexing", daemon=True)
        self._thread.start()
        self.notify()  # catch up with whatever was written while nobody was watching

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.service.on_stale = None
        self._release()

    def notify(self) -> None:
        self._wake.set()

    def status(self) -> WorkerStatus:
        with self._lock:
            return WorkerStatus(self._running, self._done, self._total, self._last_error, self._ready)

    @property
    def is_indexer(self) -> bool:
        """Whether this process indexes: always without a lock file, else while it holds the lock."""
        return self._election.elected

    def _release(self) -> None:
        self._election.release()

    def _progress(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = done, total

    def _loop(self) -> None:
        woken = True  # start() asked for a first run: catch up and warm the engine
        while not self._stop.is_set():
            try:
                self._run_once(woken=woken)
                with self._lock:
                    self._last_error = None
            except Exception as error:  # keep serving; the next write or look retries
                log.exception("background indexing failed")
                with self._lock:
                    self._last_error = str(error)
            finally:
                with self._lock:
                    self._running = False
                    self._ready = True
            woken = self._wake.wait(self.poll_s)
            self._wake.clear()

    def _run_once(self, *, woken: bool) -> None:
        if self.enqueue is not None:
            # A local write wakes this thread; a write of another process or command (an import) shows
            # in the catalogue marker. A second enqueue while the job waits is dropped by the queue.
            marker = self._catalogue_marker()
            if woken or marker != self._seen:
                self.enqueue()
                self._seen = marker
            self.service.refresh_engine()
            return
        if not self.is_indexer:
            self.service.refresh_engine()
            return
        marker = self._catalogue_marker()
        if marker == self._seen and not woken:
            return
        with self._lock:
            self._running, self._done, self._total = True, 0, 0
        from kakehashi.jobs.registry import run_inline

        run_inline(
            "index-refresh", database=self.service.database, matching=self.service, progress=self._progress
        )
        self._seen = marker

    def _catalogue_marker(self) -> tuple[object, ...]:
        with self.service.database.session() as session:
            row = session.execute(select(func.count(), func.max(Opportunity.updated_at))).one()
        return tuple(row)


def notify_on_opportunity_writes(database: Database, callback: Any) -> None:
    """Call ``callback()`` after every commit that created, changed or deleted an opportunity."""

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        touched = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, _WATCHED) for obj in touched):
            session.info[_CHANGED] = True

    def after_commit(session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            callback()

    def after_rollback(session: Session) -> None:
        session.info.pop(_CHANGED, None)

    event.listen(database.sessionmaker, "before_flush", before_flush)
    event.listen(database.sessionmaker, "after_commit", after_commit)
    event.listen(database.sessionmaker, "after_rollback", after_rollback)

"""Embedding on write, in the background: after a commit that touched opportunities, one worker thread
brings the stored vectors and the engine up to date, and reports its progress for the pages."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

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


class EmbeddingWorker:
    """One daemon thread; ``notify()`` is cheap and coalesces bursts of writes into one run.

    It also looks every ``poll_s`` seconds, for what other processes wrote (``kakehashi import`` while
    the server runs): a look that finds nothing stale costs one query.
    """

    def __init__(self, service: MatchingService, *, poll_s: float = 30.0) -> None:
        self.service = service
        self.poll_s = poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._running = False
        self._done = 0
        self._total = 0
        self._last_error: str | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self.service.background = True
        self._thread = threading.Thread(target=self._loop, name="kakehashi-embedding", daemon=True)
        self._thread.start()
        self.notify()  # catch up with whatever was written while nobody was watching

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.service.background = False

    def notify(self) -> None:
        self._wake.set()

    def status(self) -> WorkerStatus:
        with self._lock:
            return WorkerStatus(self._running, self._done, self._total, self._last_error)

    def _progress(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = done, total

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            with self._lock:
                self._running, self._done, self._total = True, 0, 0
            try:
                self.service.sync(progress=self._progress)
                with self._lock:
                    self._last_error = None
            except Exception as error:  # keep serving; the next write or start retries
                log.exception("background embedding failed")
                with self._lock:
                    self._last_error = str(error)
            finally:
                with self._lock:
                    self._running = False


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

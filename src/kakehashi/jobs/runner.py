"""Who takes an enqueued job: the PostgreSQL queue (job workers), or a thread of this server process (the
in-process default). Officers enqueue through :func:`kakehashi.jobs.service.enqueue`, whichever it is."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol

from kakehashi.config import Settings
from kakehashi.jobs.client import JobClient
from kakehashi.jobs.registry import JOBS, execute
from kakehashi.matching.service import MatchingService

log = logging.getLogger(__name__)


class JobRunner(Protocol):
    def submit(self, name: str, *, key: str | None, arguments: Mapping[str, Any]) -> bool:
        """Take the job; False when the same job (and key) is already waiting or running."""
        ...

    def drain(self, *, timeout_s: float) -> None:
        """At shutdown: wait (at most ``timeout_s``) for the jobs this process runs itself."""
        ...


class QueueRunner:
    """Into the PostgreSQL queue: a job worker runs it (retries, locks, stalled-job recovery)."""

    def __init__(self, client: JobClient) -> None:
        self.client = client

    def submit(self, name: str, *, key: str | None, arguments: Mapping[str, Any]) -> bool:
        return self.client.defer(name, key=key, arguments=arguments) is not None

    def drain(self, *, timeout_s: float) -> None:
        """Nothing to wait for: the job workers run the jobs."""


class ThreadRunner:
    """In a thread of this process, the same job function, recorded the same way (no retries: an officer
    enqueues it again). The index jobs wait for the indexing thread (the matching service's lock)."""

    def __init__(self, matching: MatchingService, *, settings: Settings | None = None) -> None:
        self.matching = matching
        self.settings = settings
        self._active: set[tuple[str, str | None]] = set()
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def submit(self, name: str, *, key: str | None, arguments: Mapping[str, Any]) -> bool:
        with self._lock:
            if (name, key) in self._active:
                return False
            self._active.add((name, key))
        thread = threading.Thread(
            target=self._run, args=(name, key, dict(arguments)), name=f"kakehashi-job-{name}", daemon=True
        )
        with self._lock:
            self._threads.add(thread)
        thread.start()
        return True

    def drain(self, *, timeout_s: float) -> None:
        """Wait for the running jobs, so that a stopping server does not cut one off in mid-write (what
        still runs after ``timeout_s`` is recorded as running; ``kakehashi jobs`` shows it stale)."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _run(self, name: str, key: str | None, arguments: dict[str, Any]) -> None:
        try:
            execute(
                JOBS[name],
                database=self.matching.database,
                matching=self.matching,
                arguments=arguments,
                key=key,
                settings=self.settings,
            )
        except Exception:  # recorded in job_runs; the server keeps serving
            log.exception("job %s failed", name)
        finally:
            with self._lock:
                self._active.discard((name, key))
                self._threads.discard(threading.current_thread())

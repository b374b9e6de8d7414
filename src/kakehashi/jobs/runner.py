"""Who takes an enqueued job: the PostgreSQL queue (job workers), or a thread of this server process (the
in-process default). Officers enqueue through :func:`kakehashi.jobs.service.enqueue`, whichever it is."""

from __future__ import annotations

import logging
import threading
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


class QueueRunner:
    """Into the PostgreSQL queue: a job worker runs it (retries, locks, stalled-job recovery)."""

    def __init__(self, client: JobClient) -> None:
        self.client = client

    def submit(self, name: str, *, key: str | None, arguments: Mapping[str, Any]) -> bool:
        return self.client.defer(name, key=key, arguments=arguments) is not None


class ThreadRunner:
    """In a thread of this process, the same job function, recorded the same way (no retries: an officer
    enqueues it again). The index jobs wait for the indexing thread (the matching service's lock)."""

    def __init__(self, matching: MatchingService, *, settings: Settings | None = None) -> None:
        self.matching = matching
        self.settings = settings
        self._active: set[tuple[str, str | None]] = set()
        self._lock = threading.Lock()

    def submit(self, name: str, *, key: str | None, arguments: Mapping[str, Any]) -> bool:
        with self._lock:
            if (name, key) in self._active:
                return False
            self._active.add((name, key))
        thread = threading.Thread(
            target=self._run, args=(name, key, dict(arguments)), name=f"kakehashi-job-{name}", daemon=True
        )
        thread.start()
        return True

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

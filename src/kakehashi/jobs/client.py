"""What a web process or a command needs of the queue: deferring jobs (opened on first use)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import procrastinate

from kakehashi.config import Settings
from kakehashi.jobs.queue import defer, web_app


class JobClient:
    """Defers jobs into the PostgreSQL queue; the connection pool opens on the first defer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._app: procrastinate.App | None = None
        self._lock = threading.Lock()

    def defer(
        self, name: str, *, key: str | None = None, arguments: Mapping[str, Any] | None = None
    ) -> int | None:
        with self._lock:
            if self._app is None:
                self._app = web_app(self.settings)
        return defer(self._app, name, key=key, arguments=arguments)

    def close(self) -> None:
        with self._lock:
            if self._app is not None:
                self._app.close()
                self._app = None

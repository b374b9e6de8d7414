"""One process of several elected by an exclusive lock on a file (``fcntl.flock``): the indexing thread and
the periodic jobs each run in the one server process that holds their lock file."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO


class FileElection:
    """Held by at most one process at a time; without a path, every process is elected (one process)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    @property
    def elected(self) -> bool:
        """Whether this process holds the lock, taking it now if it is free."""
        if self.path is None:
            return True
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a", encoding="ascii")
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing releases the lock
            self._handle = None

"""Slowing down password guessing: after a few failed sign-ins for one e-mail or from one address,
further attempts are refused for a while. In memory, per process: enough for one server."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from kakehashi.errors import TooManyAttempts


class SignInThrottle:
    def __init__(
        self, *, max_failures: int = 5, window_s: float = 300.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _keys(self, email: str, address: str | None) -> list[str]:
        keys = [f"email:{email.strip().lower()}"]
        if address:
            keys.append(f"address:{address}")
        return keys

    def check(self, email: str, address: str | None) -> None:
        """Raise TooManyAttempts while the e-mail or the address has too many recent failures."""
        now = self._clock()
        with self._lock:
            for key in self._keys(email, address):
                failures = self._failures[key]
                while failures and now - failures[0] > self.window_s:
                    failures.popleft()
                if len(failures) >= self.max_failures:
                    wait = int(self.window_s - (now - failures[0])) + 1
                    raise TooManyAttempts(
                        "Too many failed sign-ins. Try again in %(seconds)s seconds.",
                        params={"seconds": wait},
                    )

    def failed(self, email: str, address: str | None) -> None:
        now = self._clock()
        with self._lock:
            for key in self._keys(email, address):
                self._failures[key].append(now)

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(f"email:{email.strip().lower()}", None)

"""Rate limits on the API and on text searches (pages and API), as token buckets per client.

Per server process, in memory, deliberately: the limit guards this process's CPU (a 2,000-character
search costs about a second), and asking the store on every request would add a write to each read and
serialise SQLite. With N processes a client gets at most N times the rate, which the operator sizes for.
The sign-in throttle, which protects accounts rather than CPU, is in the store and shared by all.

The client is its bearer token when it sends one, else its address (see :mod:`kakehashi.api.clients`).
A request over the limit gets 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from kakehashi.api import API_PREFIX
from kakehashi.api.clients import client_address
from kakehashi.config import Settings
from kakehashi.errors import TooManyAttempts

_MAX_CLIENTS = 50_000  # buckets kept; full ones are dropped first (they hold no information)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    """``rate_per_minute`` tokens a minute up to ``burst``; each request takes one."""

    def __init__(
        self, *, rate_per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate_per_s = rate_per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate_per_s > 0

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0 when granted, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= _MAX_CLIENTS:
                    self._prune(now)
                bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), at=now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate_per_s)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate_per_s

    def _prune(self, now: float) -> None:
        refill_s = self.burst / self.rate_per_s
        for key in [key for key, b in self._buckets.items() if now - b.at >= refill_s]:
            del self._buckets[key]
        if len(self._buckets) >= _MAX_CLIENTS:
            self._buckets.clear()


@dataclass(frozen=True, slots=True)
class RateLimits:
    api: TokenBuckets
    search: TokenBuckets

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls(
            api=TokenBuckets(rate_per_minute=settings.api_rate_per_minute, burst=settings.api_burst),
            search=TokenBuckets(rate_per_minute=settings.search_rate_per_minute, burst=settings.search_burst),
        )


def _client_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()
    return "address:" + (client_address(request) or "unknown")


def _refuse(wait_s: float) -> TooManyAttempts:
    seconds = max(1, math.ceil(wait_s))
    return TooManyAttempts(
        "Too many requests. Try again in %(seconds)s seconds.",
        params={"seconds": seconds},
        retry_after_s=seconds,
    )


def enforce_rate_limits(request: Request) -> None:
    """An app-wide dependency: API requests take from the API bucket, text searches from the search one."""
    limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
    if limits is None:
        return
    key = _client_key(request)
    path = request.url.path
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        wait = limits.api.take(key)
        if wait > 0:
            raise _refuse(wait)
    if request.method == "GET" and request.query_params.get("q", "").strip():
        wait = limits.search.take(key)
        if wait > 0:
            raise _refuse(wait)

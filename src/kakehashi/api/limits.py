"""Rate limits on the API and on text searches (pages and API), as token buckets per client.

* **Text searches** (``q=`` on a list, ``/api/v1/search``): the expensive requests (5 ms of CPU cached,
  about a second for a new 2,000-character query). Their bucket is **in the store, shared by every
  server process** (:class:`SharedBuckets`): one atomic upsert per search, which costs a small fraction
  of the search itself (``benchmarks/rate_limit_cost.py``), so N processes still allow a client the rate
  once, not N times.
* **Every API request**: a bucket per process, in memory (:class:`TokenBuckets`). Most API requests cost
  a few milliseconds, and a store write on each of them would turn every read into a write (serialising
  SQLite's single writer); this bucket only stops one client flooding one process. With N processes a
  client gets at most N times this rate, which the operator sizes for.

The sign-in throttle, which protects accounts rather than CPU, is in the store too
(:mod:`kakehashi.accounts.throttle`). The client is its bearer token when it sends one, else its address
(see :mod:`kakehashi.api.clients`). A request over a limit gets 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import Float, bindparam, case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert

from kakehashi.accounts.models import RateLimit
from kakehashi.api import API_PREFIX
from kakehashi.api.clients import client_address
from kakehashi.config import Settings
from kakehashi.errors import TooManyAttempts
from kakehashi.store import Database

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


class SharedBuckets:
    """The same token buckets kept in the store (table ``rate_limits``), shared by every server process.

    Each bucket is one number, the generic cell rate algorithm's *due time* (GCRA, equivalent to a token
    bucket): a request is granted when ``max(due, now) + interval <= now + burst * interval``, which then
    becomes the new due time; otherwise nothing changes. Deciding and recording is one atomic
    ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (the same statement on SQLite and PostgreSQL, whose SET
    expressions all read the row as it was), so concurrent requests from any number of processes are
    each counted once and never both take the last token.
    """

    _PRUNE_SHARE = 0.01  # of requests that also forget full buckets (a full bucket is no row)

    def __init__(
        self, *, rate_per_minute: int, burst: int, prefix: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.interval_s = 60.0 / rate_per_minute if rate_per_minute > 0 else 0.0
        self.burst = burst
        self.prefix = prefix
        self._clock = clock
        self._statements: dict[str, ReturningInsert[Any]] = {}

    @property
    def enabled(self) -> bool:
        return self.interval_s > 0

    def take(self, database: Database, key: str) -> float:
        """Take a token for ``key``: 0 when granted, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        # A Core connection, not an ORM session: the decision is one statement, and it is on the path of
        # every search (benchmarks/rate_limit_cost.py).
        with database.engine.begin() as connection:
            if random.random() < self._PRUNE_SHARE:
                connection.execute(delete(RateLimit).where(RateLimit.due_at < now))
            statement = self._upsert(connection.dialect.name)
            row = connection.execute(statement, {"key": f"{self.prefix}:{key}"[:120], "now": now}).one()
        due, granted = float(row[0]), bool(row[1])
        if granted:
            return 0.0
        return max(due + self.interval_s - self.burst * self.interval_s - now, 0.001)

    def _upsert(self, dialect: str) -> ReturningInsert[Any]:
        """The statement, built once per dialect with bound ``key`` and ``now`` (cheaper per request)."""
        built = self._statements.get(dialect)
        if built is not None:
            return built
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        column = RateLimit.__table__.c
        now = bindparam("now", type_=Float())
        # Concurrent requests read their clocks before the store orders them: one that read a slightly
        # earlier time may be decided after one that read a later time, which would shrink the burst by
        # that skew. Half an interval (at most a second) of slack absorbs it and still grants exactly
        # ``burst`` requests at one instant (a further one would need a whole interval).
        slack = min(self.interval_s / 2, 1.0)
        interval, tolerance = (
            literal(self.interval_s, Float()),
            literal(self.burst * self.interval_s + slack, Float()),
        )
        start = case((column.due_at > now, column.due_at), else_=now)
        allowed = start + interval <= now + tolerance
        statement = insert(RateLimit).values(key=bindparam("key"), due_at=now + interval, granted=True)
        built = statement.on_conflict_do_update(
            index_elements=[column.key],
            set_={"due_at": case((allowed, start + interval), else_=column.due_at), "granted": allowed},
        ).returning(column.due_at, column.granted)
        self._statements[dialect] = built
        return built


@dataclass(frozen=True, slots=True)
class RateLimits:
    api: TokenBuckets
    search: SharedBuckets

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls(
            api=TokenBuckets(rate_per_minute=settings.api_rate_per_minute, burst=settings.api_burst),
            search=SharedBuckets(
                rate_per_minute=settings.search_rate_per_minute, burst=settings.search_burst, prefix="search"
            ),
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
    if _is_text_search(request):
        wait = limits.search.take(request.app.state.database, key)
        if wait > 0:
            raise _refuse(wait)


def rate_limits_use_store(request: Request) -> bool:
    """Whether :func:`enforce_rate_limits` may read or write the store for this request (and so must not
    run on the event loop): only a text search does, when its limit is on."""
    limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
    return limits is not None and limits.search.enabled and _is_text_search(request)


def _is_text_search(request: Request) -> bool:
    # "/search" (pages) only redirects to the list, which takes the token: one search, one token.
    return (
        request.method == "GET"
        and request.url.path != "/search"
        and bool(request.query_params.get("q", "").strip())
    )

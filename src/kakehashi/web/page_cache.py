"""Answers kept for visitors: a GET of a public page or API read, by a client without a session or a
token, is served from memory when the same address was answered before under the same data version.

What determines such an answer, and so the key: the path and query, the ``Host``, the
``Accept-Language`` and ``Cookie`` headers (the interface language, the time zone cookie) and the
store's data version (``kakehashi.store.data_version``), which every committed write to shown data moves
in the same transaction, and what this process's search engine has loaded (``local_state``: a server
process reloads it in the background after the index moved, and answers from the old one meanwhile).

The version is that of the groups of tables the answer reads. The lists without a text search (home,
opportunities, organisations, and the API's list) read no table of the ``MATCHING`` group (vectors,
stored matches, verdicts: what the indexer writes all the time while it embeds a backlog); their
index banner comes from this process's engine, which is ``local_state``. So they key on the ``DATA``
group only, and stay kept while job workers embed: keyed on every group, the 120k list was computed
again after each of the indexer's commits (several a second, about half a second each, with the
requests that arrived meanwhile waiting for it). Everything else, and any request with a ``q=``
parameter, keys on every group.

Each request gets the versions from a read that started after it arrived (one primary-key read, shared
by the requests that arrive while the previous read is under way: ``kakehashi.web.shared_reads``), so a
write shows on the next read from any server process; each process keeps its own entries. An entry also
ages out after ``ttl_s``, which bounds what only time changes (a deadline passing at midnight).

Never kept: anything for a client with the session cookie (a signed-in member, or a visitor whose
session holds a form token or a notice: pages show their own state) or an ``Authorization`` header;
an answer that is not a 200, that sets a cookie or says ``no-store``; paths not listed below. A kept
answer takes the client's rate-limit tokens as a computed one would (``rate_limit``, on the event loop
unless ``rate_limit_uses_store`` says it may wait on the store); over a limit, the request goes to the
app, which refuses it.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Final

import anyio.to_thread
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kakehashi.errors import KakehashiError
from kakehashi.store.data_version import ALL_GROUPS, DATA, read_group_versions
from kakehashi.web.shared_reads import SharedReads

# The public reads a visitor's load is made of (pages and their API twins).
CACHED_PATHS: Final = re.compile(
    r"^(?:/|/search|/opportunities(?:/\d+)?|/organisations(?:/\d+)?"
    r"|/api/v1/search|/api/v1/opportunities(?:/\d+(?:/matches)?)?)$"
)
STATUS_HEADER: Final = b"x-kakehashi-page-cache"
_KEPT_HEADERS: Final = (b"host", b"accept-language", b"cookie")
# Answers that read no table of the MATCHING group (when the query has no text search: see above).
DATA_ONLY_PATHS: Final = re.compile(r"^(?:/|/opportunities|/organisations|/api/v1/opportunities)$")


@dataclass(frozen=True, slots=True)
class _Entry:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    stored_at: float


# The versions of the groups the answer reads (DATA, or every group in ALL_GROUPS' order), what this
# process's engine has loaded, the path, the query and the headers that shape the answer.
Key = tuple[tuple[int, ...], Hashable, str, bytes, tuple[bytes, ...]]


class PageCacheMiddleware:
    """Innermost of the outer layers: inside the security headers (added to every answer, kept or not),
    outside the session cookie (a kept answer needs no session)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        engine: Engine,
        session_cookie: str,
        max_bytes: int,
        ttl_s: float,
        local_state: Callable[[], Hashable] = lambda: None,
        rate_limit: Callable[[Request], None] = lambda _request: None,
        rate_limit_uses_store: Callable[[Request], bool] = lambda _request: False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.engine = engine
        self.session_cookie = session_cookie
        self._session_marker = session_cookie.encode("latin-1") + b"="
        self.max_bytes = max_bytes
        self.ttl_s = ttl_s
        self.local_state = local_state
        self.rate_limit = rate_limit
        self.rate_limit_uses_store = rate_limit_uses_store
        self.versions: SharedReads[dict[int, int]] = SharedReads(lambda: read_group_versions(engine))
        self.clock = clock
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        # Answers being computed, by key: a request that misses while the same answer is computed waits
        # for it instead of computing it again (50 clients asking one cold list page at once made 50).
        self._computing: dict[Key, anyio.Event] = {}
        self._bytes = 0
        self._latest: dict[int, int] = {}

    @property
    def kept_bytes(self) -> int:
        return self._bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = self._key_parts(scope) if self.max_bytes > 0 else None
        if parts is None:
            await self.app(scope, receive, send)
            return
        versions = await self.versions.get()
        if versions is None:
            await self.app(scope, receive, send)
            return
        self._forget_older(versions)
        query: bytes = scope.get("query_string", b"")
        key: Key = (self._stamp(scope["path"], query), self.local_state(), scope["path"], query, parts)
        entry = self._fresh(key)
        computing = self._computing.get(key)
        if entry is None and computing is not None:
            await computing.wait()
            entry = self._fresh(key)  # None when that answer was not kept (an error): computed again
        # Over a rate limit, the app answers (and refuses it, with 429 and Retry-After).
        if entry is not None and await self._within_limits(scope):
            # While the limit was checked (in a thread, for a search), another request may have dropped
            # the entry: a newer data version, or the memory bound. The answer read is still served; it
            # is marked recently used only where it is still kept.
            if key in self._entries:
                self._entries.move_to_end(key)
            await _replay(entry, send)
            return
        if key in self._computing:  # another request computes it already: no need to wait twice
            await self._answer_and_keep(key, scope, receive, send)
            return
        done = self._computing[key] = anyio.Event()
        try:
            await self._answer_and_keep(key, scope, receive, send)
        finally:
            del self._computing[key]
            done.set()

    def _fresh(self, key: Key) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None or self.clock() - entry.stored_at > self.ttl_s:
            return None
        return entry

    async def _within_limits(self, scope: Scope) -> bool:
        """A kept answer takes its rate-limit tokens like a computed one (the limits are per client)."""
        request = Request(scope)
        try:
            if self.rate_limit_uses_store(request):
                await anyio.to_thread.run_sync(self.rate_limit, request)
            else:
                self.rate_limit(request)  # in memory: a worker thread would cost more than the check
        except KakehashiError:
            return False
        return True

    def _key_parts(self, scope: Scope) -> tuple[bytes, ...] | None:
        """The request headers that shape the answer, or None when it must not be kept."""
        if scope["type"] != "http" or scope["method"] != "GET" or not CACHED_PATHS.match(scope["path"]):
            return None
        found: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name == b"authorization":
                return None
            if name in _KEPT_HEADERS:
                found[name] = found.get(name, b"") + b"\x00" + value
        cookie = found.get(b"cookie")
        if cookie is not None and self._has_session(cookie):
            return None
        return tuple(found.get(name, b"") for name in _KEPT_HEADERS)

    def _has_session(self, cookie: bytes) -> bool:
        """Whether the cookie header may carry the session cookie: a plain search, on purpose (a cookie
        parser that gives up on one odd cookie would miss a session after it)."""
        return self._session_marker in cookie

    def _stamp(self, path: str, query: bytes) -> tuple[int, ...]:
        """The versions, as last read, of the groups the answer at ``path?query`` reads."""
        if b"q=" not in query and DATA_ONLY_PATHS.match(path):  # any "q=" counts: on the safe side
            return (self._latest[DATA],)
        return tuple(self._latest[group] for group in ALL_GROUPS)

    def _forget_older(self, versions: dict[int, int]) -> None:
        """Drop what a newer version made unreachable: everything when DATA moved, else the answers that
        read the groups that moved (versions only grow, and one read at a time per process)."""
        moved = {group for group, value in versions.items() if value > self._latest.get(group, -1)}
        if not moved:
            return
        self._latest = dict(versions)
        if DATA in moved:
            self._entries.clear()
            self._bytes = 0
            return
        for key in [key for key in self._entries if len(key[0]) > 1]:
            self._bytes -= len(self._entries.pop(key).body)

    async def _answer_and_keep(self, key: Key, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start is not None:
                    self._keep(key, start, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _keep(self, key: Key, start: Message, body: bytes) -> None:
        headers = tuple((bytes(name).lower(), bytes(value)) for name, value in start.get("headers", ()))
        if start["status"] != 200 or len(body) > self.max_bytes // 8 or not self._current(key[0]):
            return
        for name, value in headers:
            if name == b"set-cookie" or (name == b"cache-control" and b"no-store" in value):
                return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = _Entry(start["status"], headers, body, self.clock())
        self._bytes += len(body)
        while self._bytes > self.max_bytes and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)

    def _current(self, stamp: tuple[int, ...]) -> bool:
        """Whether versions stamped on an answer are still the latest read (a newer read while it was
        computed: it may already be out of date, so it is served but not kept)."""
        groups = (DATA,) if len(stamp) == 1 else ALL_GROUPS
        return stamp == tuple(self._latest.get(group, -1) for group in groups)


async def _replay(entry: _Entry, send: Send) -> None:
    headers = [*entry.headers, (STATUS_HEADER, b"hit")]
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body})

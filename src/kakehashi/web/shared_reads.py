"""One read of a value for every request that asked for it while the previous read was under way.

The answers kept for visitors (:mod:`kakehashi.web.page_cache`) must see every write committed before the
request arrived, from any server process, so each request needs the store's data version *as of after
its arrival*. Reading it per request costs a store round trip and a worker thread each: at a thousand
kept answers a second, most of what a request costs, and on PostgreSQL a share of the same two cores.

Requests are grouped in rounds instead. A request that arrives while no read is under way reads at once,
for itself and for whoever joins before the read starts; a request that arrives while a read is under
way cannot use it (the read may have started before a write that this request must see), so it joins the
next round, which starts as soon as that read ends. Every request therefore gets a value read after it
arrived, as with a read of its own, and the store sees at most one read at a time per process. A request
waits at most for the end of the read under way and then its own round's read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

import anyio
import anyio.to_thread

T = TypeVar("T")


class _Round(Generic[T]):
    __slots__ = ("done", "value")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.value: T | None = None


class _State(Generic[T]):
    __slots__ = ("open", "reading")

    def __init__(self) -> None:
        self.open: _Round[T] | None = None  # the round requests join now; its read has not started
        self.reading: anyio.Event | None = None  # set when the read under way ends


class SharedReads(Generic[T]):
    """``await reads.get()`` returns ``read()``'s value from a call that started after ``get`` was called.

    ``read`` runs in a worker thread (it may block on the store). If it raises, the requests of that round
    get ``None`` and the one that ran it gets the exception. State is per event loop (a test client may run
    each request on a loop of its own)."""

    def __init__(self, read: Callable[[], T | None]) -> None:
        self._read = read
        self._states: WeakKeyDictionary[asyncio.AbstractEventLoop, _State[T]] = WeakKeyDictionary()
        self.reads = 0  # how many times read() ran (for tests and figures)

    async def get(self) -> T | None:
        loop = asyncio.get_running_loop()
        state = self._states.get(loop)
        if state is None:
            state = self._states[loop] = _State()
        round_ = state.open
        if round_ is None:
            round_ = state.open = _Round()
        while not round_.done.is_set():
            if state.reading is None:
                await self._run(state, round_)
            else:
                await state.reading.wait()
        return round_.value

    async def _run(self, state: _State[T], round_: _Round[T]) -> None:
        if state.open is round_:
            state.open = None  # from now on, arrivals join a new round
        finished = state.reading = anyio.Event()
        self.reads += 1
        try:
            round_.value = await anyio.to_thread.run_sync(self._read)
        finally:
            state.reading = None
            round_.done.set()
            finished.set()

"""One read of the data version for the requests that arrive while a read is under way
(``kakehashi.web.shared_reads``): each still gets a value read after it arrived."""

from __future__ import annotations

import threading
from collections.abc import Callable

import anyio
from anyio.from_thread import start_blocking_portal

from kakehashi.web.shared_reads import SharedReads


class _Store:
    """A value that a test changes, read by a call it can hold until released."""

    def __init__(self) -> None:
        self.value = 1
        self.started: list[threading.Event] = []
        self.release: list[threading.Event] = []

    def read(self) -> int:
        started, release = threading.Event(), threading.Event()
        self.started.append(started)
        self.release.append(release)
        seen = self.value  # what a read that starts now sees
        started.set()
        assert release.wait(10)
        return seen


def _run(main: Callable[[], object]) -> None:
    # In a thread of its own: a browser test of the same run may leave an event loop in this one.
    with start_blocking_portal() as portal:
        portal.call(main)  # type: ignore[arg-type]


async def _wait_for(flag: threading.Event) -> None:
    with anyio.fail_after(10):
        while not flag.is_set():
            await anyio.sleep(0.001)


def test_requests_arriving_during_a_read_share_the_next_one_and_see_a_write_made_meanwhile() -> None:
    store = _Store()
    reads = SharedReads(store.read)
    got: dict[str, int | None] = {}

    async def ask(name: str) -> None:
        got[name] = await reads.get()

    async def main() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(ask, "first")
            while not store.started:
                await anyio.sleep(0.001)
            await _wait_for(store.started[0])
            # The first read is under way; a write commits; three requests arrive. The read under way
            # may have started before the write: they must not get its value.
            store.value = 2
            for name in ("second", "third", "fourth"):
                group.start_soon(ask, name)
            await anyio.sleep(0.05)
            assert len(store.started) == 1  # no second read while the first is under way
            store.release[0].set()
            while len(store.started) < 2:
                await anyio.sleep(0.001)
            await _wait_for(store.started[1])
            store.release[1].set()

    _run(main)
    assert got == {"first": 1, "second": 2, "third": 2, "fourth": 2}
    assert reads.reads == 2  # three requests, one read for them


def test_a_request_alone_reads_at_once_each_time() -> None:
    calls: list[int] = []

    def read() -> int:
        calls.append(1)
        return len(calls)

    reads = SharedReads(read)

    async def main() -> None:
        assert await reads.get() == 1
        assert await reads.get() == 2  # never an earlier read's value
        assert await reads.get() == 3

    _run(main)
    assert reads.reads == 3


def test_a_failed_read_fails_its_reader_and_gives_the_others_of_its_round_nothing() -> None:
    store = _Store()

    def read() -> int:
        value = store.read()
        if len(store.started) == 2:  # the second read fails
            raise RuntimeError("connection lost")
        return value

    reads = SharedReads(read)
    got: dict[str, object] = {}

    async def ask(name: str) -> None:
        try:
            got[name] = await reads.get()
        except RuntimeError as error:
            got[name] = str(error)

    async def main() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(ask, "first")
            while not store.started:
                await anyio.sleep(0.001)
            await _wait_for(store.started[0])
            group.start_soon(ask, "second")
            group.start_soon(ask, "third")
            await anyio.sleep(0.02)
            store.release[0].set()
            while len(store.started) < 2:
                await anyio.sleep(0.001)
            await _wait_for(store.started[1])
            store.release[1].set()

    _run(main)
    assert got["first"] == 1  # its read started before the failure
    # The second round's read failed: the one that ran it sees the error, the other gets no value.
    assert sorted(map(str, (got["second"], got["third"]))) == ["None", "connection lost"]

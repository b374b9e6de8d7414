"""Open-loop load: requests sent on a fixed schedule, latency measured from the scheduled send time.

A closed loop (wrk, ``web.load``) of C clients measures throughput at saturation, and its latency is
Little's law (p50 ≈ C / throughput), not what a visitor sees at a given traffic. Here ``rate`` requests per
second are scheduled evenly (request ``i`` at ``start + i / rate``) and sent over at most ``clients``
keep-alive connections; a request that finds every connection busy waits for one, and that wait counts in
its latency (the time from its scheduled send to the end of its answer), so a server that falls behind shows
it instead of slowing the senders down (no coordinated omission).

The client is plain asyncio streams with HTTP/1.1 keep-alive (no HTTP library): at 100-200 requests/s it
takes a few percent of a core, so the load generator does not compete much with the server it measures.

    from openloop import run
    run("http://127.0.0.1:8000", ["/opportunities"], rate=100, clients=50, seconds=20)
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class _Schedule:
    start: float
    rate: float
    seconds: float
    paths: list[str]
    next_index: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def take(self) -> tuple[float, str] | None:
        """The next request's scheduled time and path; None when the schedule is over."""
        index = self.next_index
        at = self.start + index / self.rate
        if at - self.start >= self.seconds:
            return None
        self.next_index += 1
        return at, self.paths[index % len(self.paths)]

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 answer; its status and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:  # the body ends with the connection
        await reader.read()
        return status, False
    if lines[0].startswith("HTTP/1.0"):
        return status, headers.get("connection") == "keep-alive"
    return status, headers.get("connection") != "close"


async def _client(host: str, port: int, schedule: _Schedule, timeout_s: float, extra: str) -> None:
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while (item := schedule.take()) is not None:
        at, path = item
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            try:
                reused = connection is not None
                connection = connection or await _connect(host, port, timeout_s)
                status, keep = await _exchange(connection, host, port, path, timeout_s, extra)
            except (OSError, asyncio.IncompleteReadError):
                if not reused:
                    raise
                _close(connection)  # the server closed an idle kept-alive connection: once more, anew
                connection = await _connect(host, port, timeout_s)
                status, keep = await _exchange(connection, host, port, path, timeout_s, extra)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as problem:
            schedule.error(type(problem).__name__)
            _close(connection)
            connection = None
            continue
        except TimeoutError:
            schedule.error("timeout")
            _close(connection)
            connection = None
            continue
        schedule.latencies.append(time.perf_counter() - at)
        if status >= 400:
            schedule.error("http_4xx_5xx")
        if not keep:
            _close(connection)
            connection = None
    _close(connection)


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _connect(host: str, port: int, timeout_s: float) -> Connection:
    return await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)


async def _exchange(
    connection: Connection, host: str, port: int, path: str, timeout_s: float, extra: str
) -> tuple[int, bool]:
    reader, writer = connection
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode("latin-1"))
    return await asyncio.wait_for(_read_answer(reader), timeout_s)


def _close(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None) -> None:
    if connection is not None:
        connection[1].close()


def _percentile(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def summarise(latencies_s: list[float]) -> dict[str, Any]:
    """p50/p95/p99/max in ms of latencies in seconds (e.g. of several windows pooled)."""
    ordered = sorted(latencies_s)
    return {
        "requests": len(ordered),
        "p50_ms": _percentile(ordered, 0.50),
        "p95_ms": _percentile(ordered, 0.95),
        "p99_ms": _percentile(ordered, 0.99),
        "max_ms": round(1000 * ordered[-1], 1) if ordered else None,
    }


async def load(
    base: str,
    paths: list[str],
    *,
    rate: float,
    clients: int = 50,
    seconds: float = 20.0,
    timeout_s: float = 30.0,
    keep: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Send ``rate`` requests/s for ``seconds`` over at most ``clients`` connections, with ``headers`` on
    every request; the summary (with ``keep``, also every latency in seconds under ``latencies_s``)."""
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    schedule = _Schedule(start=time.perf_counter() + 0.05, rate=rate, seconds=seconds, paths=paths)
    started = time.perf_counter()
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    await asyncio.gather(*(_client(host, port, schedule, timeout_s, extra) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    summary = {
        "tool": "openloop",
        "offered_per_s": rate,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "answered_per_s": round(len(schedule.latencies) / elapsed, 1) if elapsed else None,
        **summarise(schedule.latencies),
        "errors": sum(schedule.errors.values()),
        "errors_by_kind": dict(schedule.errors),
    }
    if keep:
        summary["latencies_s"] = schedule.latencies
    return summary


def run(
    base: str,
    paths: list[str],
    *,
    rate: float,
    clients: int = 50,
    seconds: float = 20.0,
    timeout_s: float = 30.0,
    keep: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``load`` from synchronous code."""
    return asyncio.run(
        load(
            base, paths, rate=rate, clients=clients, seconds=seconds, timeout_s=timeout_s, keep=keep,
            headers=headers,
        )
    )  # fmt: skip

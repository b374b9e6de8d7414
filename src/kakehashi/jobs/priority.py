"""The job workers' CPU priority: on cores shared with web processes, requests go first.

Embedding and matching keep a core busy for minutes; at the default priority the kernel shares the cores
evenly between them and the web processes, and page latencies grow with the jobs. A worker that lowers
its priority (a higher Unix niceness) takes only the CPU that requests leave idle.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)


def lower_priority(nice: int) -> int:
    """Make this process at least ``nice`` nice (never less nice than it is); its niceness after."""
    if not hasattr(os, "nice"):  # pragma: no cover - not on Unix
        return 0
    current = os.nice(0)
    if nice <= current:
        return current
    after = os.nice(nice - current)
    log.info("job worker CPU priority lowered", extra={"nice": after})
    return after


def limit_native_threads(threads: int) -> None:
    """At most ``threads`` threads in this process's native math libraries: OpenBLAS (numpy's, loaded
    already) through ``threadpoolctl``, and OpenMP runtimes loaded later (an embedding model's) through
    ``OMP_NUM_THREADS``, which they read when they load. Each such library otherwise starts a thread per
    core that spins while it waits: two job workers on 2 cores embedded 5.7 times slower with them
    (``docs/performance.md``, "Several processes over PostgreSQL")."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # no stubs shipped

    os.environ["OMP_NUM_THREADS"] = str(threads)
    threadpool_limits(limits=threads)
    log.info("job worker native threads limited", extra={"threads": threads})

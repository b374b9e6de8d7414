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

"""Batches of independent work spread over worker processes forked from the caller.

A full re-match ranks every opportunity independently against an engine that does not change meanwhile,
so the work splits into batches that forked workers compute from the parent's memory as it is (nothing
is copied or pickled but the batch bounds and the results). Forking is only safe from a process that
runs no other threads that hold locks (a CLI command, a benchmark, a rebuild job), so it is opt-in:
with ``workers=1``, or where the platform cannot fork, the batches run in the calling process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar, cast

Result = TypeVar("Result")


class _Job(Generic[Result]):
    """The work of the current ``map_batches`` call, inherited by the forked workers."""

    current: Callable[[int, int], object] | None = None


def _run(span: tuple[int, int]) -> object:
    job = _Job.current
    if job is None:  # pragma: no cover - only in a worker that was not forked by map_batches
        raise RuntimeError("no batch job in this worker")
    return job(*span)


def map_batches(
    job: Callable[[int, int], Result], total: int, *, batch: int, workers: int
) -> Iterator[Result]:
    """``job(start, stop)`` for consecutive batches covering ``range(total)``, results in order."""
    spans = [(start, min(start + batch, total)) for start in range(0, total, batch)]
    if workers <= 1 or len(spans) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for start, stop in spans:
            yield job(start, stop)
        return
    _Job.current = job
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(spans))) as pool:
            for result in pool.imap(_run, spans):
                yield cast(Result, result)  # what job returned, through the pool
    finally:
        _Job.current = None

"""Bottom-up search for the fewest breaks with SAT questions: "an agenda with at most k breaks?".

From the per-participant bound k up, every "no" proves k + 1; the first "yes" is optimal. Beside it, on
the other core, the top-down search of ``sat_improve`` ("any fair agenda?", then fewer breaks each
time) gives agendas to fall back on, tells infeasible input apart, and ends the search as soon as its
agenda meets the proven bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kakehashi.scheduling.problem import Problem, participant_breaks
from kakehashi.scheduling.sat import probe
from kakehashi.scheduling.sat_improve import Improver

STALL_SECONDS = 1.0  # the top-down search starts when the bottom-up has not ended by then ...
STALL_SHARE = 0.1  # ... or by this share of its time: easy lists keep both cores for the prover


@dataclass(frozen=True, slots=True)
class SatPhase:
    """``bound``: breaks proved necessary; ``slots`` (meeting -> slot) and ``breaks``: the best agenda
    found, if any; ``infeasible``: no agenda at all under fairness."""

    bound: int
    slots: dict[int, int] | None = None
    breaks: int | None = None
    infeasible: bool = False
    found_at: float | None = None  # time.monotonic() when ``slots`` was found

    @property
    def optimal(self) -> bool:
        return self.breaks is not None and self.breaks <= self.bound


def agenda_breaks(problem: Problem, slots: dict[int, int]) -> int:
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    for m, t in slots.items():
        for p in problem.meetings[m].participants:
            busy[p].append(t)
    return sum(participant_breaks(cells) for cells in busy)


def sat_phase(
    problem: Problem,
    lower: Sequence[int],
    fairness: int | None,
    until: float,
    progress: Callable[[str], None] | None = None,
    seed: dict[int, int] | None = None,
) -> SatPhase:
    """Ask from the proved bound up until a "yes" or until ``until`` (time.monotonic()), while the
    top-down search (``sat_improve``) on the other core streams ever better fair agendas; the two meet
    at the optimum.

    Fairness "differ by at most d" is "at most d each" whenever somebody has no break: always when
    someone holds a single meeting, and in every agenda with fewer breaks in all than participants
    with meetings. Questions beyond that point are left to CP-SAT.
    """
    started = time.monotonic()
    meetings_of = problem.meetings_of()
    active = [p for p, ms in enumerate(meetings_of) if ms]
    forced_zero = fairness is None or any(len(ms) == 1 for ms in meetings_of)
    fair: list[int | None] = [fairness] * problem.n_participants
    improver = Improver()
    # Without a repaired agenda to fall back on, the top-down search starts at once: its first answer is
    # the only agenda there will be (measured: tables cut to 1.1 x the meetings per slot on 241r, 282r).
    stall_at = started + max(STALL_SECONDS, STALL_SHARE * (until - started)) if seed else started

    def start_improver() -> None:
        if not improver.running and time.monotonic() >= stall_at:
            breaks = None if seed is None else agenda_breaks(problem, seed)
            improver.start(problem, caps=fair, lower=lower, seed=seed, seed_breaks=breaks)

    try:
        bound = _bottom_up(problem, lower, fairness, until, improver, start_improver, progress, started)
        improver.drain()
        exact = forced_zero or (improver.breaks is not None and improver.breaks <= len(active))
        if improver.exhausted and exact:
            if improver.best is None:
                return SatPhase(bound, infeasible=True)
            return SatPhase(improver.breaks or 0, improver.best, improver.breaks, found_at=improver.found_at)
        if improver.best is None:
            return SatPhase(bound)
        return SatPhase(bound, improver.best, improver.breaks, found_at=improver.found_at)
    finally:
        improver.stop()


def _bottom_up(
    problem: Problem,
    lower: Sequence[int],
    fairness: int | None,
    until: float,
    improver: Improver,
    start_improver: Callable[[], None],
    progress: Callable[[str], None] | None,
    started: float,
) -> int:
    """The proven bound: each "no" raises it; stops at a "yes", at ``until``, or when the improver's
    agenda reaches the bound or its search is exhausted."""
    bound = sum(lower)
    meetings_of = problem.meetings_of()
    active = [p for p, ms in enumerate(meetings_of) if ms]
    forced_zero = fairness is None or any(len(ms) == 1 for ms in meetings_of)
    fair: list[int | None] = [fairness] * problem.n_participants
    reported: list[int | None] = [None]

    def met() -> bool:
        start_improver()
        improver.drain()
        if progress is not None and improver.breaks is not None and improver.breaks != reported[0]:
            reported[0] = improver.breaks
            progress(f"agenda with {improver.breaks} breaks after {time.monotonic() - started:.1f}s")
        return improver.exhausted or (improver.breaks is not None and improver.breaks <= bound)

    while time.monotonic() < until and (forced_zero or bound < len(active)) and not met():
        tight = bound == sum(lower)
        if tight and not _lower_is_fair(lower, active, fairness):
            bound += 1  # every agenda at the bound gives each participant exactly its own least count
            continue
        # At the bound every participant has exactly its own least number of breaks.
        caps: list[int | None] = list(lower) if tight else fair
        answer = probe(
            problem,
            caps=caps,
            lower=lower,
            total=None if tight else bound,
            time_limit=until - time.monotonic(),
            interrupt=met,
        )
        if answer.feasible is None:
            break
        if progress is not None:
            said = "yes" if answer.feasible else "no"
            progress(f"an agenda with at most {bound} breaks? {said} after {time.monotonic() - started:.1f}s")
        if answer.slots is not None:
            improver.drain()
            breaks = agenda_breaks(problem, answer.slots)
            if improver.breaks is None or breaks < improver.breaks:
                improver.best, improver.breaks = answer.slots, breaks
                improver.found_at = time.monotonic()
            return bound
        bound += 1
    return bound


def _lower_is_fair(lower: Sequence[int], active: list[int], fairness: int | None) -> bool:
    if fairness is None or not active:
        return True
    return max(lower[p] for p in active) - min(lower[p] for p in active) <= fairness

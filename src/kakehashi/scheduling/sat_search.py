"""Bottom-up search for the fewest breaks with SAT questions: "an agenda with at most k breaks?".

From the per-participant bound k up, every "no" proves k + 1; the first "yes" is optimal. After the
first "no" one question without a total cap ("any fair agenda?") tells infeasible input apart and gives
an agenda to fall back on (and, if its breaks meet the bound, the optimum).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kakehashi.scheduling.problem import Problem, participant_breaks
from kakehashi.scheduling.sat import probe


@dataclass(frozen=True, slots=True)
class SatPhase:
    """``bound``: breaks proved necessary; ``slots`` (meeting -> slot) and ``breaks``: the best agenda
    found, if any; ``infeasible``: no agenda at all under fairness."""

    bound: int
    slots: dict[int, int] | None = None
    breaks: int | None = None
    infeasible: bool = False

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
) -> SatPhase:
    """Ask from the proved bound up until a "yes" or until ``until`` (time.monotonic()).

    Fairness "differ by at most d" is "at most d each" whenever somebody has no break: always when
    someone holds a single meeting, and in every agenda with fewer breaks in all than participants
    with meetings. Questions beyond that point are left to CP-SAT.
    """
    started = time.monotonic()
    bound = sum(lower)
    meetings_of = problem.meetings_of()
    active = [p for p, ms in enumerate(meetings_of) if ms]
    forced_zero = fairness is None or any(len(ms) == 1 for ms in meetings_of)
    fair: list[int | None] = [fairness] * problem.n_participants
    best: SatPhase | None = None
    while time.monotonic() < until and (forced_zero or bound < len(active)):
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
        )
        if answer.feasible is None:
            break
        if progress is not None:
            said = "yes" if answer.feasible else "no"
            progress(f"an agenda with at most {bound} breaks? {said} after {time.monotonic() - started:.1f}s")
        if answer.slots is not None:
            return SatPhase(bound, answer.slots, agenda_breaks(problem, answer.slots))
        bound += 1
        if best is None:
            best = _any_fair_agenda(problem, lower, fair, bound, until, conclusive=forced_zero)
            if best.infeasible or best.optimal:
                return best
    if best is not None:
        return SatPhase(bound, best.slots, best.breaks)
    return SatPhase(bound)


def _lower_is_fair(lower: Sequence[int], active: list[int], fairness: int | None) -> bool:
    if fairness is None or not active:
        return True
    return max(lower[p] for p in active) - min(lower[p] for p in active) <= fairness


def _any_fair_agenda(
    problem: Problem,
    lower: Sequence[int],
    fair: list[int | None],
    bound: int,
    until: float,
    *,
    conclusive: bool,
) -> SatPhase:
    """An agenda with at most d breaks each: fair always; its absence proves infeasibility only when
    somebody must have no break (``conclusive``)."""
    answer = probe(problem, caps=fair, lower=lower, total=None, time_limit=until - time.monotonic())
    if answer.feasible is False:
        return SatPhase(bound, infeasible=conclusive)
    if answer.slots is None:
        return SatPhase(bound)
    return SatPhase(bound, answer.slots, agenda_breaks(problem, answer.slots))

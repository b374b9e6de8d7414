"""Local improvement of a platform agenda: insert left-out requests by moving or evicting one meeting.

For each left-out request (scarce, high priority first) and each of its slots where exactly one meeting
blocks it, that meeting is moved to another slot where its parties are free, or, if it has a lower
priority and cannot move, dropped for the new one. Each step keeps the agenda valid and never lowers the
priority held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kakehashi.scheduling.problem import Assignment, Problem


@dataclass
class _Agenda:
    problem: Problem
    slot: dict[int, tuple[int, bool]] = field(default_factory=dict)  # meeting -> (slot, online)
    occupant: dict[tuple[int, int], int] = field(default_factory=dict)  # (participant, slot) -> meeting
    used: dict[tuple[int, bool], int] = field(default_factory=dict)  # (slot, online) -> count

    def capacity(self, online: bool) -> int:
        return self.problem.online_capacity if online else self.problem.n_tables

    def place(self, m: int, t: int, online: bool) -> None:
        self.slot[m] = (t, online)
        for p in self.problem.meetings[m].participants:
            self.occupant[p, t] = m
        self.used[t, online] = self.used.get((t, online), 0) + 1

    def remove(self, m: int) -> tuple[int, bool]:
        t, online = self.slot.pop(m)
        for p in self.problem.meetings[m].participants:
            del self.occupant[p, t]
        self.used[t, online] -= 1
        return t, online

    def options(self, m: int) -> list[tuple[int, bool]]:
        on = [(t, False) for t in self.problem.onsite_slots(m)]
        return on + [(t, True) for t in self.problem.online_slots(m)]

    def fits(self, m: int, t: int, online: bool) -> bool:
        free = all((p, t) not in self.occupant for p in self.problem.meetings[m].participants)
        return free and self.used.get((t, online), 0) < self.capacity(online)


def improve(
    problem: Problem, agenda: tuple[Assignment, ...], *, rounds: int = 2
) -> dict[int, tuple[int, bool]]:
    """meeting -> (slot, online) after insertion moves; start from a valid agenda."""
    state = _Agenda(problem)
    for a in agenda:
        state.place(a.meeting, a.slot, a.online)
    scarcity = [len(state.options(m)) for m in range(len(problem.meetings))]
    for _ in range(rounds):
        pending = [m for m in range(len(problem.meetings)) if m not in state.slot]
        pending.sort(key=lambda m: -problem.meetings[m].priority / math.sqrt(max(1, scarcity[m])))
        changed = False
        for m in pending:
            if m not in state.slot and _insert(state, m):
                changed = True
        if not changed:
            break
    return state.slot


def _insert(state: _Agenda, m: int) -> bool:
    for t, online in state.options(m):
        if state.fits(m, t, online):
            state.place(m, t, online)
            return True
    for t, online in state.options(m):
        blockers = {state.occupant.get((p, t)) for p in state.problem.meetings[m].participants} - {None}
        if len(blockers) != 1:
            continue
        (other,) = blockers
        assert other is not None
        old = state.remove(other)
        if state.fits(m, t, online):
            if _relocate(state, other, t):
                state.place(m, t, online)
                return True
            if state.problem.meetings[other].priority < state.problem.meetings[m].priority:
                state.place(m, t, online)
                return True
        state.place(other, *old)
    return False


def _relocate(state: _Agenda, m: int, avoid: int) -> bool:
    for t, online in state.options(m):
        if t != avoid and state.fits(m, t, online):
            state.place(m, t, online)
            return True
    return False

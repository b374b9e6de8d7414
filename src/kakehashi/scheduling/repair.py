"""Local improvement of a platform agenda: insert left-out requests by moving or evicting one meeting.

For each left-out request (scarce, high priority first) and each of its slots where exactly one meeting
blocks it, that meeting is moved to another slot where its parties are free, or, if it has a lower
priority and cannot move, dropped for the new one. Each step keeps the agenda valid and never lowers the
priority held.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from kakehashi.scheduling.problem import Assignment, Pair, Problem


@dataclass
class _Agenda:
    problem: Problem
    slot: dict[int, tuple[int, bool]] = field(default_factory=dict)  # meeting -> (slot, online)
    occupant: dict[tuple[int, int], int] = field(default_factory=dict)  # (participant, slot) -> meeting
    used: dict[tuple[int, bool], int] = field(default_factory=dict)  # (slot, online) -> count
    interpreting: dict[tuple[int, Pair], int] = field(default_factory=dict)  # (slot, pair) -> count
    pair_of: dict[int, Pair] = field(default_factory=dict)
    _options: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)
    _pairs: dict[int, tuple[Pair, ...] | None] = field(default_factory=dict)

    def capacity(self, online: bool) -> int:
        return self.problem.online_capacity if online else self.problem.n_tables

    def free_pair(self, m: int, t: int) -> Pair | None:
        """A pair with an interpreter left in slot t for m ("" pair when m needs none); None if none."""
        if m not in self._pairs:
            self._pairs[m] = self.problem.interpreter_pairs(self.problem.meetings[m])
        pairs = self._pairs[m]
        if pairs is None:
            return ("", "")
        for pair in pairs:
            if self.interpreting.get((t, pair), 0) < self.problem.interpreters_at(pair, t):
                return pair
        return None

    def place(self, m: int, t: int, online: bool) -> None:
        pair = self.free_pair(m, t)
        assert pair is not None, "place() after fits()"
        if pair != ("", ""):
            self.pair_of[m] = pair
            self.interpreting[t, pair] = self.interpreting.get((t, pair), 0) + 1
        self.slot[m] = (t, online)
        for p in self.problem.meetings[m].participants:
            self.occupant[p, t] = m
        self.used[t, online] = self.used.get((t, online), 0) + 1

    def remove(self, m: int) -> tuple[int, bool]:
        t, online = self.slot.pop(m)
        for p in self.problem.meetings[m].participants:
            del self.occupant[p, t]
        self.used[t, online] -= 1
        pair = self.pair_of.pop(m, None)
        if pair is not None:
            self.interpreting[t, pair] -= 1
        return t, online

    def options(self, m: int) -> list[tuple[int, bool]]:
        if m not in self._options:
            on = [(t, False) for t in self.problem.onsite_slots(m)]
            self._options[m] = on + [(t, True) for t in self.problem.online_slots(m)]
        return self._options[m]

    def fits(self, m: int, t: int, online: bool) -> bool:
        free = all((p, t) not in self.occupant for p in self.problem.meetings[m].participants)
        room = free and self.used.get((t, online), 0) < self.capacity(online)
        return room and self.free_pair(m, t) is not None

    def movable(self, m: int) -> bool:
        return self.problem.meetings[m].lock is None


def improve(
    problem: Problem,
    agenda: tuple[Assignment, ...] | dict[int, tuple[int, bool]],
    *,
    rounds: int = 2,
    until: float = math.inf,
) -> dict[int, tuple[int, bool]]:
    """meeting -> (slot, online) after insertion moves; start from a valid agenda. Locked meetings
    never move. Each move keeps the agenda valid, so stopping at ``until`` (monotonic) is safe."""
    state = _Agenda(problem)
    placed = agenda.items() if isinstance(agenda, dict) else ((a.meeting, (a.slot, a.online)) for a in agenda)
    for m, (t, online) in placed:
        state.place(m, t, online)
    scarcity = [len(state.options(m)) for m in range(len(problem.meetings))]
    for _ in range(rounds):
        pending = [m for m in range(len(problem.meetings)) if m not in state.slot]
        pending.sort(key=lambda m: -problem.meetings[m].priority / math.sqrt(max(1, scarcity[m])))
        changed = False
        for m in pending:
            if time.monotonic() >= until:
                return state.slot
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
        if not state.movable(other):
            continue
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


def start_agenda(problem: Problem, *, until: float = math.inf) -> dict[int, tuple[int, bool]]:
    """The platform solver's first agenda: locked meetings where they are locked, then published ones
    where they were (highest priority first) if they still fit, then the rest by scarcity-weighted
    priority in their earliest slot (on site first, as ``greedy_by_priority``), then insertion moves."""
    state = _Agenda(problem)
    meetings = problem.meetings
    for m, meeting in enumerate(meetings):
        if meeting.lock is not None and state.fits(m, meeting.lock.slot, meeting.lock.online):
            state.place(m, meeting.lock.slot, meeting.lock.online)
    published = [
        m for m, meeting in enumerate(meetings) if meeting.previous is not None and m not in state.slot
    ]
    for m in sorted(published, key=lambda m: -meetings[m].priority):
        place = meetings[m].previous
        assert place is not None
        if (place.slot, place.online) in state.options(m) and state.fits(m, place.slot, place.online):
            state.place(m, place.slot, place.online)
    scarcity = [len({t for t, _online in state.options(m)}) for m in range(len(meetings))]
    order = sorted(range(len(meetings)), key=lambda m: -meetings[m].priority / math.sqrt(max(1, scarcity[m])))
    for m in order:
        if m in state.slot:
            continue
        for t, online in sorted(state.options(m)):
            if state.fits(m, t, online):
                state.place(m, t, online)
                break
    return improve(problem, state.slot, until=until)


def restore(problem: Problem, agenda: dict[int, tuple[int, bool]]) -> dict[int, tuple[int, bool]]:
    """Move published meetings back to where they were wherever that place is free (never lowering the
    priority held: a meeting moves back, or a dropped one comes back), until nothing moves."""
    state = _Agenda(problem)
    for m, (t, online) in agenda.items():
        state.place(m, t, online)
    published = [m for m, meeting in enumerate(problem.meetings) if meeting.previous and not meeting.lock]
    moved = True
    while moved:
        moved = False
        for m in published:
            place = problem.meetings[m].previous
            assert place is not None
            want = (place.slot, place.online)
            if state.slot.get(m) == want or want not in state.options(m):
                continue
            old = state.remove(m) if m in state.slot else None
            if state.fits(m, *want):
                state.place(m, *want)
                moved = True
            elif old is not None:
                state.place(m, *old)
    return state.slot

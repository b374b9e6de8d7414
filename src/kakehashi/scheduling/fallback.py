"""A valid agenda in milliseconds, so that every time limit returns one (benchmark mode, on site).

First-come in request order often leaves meetings out on tight lists (282r: 17) and breaks fairness
(6 of the 9 Forum lists). Here: first-come in a few orders (request order, scarcest meetings first,
then shuffles of it), each followed by an insertion repair that moves up to two blocking meetings
(a party's, or any in a full slot), until every meeting is held; then single-meeting moves, accepted while they lower (unfairness beyond d, total breaks). The
caller judges the result with the independent checker before using it.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Iterator

from kakehashi.scheduling.greedy import greedy_first_come
from kakehashi.scheduling.problem import Assignment, Problem


def fallback_agenda(problem: Problem, *, fairness: int | None, until: float) -> dict[int, int] | None:
    """meeting -> slot with every meeting held on site, as fair and break-free as found by ``until``:
    complete agendas from ever other orders, each polished, until one is fair (or time is up)."""
    best: tuple[tuple[int, int], dict[int, int]] | None = None
    for slots in _complete_agendas(problem, until):
        polish = _Polish(problem, slots, fairness)
        polished = polish.run(until)
        score = polish.score()
        if best is None or score < best[0]:
            best = (score, polished)
        if score[0] == 0:
            break
    return None if best is None else best[1]


def _complete_agendas(problem: Problem, until: float) -> Iterator[dict[int, int]]:
    n = len(problem.meetings)
    load = [len(ms) for ms in problem.meetings_of()]
    options = [len(problem.onsite_slots(m)) for m in range(n)]

    def scarce(m: int) -> tuple[int, int]:
        meeting = problem.meetings[m]
        return (options[m], -load[meeting.a] - load[meeting.b])

    by_scarcity = sorted(range(n), key=scarce)
    fixed = [m for m in range(n) if problem.meetings[m].fixed_slot is not None]
    # Meetings fixed to a slot go first in every order: nothing can be moved out of their way later.
    orders: list[list[int]] = [[*fixed, *(m for m in range(n) if m not in set(fixed))], by_scarcity]
    rng = random.Random(0)
    tries = 0
    while time.monotonic() < until:
        if tries < len(orders):
            order = orders[tries]
        elif tries % 2:
            order = _shuffled(by_scarcity, rng)
        else:
            drawn = rng.sample(range(n), n)
            order = [*fixed, *(m for m in drawn if problem.meetings[m].fixed_slot is None)]
        tries += 1
        greedy = greedy_first_come(problem, order=order)
        if any(a.online for a in greedy.assignments):
            continue
        # Not repair.improve: it ignores precedences (platform mode has none); _fill keeps them.
        slots = _fill(problem, {a.meeting: a.slot for a in greedy.assignments}, until)
        if len(slots) == n:
            yield slots


def _fill(problem: Problem, slots: dict[int, int], until: float) -> dict[int, int]:
    """Place left-out meetings where a full slot or one party's meeting blocks them, by moving the
    blocking meetings (at most two) to slots where they fit. ``repair.improve`` handles one blocking
    party but not a slot whose tables are all taken, the common case on tight lists."""
    state = _Polish(problem, slots, None)
    for m in range(len(problem.meetings)):
        if m in state.slot or time.monotonic() >= until:
            continue
        for t in state.options[m]:
            if _insert_moving_blockers(state, m, t):
                break
    return {m: t for m, t in state.slot.items() if t >= 0}


def _insert_moving_blockers(state: _Polish, m: int, t: int) -> bool:
    parties = set(state.problem.meetings[m].participants)
    if not state.precedence_ok(m, t):
        return False
    in_slot = state.in_slot(t)
    blocking = [o for o in in_slot if parties & set(state.problem.meetings[o].participants)]
    if len(blocking) > 2:
        return False
    full = state.per_slot[t] - len(blocking) >= state.problem.n_tables
    extra = [o for o in in_slot if o not in blocking] if full else [None]
    for other in extra:
        movers = [*blocking, *([other] if other is not None else [])]
        back = {o: state.slot[o] for o in movers}
        for o in movers:
            state.move(o, -1)
        if all(_relocate(state, o, t) for o in movers):
            state.add(m, t)
            return True
        for o in movers:
            if state.slot[o] >= 0:
                state.move(o, -1)
        for o, where in back.items():
            state.move(o, where)
    return False


def _relocate(state: _Polish, m: int, avoid: int) -> bool:
    for t in state.options[m]:
        if t != avoid and state.fits(m, t):
            state.move(m, t)
            return True
    return False


def _shuffled(order: list[int], rng: random.Random) -> list[int]:
    """The scarcity order with neighbours swapped at random: close to it, but not the same."""
    out = list(order)
    for i in range(len(out) - 1):
        if rng.random() < 0.3:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


class _Polish:
    """Hill climbing over single-meeting moves on (breaks beyond the fewest + d, total breaks)."""

    def __init__(self, problem: Problem, slots: dict[int, int], fairness: int | None) -> None:
        self.problem = problem
        self.fairness = fairness
        self.until = math.inf
        self.slot = dict(slots)
        self.busy: list[Counter[int]] = [Counter() for _ in range(problem.n_participants)]
        self.per_slot = [0] * problem.n_slots
        for m, t in slots.items():
            self.per_slot[t] += 1
            for p in problem.meetings[m].participants:
                self.busy[p][t] += 1
        self.meetings_of = problem.meetings_of()
        self.active = [p for p, ms in enumerate(self.meetings_of) if ms]
        self.options = [problem.onsite_slots(m) for m in range(len(problem.meetings))]
        self.allowed = [set(opts) for opts in self.options]
        self.breaks = [_breaks(cells) for cells in self.busy]
        self.hist: Counter[int] = Counter(self.breaks[p] for p in self.active)
        self.total = sum(self.breaks[p] for p in self.active)
        self.successors: list[list[int]] = [[] for _ in problem.meetings]
        for s, other in enumerate(problem.meetings):
            for before in other.after:
                self.successors[before].append(s)

    def score(self) -> tuple[int, int]:
        """(breaks above the fewest + d, summed over participants; total breaks), from the histogram
        of break counts, so a move costs the few distinct counts, not the participants."""
        counts = [(v, c) for v, c in self.hist.items() if c > 0]
        if not counts:
            return (0, 0)
        if self.fairness is None:
            return (0, self.total)
        top = min(v for v, _c in counts) + self.fairness
        return (sum(c * (v - top) for v, c in counts if v > top), self.total)

    def run(self, until: float) -> dict[int, int]:
        """Climb to a local optimum; while unfair, kick the over-broken participants' meetings to random
        free slots and climb again (iterated local search), keeping the best agenda seen."""
        self.until = until
        best_score, best = self._climb(until), dict(self.slot)
        rng = random.Random(len(self.slot))
        while best_score[0] > 0 and time.monotonic() < until:
            self._kick(rng)
            score = self._climb(until)
            if score < best_score:
                best_score, best = score, dict(self.slot)
        return best

    def _climb(self, until: float) -> tuple[int, int]:
        current = self.score()
        improved = True
        while improved and time.monotonic() < until:
            improved = False
            worst = sorted(self.active, key=lambda p: -self.breaks[p])
            for p in worst:
                if time.monotonic() >= until:
                    break
                for m in self.meetings_of[p]:
                    if time.monotonic() >= until:
                        break
                    better = self._best_move(m, current) or self._best_swap(m, current)
                    if better is None and current[0] > 0 and self.breaks[p] > self._top():
                        better = self._best_ejection(m, current)
                    if better is not None:
                        current = better
                        improved = True
        return current

    def _top(self) -> int:
        return min(self.breaks[p] for p in self.active) + (self.fairness or 0)

    def _best_ejection(self, m: int, current: tuple[int, int]) -> tuple[int, int] | None:
        """Move m into a slot taken by one blocking meeting, which moves to a free slot of its own."""
        old = self.slot[m]
        meeting = self.problem.meetings[m]
        for t in self.options[m]:
            if t == old or not self._order_ok(m, t) or time.monotonic() >= self.until:
                continue
            blockers = self._blockers(m, t)
            if blockers is None:
                continue
            for other in blockers:
                there = self.slot[other]
                self._move(other, -1)
                if self.per_slot[t] >= self.problem.n_tables or {meeting.a, meeting.b} & self._at(t):
                    self._move(other, there)
                    continue
                self._move(m, t)
                for t2 in self.options[other]:
                    if t2 in (t, there) or not self._fits(other, t2):
                        continue
                    self._move(other, t2)
                    score = self.score()
                    if score < current:
                        return score
                    self._move(other, -1)
                self._move(m, old)
                self._move(other, there)
        return None

    def _blockers(self, m: int, t: int) -> list[int] | None:
        """Meetings in slot t that keep m out: those of its parties, or any when the slot is full."""
        parties = set(self.problem.meetings[m].participants)
        in_slot = self.in_slot(t)
        mine = [o for o in in_slot if parties & set(self.problem.meetings[o].participants)]
        if len(mine) > 1:
            return None
        if mine:
            return mine
        return in_slot if self.per_slot[t] >= self.problem.n_tables else None

    def in_slot(self, t: int) -> list[int]:
        return [o for o, s in self.slot.items() if s == t]

    def _at(self, t: int) -> set[int]:
        return {p for o in self.in_slot(t) for p in self.problem.meetings[o].participants}

    def _fits(self, m: int, t: int) -> bool:
        meeting = self.problem.meetings[m]
        return (
            self.per_slot[t] < self.problem.n_tables
            and t not in self.busy[meeting.a]
            and t not in self.busy[meeting.b]
            and self._order_ok(m, t)
        )

    def _kick(self, rng: random.Random) -> None:
        values = [self.breaks[p] for p in self.active]
        top = min(values) + (self.fairness or 0)
        for p in [p for p in self.active if self.breaks[p] > top]:
            for m in rng.sample(self.meetings_of[p], k=min(2, len(self.meetings_of[p]))):
                meeting = self.problem.meetings[m]
                free = [
                    t
                    for t in self.options[m]
                    if self.per_slot[t] < self.problem.n_tables
                    and t not in self.busy[meeting.a]
                    and t not in self.busy[meeting.b]
                    and self._order_ok(m, t)
                ]
                if free:
                    self._move(m, rng.choice(free))

    def _best_swap(self, m: int, current: tuple[int, int]) -> tuple[int, int] | None:
        """Swap m's slot with another meeting's of the same participants (tables per slot unchanged)."""
        t1 = self.slot[m]
        for p in self.problem.meetings[m].participants:
            for other in self.meetings_of[p]:
                t2 = self.slot[other]
                if other == m or t1 == t2 or not self._swappable(m, t2, other, t1):
                    continue
                self._move(m, t2)
                self._move(other, t1)
                score = self.score()
                if score < current:
                    return score
                self._move(other, t2)
                self._move(m, t1)
        return None

    def _swappable(self, m: int, t2: int, other: int, t1: int) -> bool:
        if t2 not in self.allowed[m] or t1 not in self.allowed[other]:
            return False
        mine = set(self.problem.meetings[m].participants)
        theirs = set(self.problem.meetings[other].participants)
        if any(t2 in self.busy[q] for q in mine - theirs) or any(t1 in self.busy[q] for q in theirs - mine):
            return False
        return self._order_ok(m, t2) and self._order_ok(other, t1)

    def _best_move(self, m: int, current: tuple[int, int]) -> tuple[int, int] | None:
        old = self.slot[m]
        meeting = self.problem.meetings[m]
        best: tuple[tuple[int, int], int] | None = None
        for t in self.options[m]:
            if t == old or self.per_slot[t] >= self.problem.n_tables:
                continue
            if t in self.busy[meeting.a] or t in self.busy[meeting.b] or not self._order_ok(m, t):
                continue
            self._move(m, t)
            score = self.score()
            if score < current and (best is None or score < best[0]):
                best = (score, t)
            self._move(m, old)
        if best is None:
            return None
        self._move(m, best[1])
        return best[0]

    def _order_ok(self, m: int, t: int) -> bool:
        meeting = self.problem.meetings[m]
        if any(self.slot.get(b, -1) >= t for b in meeting.after):
            return False
        return all(t < self.slot[s] for s in self.successors[m] if self.slot.get(s, -1) >= 0)

    def precedence_ok(self, m: int, t: int) -> bool:
        """Placed predecessors before t, placed successors after it."""
        return self._order_ok(m, t)

    def add(self, m: int, t: int) -> None:
        self.slot[m] = -1
        self.move(m, t)

    def move(self, m: int, t: int) -> None:
        self._move(m, t)

    def fits(self, m: int, t: int) -> bool:
        return self._fits(m, t)

    def _move(self, m: int, t: int) -> None:
        """Move m to slot t; t = -1 parks it outside the agenda for the length of a move."""
        old = self.slot[m]
        if old >= 0:
            self.per_slot[old] -= 1
        if t >= 0:
            self.per_slot[t] += 1
        self.slot[m] = t
        for p in self.problem.meetings[m].participants:
            if old >= 0:
                self.busy[p][old] -= 1
                if not self.busy[p][old]:
                    del self.busy[p][old]
            if t >= 0:
                self.busy[p][t] += 1
            before, after = self.breaks[p], _breaks(self.busy[p])
            self.breaks[p] = after
            self.hist[before] -= 1
            self.hist[after] += 1
            self.total += after - before


def _breaks(cells: Counter[int]) -> int:
    ordered = sorted(cells)
    return sum(1 for i in range(1, len(ordered)) if ordered[i] > ordered[i - 1] + 1)


def as_assignments(slots: dict[int, int]) -> tuple[Assignment, ...]:
    return tuple(Assignment(m, t, 0) for m, t in sorted(slots.items()))

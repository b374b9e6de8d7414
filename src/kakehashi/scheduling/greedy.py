"""First-come baseline, as commercial platforms schedule: requests in arrival order, earliest free slot.

Each request takes the earliest slot (on site first, online when no table is left) where both parties
are free, its session and fixed slot allow it, an interpreter of a fitting pair is left when the parties
share no language, and its already placed precedences hold; a request that finds no such slot is left
out. Priorities are ignored: that is what first-come means. (Locks are the solver's business: the
baseline is what a platform without an organiser's hand would do.)
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence

from kakehashi.scheduling.problem import Assignment, Pair, Problem, Result, Status, participant_breaks
from kakehashi.scheduling.tables import assign_tables


def greedy_first_come(problem: Problem, *, order: Sequence[int] | None = None) -> Result:
    """Requests in ``order`` (default: as they came) each take their earliest possible slot."""
    started = time.monotonic()
    taken: set[tuple[int, int]] = set()  # (participant, slot)
    tables_used = [0] * problem.n_slots
    online_used = [0] * problem.n_slots
    slot_of: dict[int, int] = {}
    online: set[int] = set()
    interpreting: Counter[tuple[int, Pair]] = Counter()
    pair_of: dict[int, Pair] = {}
    successors: list[list[int]] = [[] for _ in problem.meetings]
    for m, meeting in enumerate(problem.meetings):
        for before in meeting.after:
            successors[before].append(m)
    for m in order if order is not None else range(len(problem.meetings)):
        meeting = problem.meetings[m]
        low = max((slot_of[b] + 1 for b in meeting.after if b in slot_of), default=0)
        high = min((slot_of[s] - 1 for s in successors[m] if s in slot_of), default=problem.n_slots - 1)
        choice = _first_slot(problem, m, low, high, taken, tables_used, online_used, interpreting)
        if choice is None:
            continue
        t, is_online, pair = choice
        if pair is not None:
            pair_of[m] = pair
            interpreting[t, pair] += 1
        slot_of[m] = t
        taken.update((p, t) for p in meeting.participants)
        if is_online:
            online.add(m)
            online_used[t] += 1
        else:
            tables_used[t] += 1
    return _result(problem, slot_of, online, pair_of, started)


def greedy_by_priority(problem: Problem) -> Result:
    """The same rule, scarce high-priority requests first (the solver's starting point in platform mode).

    Priority divided by the square root of the request's number of possible slots: a meeting with a
    remote party, which fits only in the short common working window, goes before an on-site one of
    equal priority that can move anywhere (measured on generated platform instances: +2% held over
    plain priority order).
    """
    options = [
        len(set(problem.onsite_slots(m)) | set(problem.online_slots(m))) for m in range(len(problem.meetings))
    ]
    order = sorted(
        range(len(problem.meetings)),
        key=lambda m: -problem.meetings[m].priority / math.sqrt(max(1, options[m])),
    )
    return greedy_first_come(problem, order=order)


def _first_slot(
    problem: Problem,
    m: int,
    low: int,
    high: int,
    taken: set[tuple[int, int]],
    tables_used: list[int],
    online_used: list[int],
    interpreting: Counter[tuple[int, Pair]],
) -> tuple[int, bool, Pair | None] | None:
    a, b = problem.meetings[m].participants
    pairs = problem.interpreter_pairs(problem.meetings[m])
    onsite_open = set(problem.onsite_slots(m))
    online_open = set(problem.online_slots(m))
    for t in sorted(onsite_open | online_open):
        if not low <= t <= high or (a, t) in taken or (b, t) in taken:
            continue
        pair = None
        if pairs is not None:
            pair = next((p for p in pairs if interpreting[t, p] < problem.interpreters_at(p, t)), None)
            if pair is None:
                continue
        if t in onsite_open and tables_used[t] < problem.n_tables:
            return t, False, pair
        if t in online_open and online_used[t] < problem.online_capacity:
            return t, True, pair
    return None


def _result(
    problem: Problem, slot_of: dict[int, int], online: set[int], pair_of: dict[int, Pair], started: float
) -> Result:
    tables = assign_tables(problem, {m: t for m, t in slot_of.items() if m not in online})
    assignments = tuple(
        Assignment(m, t, None if m in online else tables[m], pair_of.get(m))
        for m, t in sorted(slot_of.items())
    )
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    for m, t in slot_of.items():
        for p in problem.meetings[m].participants:
            busy[p].append(t)
    per_participant = tuple(participant_breaks(slots) for slots in busy)
    unscheduled = tuple(m for m in range(len(problem.meetings)) if m not in slot_of)
    complete = problem.choose_meetings or not unscheduled
    return Result(
        status=Status.FEASIBLE if complete else Status.UNKNOWN,
        assignments=assignments,
        breaks=sum(per_participant),
        max_breaks=max(per_participant, default=0),
        lower_bound=0,
        unscheduled=unscheduled,
        seconds=time.monotonic() - started,
        explanation=None if complete else f"first-come left {len(unscheduled)} meeting(s) out",
        priority_held=sum(problem.meetings[m].priority for m in slot_of),
        breaks_per_participant=per_participant,
    )

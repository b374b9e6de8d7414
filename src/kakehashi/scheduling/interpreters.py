"""Interpreters as a resource: which pair serves which meeting in a slot (a bipartite matching).

The solvers decide only in which slot a meeting is held and keep, per slot, the number of meetings that
need an interpreter within what the pools can serve (in the model, through one choice variable per
meeting, slot and pair); the pair of each meeting is chosen here afterwards, by augmenting paths (Kuhn's
algorithm with pair capacities), so that a meeting keeps the pair the caller prefers (its published one)
where the counts allow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from kakehashi.scheduling.problem import Pair, Problem


def assign_interpreters(
    problem: Problem, placed: Mapping[int, int], *, preferred: Mapping[int, Pair] | None = None
) -> dict[int, Pair] | None:
    """meeting -> pair for the meetings of ``placed`` (meeting -> slot) that need an interpreter;
    None when some slot cannot serve all of its meetings."""
    by_slot: defaultdict[int, list[int]] = defaultdict(list)
    for m, t in placed.items():
        if problem.interpreter_pairs(problem.meetings[m]) is not None:
            by_slot[t].append(m)
    chosen: dict[int, Pair] = {}
    for t, meetings in by_slot.items():
        served = match_slot(problem, t, meetings, preferred=preferred or {})
        if len(served) < len(meetings):
            return None
        chosen.update(served)
    return chosen


def match_slot(
    problem: Problem, t: int, meetings: list[int], *, preferred: Mapping[int, Pair] | None = None
) -> dict[int, Pair]:
    """A largest assignment of pairs to ``meetings`` (all in slot ``t``, each needing an interpreter)."""
    wished = preferred or {}
    options: dict[int, list[Pair]] = {}
    for m in meetings:
        pairs = [
            p for p in problem.interpreter_pairs(problem.meetings[m]) or () if problem.interpreters_at(p, t)
        ]
        pairs.sort(key=lambda p: p != wished.get(m))
        options[m] = pairs
    capacity = {p: problem.interpreters_at(p, t) for pairs in options.values() for p in pairs}
    holders: defaultdict[Pair, list[int]] = defaultdict(list)
    assigned: dict[int, Pair] = {}

    def augment(m: int, seen: set[Pair]) -> bool:
        for pair in options[m]:
            if pair in seen:
                continue
            seen.add(pair)
            if len(holders[pair]) < capacity[pair]:
                holders[pair].append(m)
                assigned[m] = pair
                return True
            for other in list(holders[pair]):
                if augment(other, seen):
                    holders[pair].remove(other)
                    holders[pair].append(m)
                    assigned[m] = pair
                    return True
        return False

    # Meetings with their preferred pair and with fewer options go first: fewer paths to undo.
    for m in sorted(meetings, key=lambda m: (m not in wished, len(options[m]))):
        augment(m, set())
    return assigned

"""Table numbers for on-site meetings, keeping each participant at one table where possible.

Any slot with at most n_tables meetings can be seated, so this never fails; it only tries to give each
participant a "home" table (the first one it sits at) and to keep others off it. A locked meeting gets
its locked table, then a meeting still in its published slot keeps its published table if it is free
(two locks on one table are refused before solving: ``locks.lock_conflicts``).
"""

from __future__ import annotations

from collections import defaultdict

from kakehashi.scheduling.problem import Problem


def assign_tables(problem: Problem, onsite: dict[int, int]) -> dict[int, int]:
    """meeting -> table for meetings held on site (``onsite`` maps meeting -> slot)."""
    meetings_of = problem.meetings_of()
    load = [len(ms) for ms in meetings_of]
    home: dict[int, int] = {}
    by_slot: defaultdict[int, list[int]] = defaultdict(list)
    for m, t in onsite.items():
        by_slot[t].append(m)
    tables: dict[int, int] = {}
    for t in sorted(by_slot):
        # Busiest participants choose first: they have the most table changes to lose.
        ordered = sorted(by_slot[t], key=lambda m: -max(load[p] for p in problem.meetings[m].participants))
        free = set(range(problem.n_tables))
        for m in _keep_first(problem, by_slot[t], t, free, tables):
            ordered.remove(m)
        for m in ordered:
            table = _pick(problem, m, free, home, load)
            free.discard(table)
            tables[m] = table
            for p in problem.meetings[m].participants:
                home.setdefault(p, table)
    return tables


def _pick(problem: Problem, m: int, free: set[int], home: dict[int, int], load: list[int]) -> int:
    a, b = problem.meetings[m].participants
    wished = [home[p] for p in sorted((a, b), key=lambda p: -load[p]) if p in home and home[p] in free]
    if wished:
        return wished[0]
    taken_homes = set(home.values())
    unclaimed = sorted(free - taken_homes)
    return unclaimed[0] if unclaimed else min(free)


def _keep_first(
    problem: Problem, meetings: list[int], t: int, free: set[int], tables: dict[int, int]
) -> list[int]:
    """Seat locked meetings at their table, then meetings in their published slot at their old table."""
    seated: list[int] = []
    for field in ("lock", "previous"):
        for m in meetings:
            place = getattr(problem.meetings[m], field)
            if m in tables or place is None or place.slot != t or place.table not in free:
                continue
            tables[m] = place.table
            free.discard(place.table)
            seated.append(m)
    return seated

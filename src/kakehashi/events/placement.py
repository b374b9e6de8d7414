"""After the solver: interpreters served in every slot (moving or dropping what they cannot serve) and
tables given with as few changes as possible (a meeting keeps its table when it stays in its slot). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kakehashi.events.interpreters import Need, serve_slot, slot_supply
from kakehashi.scheduling.problem import Assignment, Problem


@dataclass(frozen=True, slots=True)
class Placed:
    """Meeting index -> slot, table index (None online) and interpreter pair (None when not needed)."""

    slot: dict[int, int]
    table: dict[int, int | None]
    interpreter: dict[int, str | None]
    dropped_for_interpreters: list[int] = field(default_factory=list)
    moved_for_interpreters: list[int] = field(default_factory=list)


@dataclass
class _Occupancy:
    problem: Problem
    busy: set[tuple[int, int]] = field(default_factory=set)  # (participant, slot)
    onsite: dict[int, int] = field(default_factory=dict)  # slot -> meetings at tables
    online: dict[int, int] = field(default_factory=dict)

    def add(self, m: int, slot: int, online: bool) -> None:
        meeting = self.problem.meetings[m]
        self.busy.update({(meeting.a, slot), (meeting.b, slot)})
        counts = self.online if online else self.onsite
        counts[slot] = counts.get(slot, 0) + 1

    def remove(self, m: int, slot: int, online: bool) -> None:
        meeting = self.problem.meetings[m]
        self.busy.difference_update({(meeting.a, slot), (meeting.b, slot)})
        counts = self.online if online else self.onsite
        counts[slot] -= 1

    def room(self, m: int, slot: int) -> bool | None:
        """None when ``m`` cannot go to ``slot``; else whether it goes online there."""
        meeting = self.problem.meetings[m]
        if (meeting.a, slot) in self.busy or (meeting.b, slot) in self.busy:
            return None
        if slot in self.problem.onsite_slots(m) and self.onsite.get(slot, 0) < self.problem.n_tables:
            return False
        if slot in self.problem.online_slots(m) and self.online.get(slot, 0) < self.problem.online_capacity:
            return True
        return None


def place(
    problem: Problem,
    assignments: list[Assignment],
    *,
    options: tuple[tuple[str, ...], ...],
    supply: Mapping[tuple[int, str], int],
    kept: frozenset[int],
    previous_table: Mapping[int, int | None],
) -> Placed:
    slot = {a.meeting: a.slot for a in assignments}
    online = {a.meeting: a.table is None for a in assignments}
    occupancy = _Occupancy(problem)
    for m, t in slot.items():
        occupancy.add(m, t, online[m])
    interpreter: dict[int, str | None] = dict.fromkeys(slot)
    used: dict[int, dict[str, int]] = {}
    dropped: list[int] = []
    moved: list[int] = []
    for t in sorted(set(slot.values())):
        needs = [Need(m, options[m], m in kept) for m, s in slot.items() if s == t and options[m]]
        serving = serve_slot(needs, slot_supply(supply, t))
        interpreter.update(serving.served)
        used[t] = _count(serving.served)
        for m in serving.unserved:
            occupancy.remove(m, t, online[m])
            del slot[m]
            del interpreter[m]
            target = _relocate(problem, m, options[m], occupancy, supply, used)
            if target is None:
                dropped.append(m)
                continue
            new_slot, is_online, pair = target
            slot[m], online[m], interpreter[m] = new_slot, is_online, pair
            occupancy.add(m, new_slot, is_online)
            used.setdefault(new_slot, {})[pair] = used.get(new_slot, {}).get(pair, 0) + 1
            moved.append(m)
    return Placed(
        slot=slot,
        table=_tables(problem, slot, online, previous_table),
        interpreter=interpreter,
        dropped_for_interpreters=dropped,
        moved_for_interpreters=moved,
    )


def _count(served: Mapping[int, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pair in served.values():
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def _relocate(
    problem: Problem,
    m: int,
    options: tuple[str, ...],
    occupancy: _Occupancy,
    supply: Mapping[tuple[int, str], int],
    used: dict[int, dict[str, int]],
) -> tuple[int, bool, str] | None:
    for t in range(problem.n_slots):
        is_online = occupancy.room(m, t)
        if is_online is None:
            continue
        for pair in options:
            if supply.get((t, pair), 0) > used.get(t, {}).get(pair, 0):
                return t, is_online, pair
    return None


def _tables(
    problem: Problem, slot: Mapping[int, int], online: Mapping[int, bool], previous: Mapping[int, int | None]
) -> dict[int, int | None]:
    """Tables per slot: a meeting keeps its previous table when free, the rest take the lowest free."""
    table: dict[int, int | None] = {}
    by_slot: dict[int, list[int]] = {}
    for m, t in slot.items():
        if online[m]:
            table[m] = None
        else:
            by_slot.setdefault(t, []).append(m)
    for _, meetings in sorted(by_slot.items()):
        taken: set[int] = set()
        waiting: list[int] = []
        for m in sorted(meetings):
            old = previous.get(m)
            if old is not None and old not in taken and old < problem.n_tables:
                table[m] = old
                taken.add(old)
            else:
                waiting.append(m)
        free = (k for k in range(problem.n_tables) if k not in taken)
        for m in waiting:
            table[m] = next(free)
    return table

"""Reasons why an instance has no agenda, found before (and instead of) a solver run.

Each check is a necessary condition, so a reason found here is a proof of infeasibility.
"""

from __future__ import annotations

from collections import Counter

from kakehashi.scheduling.problem import Problem, Session


def infeasibility_reasons(problem: Problem) -> list[str]:
    """Plain-language reasons (1-based numbers); empty when none of the quick checks fires."""
    if problem.choose_meetings:
        return []
    reasons = _meetings_without_slot(problem)
    reasons += _overbooked_participants(problem)
    reasons += _fixed_clashes(problem)
    reasons += _capacity(problem)
    reasons += _precedence_cycles(problem)
    return reasons


def _label(problem: Problem, p: int) -> str:
    return f"participant {p + 1}" + (f" ({problem.names[p]})" if problem.names else "")


def _meetings_without_slot(problem: Problem) -> list[str]:
    return [
        f"meeting {m + 1} ({_label(problem, mt.a)} with {_label(problem, mt.b)}) has no slot in its session "
        "where both are available"
        for m, mt in enumerate(problem.meetings)
        if not problem.onsite_slots(m) and not problem.online_slots(m)
    ]


def _overbooked_participants(problem: Problem) -> list[str]:
    """Hall's condition per participant for each session group: meetings <= open slots."""
    reasons: list[str] = []
    for p, ms in enumerate(problem.meetings_of()):
        groups = {
            "morning": [m for m in ms if problem.meetings[m].session is Session.MORNING],
            "afternoon": [m for m in ms if problem.meetings[m].session is Session.AFTERNOON],
            "the whole day": ms,
        }
        for name, group in groups.items():
            slots: set[int] = set()
            for m in group:
                slots.update(problem.onsite_slots(m))
                slots.update(problem.online_slots(m))
            if len(group) > len(slots):
                reasons.append(
                    f"{_label(problem, p)} has {len(group)} meetings in {name} but is available in only "
                    f"{len(slots)} slot(s) for them"
                )
                break
    return reasons


def _fixed_clashes(problem: Problem) -> list[str]:
    reasons: list[str] = []
    seen: dict[tuple[int, int], int] = {}
    per_slot: Counter[int] = Counter()
    for m, meeting in enumerate(problem.meetings):
        if meeting.fixed_slot is None:
            continue
        per_slot[meeting.fixed_slot] += 1
        for p in meeting.participants:
            other = seen.setdefault((p, meeting.fixed_slot), m)
            if other != m:
                reasons.append(
                    f"meetings {other + 1} and {m + 1} are both fixed to slot {meeting.fixed_slot + 1} "
                    f"for {_label(problem, p)}"
                )
    room = problem.n_tables + problem.online_capacity
    reasons += [
        f"{count} meetings are fixed to slot {t + 1} but only {room} can run at once"
        for t, count in sorted(per_slot.items())
        if count > room
    ]
    return reasons


def _capacity(problem: Problem) -> list[str]:
    room = problem.n_slots * (problem.n_tables + problem.online_capacity)
    if len(problem.meetings) > room:
        return [f"{len(problem.meetings)} meetings do not fit in {room} slot-table places"]
    return []


def _precedence_cycles(problem: Problem) -> list[str]:
    """Depth-first search for a cycle in 'must be before'."""
    state = [0] * len(problem.meetings)  # 0 new, 1 on stack, 2 done
    for root in range(len(problem.meetings)):
        if state[root]:
            continue
        stack = [(root, iter(problem.meetings[root].after))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state[child] == 1:
                return [f"precedences form a cycle through meetings {child + 1} and {node + 1}"]
            elif state[child] == 0:
                state[child] = 1
                stack.append((child, iter(problem.meetings[child].after)))
    return []

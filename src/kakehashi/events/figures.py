"""The figures of a run, as stored with it and shown on the scheduling page (pure): meetings held,
requested pairs not held and why, breaks, fairness, the proven bound."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kakehashi.events.placement import Placed
from kakehashi.events.problem_build import BuiltProblem
from kakehashi.scheduling.problem import Result, participant_breaks

# Why a requested pair is not in the agenda (labels in kakehashi.events.day_labels.UNMET_REASONS).
NO_COMMON_SLOT = "no_common_slot"
ONLINE_HOURS = "online_hours"
NO_INTERPRETER = "no_interpreter"
PARTICIPANT_FULL = "participant_full"
CAPACITY = "capacity"


def unmet_reason(built: BuiltProblem, placed: Placed, m: int) -> str:
    problem = built.problem
    meeting = problem.meetings[m]
    if m in placed.dropped_for_interpreters:
        return NO_INTERPRETER
    if not problem.onsite_slots(m) and not problem.online_slots(m):
        return ONLINE_HOURS if not meeting.onsite and not meeting.online_slots else NO_COMMON_SLOT
    for p in meeting.participants:
        open_slots = problem.n_slots - len(problem.forbidden[p])
        held = sum(1 for k in placed.slot if p in problem.meetings[k].participants)
        if held >= open_slots:
            return PARTICIPANT_FULL
    return CAPACITY


def run_figures(
    built: BuiltProblem, placed: Placed, result: Result, names: Mapping[int, str], *, seconds: float
) -> dict[str, Any]:
    problem = built.problem
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    for m, t in placed.slot.items():
        for p in problem.meetings[m].participants:
            busy[p].append(t)
    active = [p for p, ms in enumerate(problem.meetings_of()) if ms]
    breaks = [participant_breaks(busy[p]) for p in active]
    unmet = [
        _unmet(built, names, m, unmet_reason(built, placed, m))
        for m in range(len(problem.meetings))
        if m not in placed.slot
    ]
    unmet += [
        {
            "a": a,
            "b": b,
            "a_name": names.get(a, ""),
            "b_name": names.get(b, ""),
            "priority": pr,
            "reason": why,
        }
        for a, b, pr, why in built.excluded
    ]
    unmet.sort(key=lambda u: (-int(u["priority"]), u["a"], u["b"]))
    held = sum(problem.meetings[m].priority for m in placed.slot)
    requested = sum(m.priority for m in problem.meetings) + sum(e[2] for e in built.excluded)
    return {
        "status": str(result.status),
        "meetings_requested": len(problem.meetings) + len(built.excluded),
        "meetings_held": len(placed.slot),
        "online_meetings": sum(1 for t in placed.table.values() if t is None),
        "interpreted_meetings": sum(1 for p in placed.interpreter.values() if p is not None),
        "priority_requested": requested,
        "priority_held": held,
        "priority_bound": max(result.priority_bound, held),
        "breaks": sum(breaks),
        "max_breaks": max(breaks, default=0),
        "fairness": (max(breaks) - min(breaks)) if breaks else 0,
        "unmet": unmet,
        "moved_for_interpreters": len(placed.moved_for_interpreters),
        "seconds": round(seconds, 2),
    }


def _unmet(built: BuiltProblem, names: Mapping[int, str], m: int, reason: str) -> dict[str, Any]:
    a, b = built.pairs[m]
    return {
        "a": a,
        "b": b,
        "a_name": names.get(a, ""),
        "b_name": names.get(b, ""),
        "priority": built.problem.meetings[m].priority,
        "reason": reason,
    }

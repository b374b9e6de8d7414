"""The figures of a run, as stored with it and shown on the scheduling page (pure): meetings held,
requested pairs not held and why (the solver's reasons), breaks, fairness, the proven bound, and the
published meetings it had to change and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kakehashi.events.problem_build import BuiltProblem
from kakehashi.scheduling.problem import Result, participant_breaks

# Why a requested pair is not in the agenda: the solver's UnmetReason values, and "participant_left".
UNMET_REASONS = (
    "no_common_slot",
    "no_interpreter",
    "no_table",
    "no_interpreter_left",
    "priority",
    "not_chosen",
    "participant_left",
)


def run_figures(
    built: BuiltProblem, result: Result, names: Mapping[int, str], *, seconds: float
) -> dict[str, Any]:
    problem = built.problem
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    for a in result.assignments:
        for p in problem.meetings[a.meeting].participants:
            busy[p].append(a.slot)
    active = [p for p, ms in enumerate(problem.meetings_of()) if ms]
    breaks = [participant_breaks(busy[p]) for p in active]
    unmet = [_pair(built, names, u.meeting, reason=str(u.reason)) for u in result.unmet]
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
    held = sum(problem.meetings[a.meeting].priority for a in result.assignments)
    return {
        "status": str(result.status),
        "meetings_requested": len(problem.meetings) + len(built.excluded),
        "meetings_held": len(result.assignments),
        "online_meetings": sum(1 for a in result.assignments if a.online),
        "interpreted_meetings": sum(1 for a in result.assignments if a.interpreter is not None),
        "priority_requested": sum(m.priority for m in problem.meetings) + sum(e[2] for e in built.excluded),
        "priority_held": held,
        "priority_bound": max(result.priority_bound, held),
        "breaks": sum(breaks),
        "max_breaks": max(breaks, default=0),
        "fairness": (max(breaks) - min(breaks)) if breaks else 0,
        "unmet": unmet,
        "changed": [
            {**_pair(built, names, c.meeting, reason=str(c.reason)), "kind": str(c.kind)}
            for c in result.changes
        ],
        "seconds": round(seconds, 2),
    }


def _pair(built: BuiltProblem, names: Mapping[int, str], m: int, *, reason: str) -> dict[str, Any]:
    a, b = built.pairs[m]
    return {
        "a": a,
        "b": b,
        "a_name": names.get(a, ""),
        "b_name": names.get(b, ""),
        "priority": built.problem.meetings[m].priority,
        "reason": reason,
    }

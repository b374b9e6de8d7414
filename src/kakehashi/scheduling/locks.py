"""Locked meetings that cannot all be held as locked, and meetings moved by hand to a place where they
cannot be held: each problem names the meeting(s) and the slot.

The organiser locks a meeting to a slot and a table (or online). Before a run, these are checked on
their own (availability, session and online hours, two locks on one table or one participant, online
places, interpreters present for the locked meetings that need one), so that a bad lock is refused with
a clear message instead of a run that finds nothing. Numbers in the messages are 1-based.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from kakehashi.errors import FieldProblem
from kakehashi.scheduling.interpreters import match_slot
from kakehashi.scheduling.problem import Assignment, Placement, Problem


def lock_conflicts(problem: Problem) -> list[FieldProblem]:
    locked = [(m, meeting.lock) for m, meeting in enumerate(problem.meetings) if meeting.lock is not None]
    found: list[FieldProblem] = []
    seats: dict[tuple[int, int], int] = {}
    people: dict[tuple[int, int], int] = {}
    online: defaultdict[int, int] = defaultdict(int)
    needing: defaultdict[int, list[int]] = defaultdict(list)
    for m, lock in locked:
        meeting = problem.meetings[m]
        where = f"meetings[{m + 1}].lock"
        params = {"meeting": m + 1, "slot": lock.slot + 1}
        allowed = problem.online_slots(m) if lock.online else problem.onsite_slots(m)
        if lock.slot not in allowed:
            found.append(_not_allowed(problem, m, lock.slot, where))
        for p in meeting.participants:
            other = people.setdefault((p, lock.slot), m)
            if other != m:
                found.append(
                    FieldProblem(
                        where,
                        "meetings %(first)s and %(meeting)s are locked to slot %(slot)s with the same "
                        "participant",
                        params={**params, "first": other + 1},
                    )
                )
        if lock.table is None:
            online[lock.slot] += 1
        else:
            other = seats.setdefault((lock.slot, lock.table), m)
            if other != m:
                found.append(
                    FieldProblem(
                        where,
                        "meetings %(first)s and %(meeting)s are locked to the same table in slot %(slot)s",
                        params={**params, "first": other + 1},
                    )
                )
        if problem.interpreter_pairs(meeting) is not None:
            needing[lock.slot].append(m)
    for t, count in sorted(online.items()):
        if count > problem.online_capacity:
            found.append(
                FieldProblem(
                    "online_capacity",
                    "slot %(slot)s has %(count)s locked online meetings but room for %(capacity)s",
                    params={"slot": t + 1, "count": count, "capacity": problem.online_capacity},
                )
            )
    for t, meetings in sorted(needing.items()):
        served = len(match_slot(problem, t, meetings))
        if served < len(meetings):
            found.append(
                FieldProblem(
                    "interpreters",
                    "slot %(slot)s: locked meetings need %(needed)s interpreters, only %(served)s can be "
                    "served by those present",
                    params={"slot": t + 1, "needed": len(meetings), "served": served},
                )
            )
    return found


def _not_allowed(problem: Problem, m: int, t: int, where: str) -> FieldProblem:
    meeting = problem.meetings[m]
    params: dict[str, object] = {"meeting": m + 1, "slot": t + 1}
    absent = [p for p in meeting.participants if t in problem.forbidden[p]]
    if absent:
        params["participant"] = problem.names[absent[0]] if problem.names else absent[0] + 1
        return FieldProblem(
            where,
            "meeting %(meeting)s is locked to slot %(slot)s, when participant %(participant)s is not available",
            params=params,
        )
    return FieldProblem(
        where,
        "meeting %(meeting)s cannot be held as locked in slot %(slot)s (session, online hours or "
        "interpreters)",
        params=params,
    )


def move_conflicts(
    problem: Problem, agenda: Iterable[Assignment], m: int, place: Placement
) -> list[FieldProblem]:
    """Why meeting ``m`` cannot be moved by hand to ``place`` in ``agenda`` (empty: the move is valid).

    Checked against the rest of the agenda: the parties' availability, session and online hours, the
    table or an online place, the parties' other meetings in that slot, and an interpreter of a fitting
    pair left in that slot (the others keep theirs, re-matched if needed)."""
    meeting = problem.meetings[m]
    others = [a for a in agenda if a.meeting != m and a.slot == place.slot]
    where = f"meetings[{m + 1}]"
    params: dict[str, object] = {"meeting": m + 1, "slot": place.slot + 1}
    found: list[FieldProblem] = []
    for p in meeting.participants:
        if place.slot in problem.forbidden[p]:
            found.append(
                FieldProblem(
                    where,
                    "participant %(participant)s is not available in slot %(slot)s",
                    params={**params, "participant": _name(problem, p)},
                )
            )
        for a in others:
            if p in problem.meetings[a.meeting].participants:
                found.append(
                    FieldProblem(
                        where,
                        "participant %(participant)s already has meeting %(other)s in slot %(slot)s",
                        params={**params, "participant": _name(problem, p), "other": a.meeting + 1},
                    )
                )
    unlocked = replace(meeting, lock=None, fixed_slot=None)
    free = replace(problem, meetings=(*problem.meetings[:m], unlocked, *problem.meetings[m + 1 :]))
    allowed = free.online_slots(m) if place.online else free.onsite_slots(m)
    if place.slot not in allowed and not found:
        found.append(
            FieldProblem(
                where,
                "meeting %(meeting)s cannot be held in slot %(slot)s (session, online hours or interpreters)",
                params=params,
            )
        )
    found.extend(_room_conflicts(problem, others, m, place, where, params))
    return found


def _room_conflicts(
    problem: Problem,
    others: list[Assignment],
    m: int,
    place: Placement,
    where: str,
    params: dict[str, object],
) -> list[FieldProblem]:
    found: list[FieldProblem] = []
    if place.online:
        if sum(1 for a in others if a.online) >= problem.online_capacity:
            found.append(FieldProblem(where, "slot %(slot)s has no online place left", params=params))
    else:
        for a in others:
            if a.table == place.table:
                found.append(
                    FieldProblem(
                        where,
                        "table %(table)s is taken by meeting %(other)s in slot %(slot)s",
                        params={**params, "table": (place.table or 0) + 1, "other": a.meeting + 1},
                    )
                )
    if problem.interpreter_pairs(problem.meetings[m]) is not None:
        needing = [
            a.meeting for a in others if problem.interpreter_pairs(problem.meetings[a.meeting]) is not None
        ]
        if len(match_slot(problem, place.slot, [*needing, m])) <= len(needing):
            found.append(
                FieldProblem(
                    where, "slot %(slot)s has no interpreter left for meeting %(meeting)s", params=params
                )
            )
    return found


def _name(problem: Problem, p: int) -> object:
    return problem.names[p] if problem.names else p + 1

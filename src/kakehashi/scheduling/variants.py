"""Crafted hard variants of real request lists: fewer tables, most meetings bound to the morning.

The held-out event instances that stalled the solver share one shape (issue 11): meetings per slot close
to the number of tables, most meetings bound to one session, and participants with many meetings inside
that session. ``tight_variant`` gives a real list (the Forum 2014 lists in ``shared/data/b2b-dev``) that
shape while keeping it plausibly feasible: a meeting is bound to the morning only while both parties
still have a free morning slot for it and the morning's table-slots are not over-booked, and tables are
cut only down to what the session loads allow. A binding that would force a break on a party (its
meetings no longer fit one run of slots) is skipped: the held-out hard instances have optimum 1, so
their difficulty is not in forced breaks.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace

from kakehashi.scheduling.bounds import fits_one_block
from kakehashi.scheduling.problem import Meeting, Problem, Session


def tight_variant(
    problem: Problem,
    *,
    seed: int,
    morning_share: float = 0.0,
    table_slack: float | None = None,
    morning_fill: float = 0.95,
) -> Problem:
    """``morning_share``: share of free meetings bound to the morning; ``table_slack``: tables = the
    busiest session's meetings per slot times (1 + slack), rounded up (None keeps the tables)."""
    rng = random.Random(seed)
    morning = problem.morning_end
    meetings = list(problem.meetings)
    room = [_open_slots(problem, p, range(morning)) for p in range(problem.n_participants)]
    load = [0] * problem.n_participants
    for m in meetings:
        if m.session is Session.MORNING:
            load[m.a] += 1
            load[m.b] += 1
    cap = int(morning_fill * morning * min(problem.n_tables, _tables_for(problem, table_slack)))
    bound = sum(1 for m in meetings if m.session is Session.MORNING)
    order = list(range(len(meetings)))
    rng.shuffle(order)
    for i in order:
        m = meetings[i]
        if m.session is not Session.ANY or m.fixed_slot is not None or rng.random() >= morning_share:
            continue
        if bound >= cap or load[m.a] >= room[m.a] - 1 or load[m.b] >= room[m.b] - 1:
            continue
        meetings[i] = replace(m, session=Session.MORNING)
        if not all(_still_one_block(problem, meetings, p) for p in m.participants):
            meetings[i] = m  # binding it would force a break on a party: not the shape sought
            continue
        load[m.a] += 1
        load[m.b] += 1
        bound += 1
    tight = replace(problem, meetings=tuple(meetings))
    if table_slack is None:
        return tight
    return replace(tight, n_tables=min(problem.n_tables, _tables_for(tight, table_slack)))


def _still_one_block(problem: Problem, meetings: list[Meeting], p: int) -> bool:
    """Whether p's meetings still fit one run of consecutive slots (if they did in the original)."""
    trial = replace(problem, meetings=tuple(meetings))
    mine = [k for k, m in enumerate(meetings) if p in m.participants]
    before = {k: problem.onsite_slots(k) for k in mine}
    if not fits_one_block(before, problem.n_slots):
        return True
    return fits_one_block({k: trial.onsite_slots(k) for k in mine}, problem.n_slots)


def _open_slots(problem: Problem, p: int, slots: range) -> int:
    return sum(1 for t in slots if t not in problem.forbidden[p])


def _tables_for(problem: Problem, slack: float | None) -> int:
    """Tables so that the busiest session's meetings per slot is close to them."""
    if slack is None:
        return problem.n_tables
    morning = problem.morning_end
    afternoon = problem.n_slots - morning
    in_morning = sum(1 for m in problem.meetings if m.session is Session.MORNING)
    in_afternoon = sum(1 for m in problem.meetings if m.session is Session.AFTERNOON)
    free = len(problem.meetings) - in_morning - in_afternoon
    loads = [len(problem.meetings) / problem.n_slots]
    if morning:
        loads.append(in_morning / morning)
    if afternoon:
        loads.append(in_afternoon / afternoon)
        loads.append((in_afternoon + free) / afternoon if not morning else 0)
    return max(1, math.ceil(max(loads) * (1 + slack)))


def session_load(problem: Problem) -> dict[str, float]:
    """Meetings per slot bound to each session and overall, against the tables (for reports)."""
    morning = problem.morning_end
    afternoon = problem.n_slots - morning
    count = {s: sum(1 for m in problem.meetings if m.session is s) for s in Session}
    return {
        "tables": float(problem.n_tables),
        "per_slot": len(problem.meetings) / problem.n_slots,
        "morning_bound_per_slot": count[Session.MORNING] / morning if morning else 0.0,
        "afternoon_bound_per_slot": count[Session.AFTERNOON] / afternoon if afternoon else 0.0,
        "morning_bound_share": count[Session.MORNING] / max(1, len(problem.meetings)),
    }

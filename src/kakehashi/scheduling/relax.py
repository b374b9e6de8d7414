"""Upper bound on the priority that can be held: the LP relaxation of the time-indexed model (GLOP).

CP-SAT's own bound on the 5,000-request platform model stays loose for minutes on two cores; the LP of
the same model (each meeting at most once, one meeting per participant and slot, tables and online
capacity per slot) solves in seconds and is a valid upper bound for any agenda.
"""

from __future__ import annotations

import math

from ortools.linear_solver import pywraplp

from kakehashi.scheduling.problem import Problem


def priority_lp_bound(problem: Problem, *, time_limit: float = 60.0) -> int | None:
    """floor(LP optimum), or None when GLOP does not finish in time."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    lp.SetTimeLimit(int(time_limit * 1000))
    per_cell: dict[tuple[int, int], list[pywraplp.Variable]] = {}
    slot_vars: dict[tuple[int, int], list[pywraplp.Variable]] = {}  # (meeting, slot) -> variables
    onsite_slot: dict[int, list[pywraplp.Variable]] = {}
    online_slot: dict[int, list[pywraplp.Variable]] = {}
    objective = lp.Objective()
    for m, meeting in enumerate(problem.meetings):
        options = []
        for t in problem.onsite_slots(m):
            v = lp.NumVar(0.0, 1.0, f"onsite[{m},{t}]")
            onsite_slot.setdefault(t, []).append(v)
            options.append((t, v))
        for t in problem.online_slots(m):
            v = lp.NumVar(0.0, 1.0, f"online[{m},{t}]")
            online_slot.setdefault(t, []).append(v)
            options.append((t, v))
        if not options:
            continue
        lp.Add(lp.Sum([v for _t, v in options]) <= 1)
        for t, v in options:
            slot_vars.setdefault((m, t), []).append(v)
            objective.SetCoefficient(v, meeting.priority)
            for p in meeting.participants:
                per_cell.setdefault((p, t), []).append(v)
    for cell in per_cell.values():
        if len(cell) > 1:
            lp.Add(lp.Sum(cell) <= 1)
    _interpreter_rows(lp, problem, slot_vars)
    for per_slot, capacity in ((onsite_slot, problem.n_tables), (online_slot, problem.online_capacity)):
        for variables in per_slot.values():
            if len(variables) > capacity:
                lp.Add(lp.Sum(variables) <= capacity)
    objective.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value: float = objective.Value()
    return math.floor(value + 1e-6)


def _interpreter_rows(
    lp: pywraplp.Solver, problem: Problem, slot_vars: dict[tuple[int, int], list[pywraplp.Variable]]
) -> None:
    """Valid for any agenda: per slot, meetings with a single fitting pair at most that pair's
    interpreters; all meetings needing one at most the interpreters of their pairs together."""
    single: dict[tuple[tuple[str, str], int], list[pywraplp.Variable]] = {}
    needing: dict[int, tuple[set[tuple[str, str]], list[pywraplp.Variable]]] = {}
    pairs_of = [problem.interpreter_pairs(meeting) for meeting in problem.meetings]
    for (m, t), variables in slot_vars.items():
        pairs = pairs_of[m]
        if pairs is None:
            continue
        open_pairs = [p for p in pairs if problem.interpreters_at(p, t) > 0]
        if len(open_pairs) == 1:
            single.setdefault((open_pairs[0], t), []).extend(variables)
        pool, users = needing.setdefault(t, (set(), []))
        pool.update(open_pairs)
        users.extend(variables)
    for (pair, t), variables in single.items():
        if len(variables) > problem.interpreters_at(pair, t):
            lp.Add(lp.Sum(variables) <= problem.interpreters_at(pair, t))
    for t, (pool, users) in needing.items():
        capacity = sum(problem.interpreters_at(p, t) for p in pool)
        if len(users) > capacity:
            lp.Add(lp.Sum(users) <= capacity)

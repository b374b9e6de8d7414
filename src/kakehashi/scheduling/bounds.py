"""Per-participant lower bounds on breaks, each proved on the participant alone.

A participant's own meetings, sessions and unavailable slots can force breaks whatever the others do
(say, morning-only and afternoon-only meetings around a forbidden noon). Solving that one-participant
problem exactly is tiny and gives the full model a bound that its LP relaxation does not see.
"""

from __future__ import annotations

import time

from kakehashi.scheduling.problem import Problem


def participant_lower_bounds(
    problem: Problem, *, time_limit: float = 1.0, until: float | None = None
) -> list[int]:
    """Minimum breaks of each participant alone (0 when meetings are optional or unproven, or when
    ``until`` (time.monotonic()) has passed: 0 is always a valid bound)."""
    if problem.choose_meetings:
        return [0] * problem.n_participants
    bounds = []
    for ms in problem.meetings_of():
        left = time_limit if until is None else min(time_limit, until - time.monotonic())
        bounds.append(_alone(problem, ms, left) if left > 0.05 else 0)
    return bounds


def _alone(problem: Problem, meetings: list[int], time_limit: float) -> int:
    if len(meetings) <= 1:
        return 0
    options = {m: sorted(set(problem.onsite_slots(m)) | set(problem.online_slots(m))) for m in meetings}
    if all(opts == list(range(problem.n_slots)) for opts in options.values()):
        return 0
    if fits_one_block(options, problem.n_slots):
        return 0  # most participants: a cheap matching test instead of a CP-SAT model (about 50 ms each)
    from ortools.sat.python import cp_model  # only for the participants that need it

    model = cp_model.CpModel()
    x = {(m, t): model.new_bool_var(f"x[{m},{t}]") for m, opts in options.items() for t in opts}
    for m, opts in options.items():
        model.add_exactly_one(x[m, t] for t in opts)
    busy = []
    for t in range(problem.n_slots):
        cell = [v for (_m, tt), v in x.items() if tt == t]
        used = model.new_bool_var(f"busy[{t}]")
        model.add(used == sum(cell))
        busy.append(used)
    runs = [busy[0]]
    for t in range(1, problem.n_slots):
        start = model.new_bool_var(f"start[{t}]")
        model.add_bool_or([busy[t].Not(), busy[t - 1], start])
        runs.append(start)
    model.minimize(sum(runs))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0
    return max(0, int(solver.best_objective_bound + 0.999) - 1)


def fits_one_block(options: dict[int, list[int]], n_slots: int) -> bool:
    """Whether some n consecutive slots can hold the n meetings, one each (bipartite matching)."""
    n = len(options)
    return any(_matches(options, set(range(s, s + n))) for s in range(n_slots - n + 1))


def _matches(options: dict[int, list[int]], block: set[int]) -> bool:
    owner: dict[int, int] = {}

    def place(m: int, tried: set[int]) -> bool:
        for t in options[m]:
            if t in block and t not in tried:
                tried.add(t)
                if t not in owner or place(owner[t], tried):
                    owner[t] = m
                    return True
        return False

    return all(place(m, set()) for m in options)

"""Solve a Problem with CP-SAT: status, objective, bound, time; best agenda so far on time-out.

Benchmark mode (every meeting held): minimise total breaks under fairness.
Platform mode (``choose_meetings``): first maximise the priority held, then, keeping that priority,
minimise breaks; the two phases share the time limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from ortools.sat.python import cp_model

from kakehashi.scheduling.bounds import participant_lower_bounds
from kakehashi.scheduling.explain import infeasibility_reasons
from kakehashi.scheduling.greedy import greedy_by_priority
from kakehashi.scheduling.model import B2BModel, build_model
from kakehashi.scheduling.problem import Assignment, Problem, Result, Status, participant_breaks
from kakehashi.scheduling.relax import priority_lp_bound
from kakehashi.scheduling.repair import improve
from kakehashi.scheduling.sat import sat_applies
from kakehashi.scheduling.sat_search import SatPhase, sat_phase
from kakehashi.scheduling.tables import assign_tables

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class SolveOptions:
    time_limit: float = 30.0
    fairness: int | None = 2
    threads: int = 2
    seed: int = 0
    priority_share: float = 0.5  # of the time limit given to the priority phase in platform mode
    probe_tries: int = 2  # tries (different seeds) at the proven bound before loosening k
    probe_try_share: float = 0.5  # of the probe window per try
    probe_share: float = 0.5  # of the time limit for "an agenda with k breaks?" questions from the bound up
    engine: Literal["auto", "cpsat"] = (
        "auto"  # "auto": SAT questions first where they apply (sat.sat_applies); "cpsat": never
    )
    sat_share: float = 0.8  # of the time limit for the SAT questions before CP-SAT takes over


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, phase: str, progress: Progress | None, started: float) -> None:
        super().__init__()
        self.phase = phase
        self.progress = progress
        self.started = started

    def on_solution_callback(self) -> None:
        if self.progress is not None:
            self.progress(
                f"{self.phase}: {self.objective_value:g} (bound {self.best_objective_bound:g}) "
                f"after {time.monotonic() - self.started:.1f}s"
            )


def solve(
    problem: Problem, options: SolveOptions | None = None, *, progress: Progress | None = None
) -> Result:
    opts = options or SolveOptions()
    started = time.monotonic()
    reasons = infeasibility_reasons(problem)
    if reasons:
        return _infeasible(problem, "; ".join(reasons), started)
    lower = participant_lower_bounds(problem)
    if (
        opts.fairness is not None
        and problem.choose_meetings is False
        and _spread_impossible(problem, lower, opts)
    ):
        return _infeasible(problem, _fairness_reason(lower, opts.fairness), started)
    if problem.choose_meetings:
        return _solve_platform(problem, opts, progress, started)
    return _solve_breaks(problem, lower, opts, progress, started)


def _spread_impossible(problem: Problem, lower: list[int], opts: SolveOptions) -> bool:
    forced_zero = any(len(ms) == 1 for ms in problem.meetings_of())
    return forced_zero and opts.fairness is not None and max(lower, default=0) > opts.fairness


def _fairness_reason(lower: list[int], fairness: int) -> str:
    p = max(range(len(lower)), key=lambda i: lower[i])
    return (
        f"participant {p + 1} cannot have fewer than {lower[p]} breaks (its sessions and unavailable slots), "
        f"but someone with a single meeting has none and fairness allows a difference of {fairness}"
    )


def _solver(opts: SolveOptions, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = max(1, opts.threads)
    solver.parameters.random_seed = opts.seed
    return solver


def _solve_breaks(
    problem: Problem, lower: list[int], opts: SolveOptions, progress: Progress | None, started: float
) -> Result:
    """Bottom-up probes, then top-down: ask "is there an agenda with at most k breaks?" from the proven
    bound k up (every "no" proves k + 1); a question that runs out of its time share is asked again with a
    looser k (1, 2, 4 more); the first agenda found seeds a minimisation from the bound.

    On these instances the optimum often equals the per-participant bound, and the question with a tight
    k propagates far better than an open objective, which starts from agendas with dozens of breaks.
    """
    bound = sum(lower)
    deadline = started + opts.time_limit
    sat: SatPhase | None = None
    if opts.engine == "auto" and sat_applies(problem):
        sat = sat_phase(problem, lower, opts.fairness, started + opts.time_limit * opts.sat_share, progress)
        if sat.infeasible:
            return _infeasible(problem, _explain_after_solve(problem, opts), started)
        if sat.slots is not None and sat.optimal:
            return _slots_result(problem, sat.slots, Status.OPTIMAL, started, sat.bound)
        bound = sat.bound
    probe_until = started + opts.time_limit * opts.probe_share
    k, step, attempt = bound, 1, 0
    window = probe_until - started
    found: tuple[B2BModel, cp_model.CpSolver] | None = None
    while found is None and time.monotonic() < probe_until - 0.5:
        left = probe_until - time.monotonic()
        probe = build_model(problem, fairness=opts.fairness, lower=lower)
        assert probe.total_breaks is not None
        probe.model.add(probe.total_breaks <= k)
        # Feasibility times are heavy-tailed: a second try with another seed beats one long try.
        solver = _solver(
            opts, min(left, window * opts.probe_try_share) if attempt < opts.probe_tries else left / 2
        )
        solver.parameters.random_seed = opts.seed + attempt
        attempt += 1
        code = solver.solve(probe.model)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = (probe, solver)
        elif code == cp_model.INFEASIBLE:
            if k == sum(lower) and not _feasible_ignoring_breaks(problem, opts, deadline):
                return _infeasible(problem, _explain_after_solve(problem, opts), started)
            bound = k + 1
            k = bound
            if progress is not None:
                progress(f"no agenda with fewer than {bound} breaks after {time.monotonic() - started:.1f}s")
        elif attempt >= opts.probe_tries:
            k, step = k + step, step * 2
    if found is not None:
        probe, solver = found
        first = _result(probe, solver, Status.FEASIBLE, started, bound)
        if progress is not None:
            progress(f"breaks: {first.breaks} (bound {bound}) after {time.monotonic() - started:.1f}s")
        if first.breaks == bound:
            return replace(first, status=Status.OPTIMAL, lower_bound=bound)
    b = build_model(problem, fairness=opts.fairness, lower=lower)
    assert b.total_breaks is not None
    b.model.add(b.total_breaks >= bound)
    b.model.minimize(b.total_breaks)
    if found is not None:
        for key, v in b.onsite.items():
            b.model.add_hint(v, found[1].boolean_value(found[0].onsite[key]))
    elif sat is not None and sat.slots is not None:
        _hint(b, tuple(Assignment(m, t, 0) for m, t in sat.slots.items()))
    solver = _solver(opts, deadline - time.monotonic())
    code = solver.solve(b.model, _Reporter("breaks", progress, started))
    if code == cp_model.INFEASIBLE:
        return _infeasible(problem, _explain_after_solve(problem, opts), started)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if found is not None:
            return replace(first, seconds=time.monotonic() - started)
        if sat is not None and sat.slots is not None:
            return _slots_result(problem, sat.slots, Status.FEASIBLE, started, bound)
        return _unknown(problem, solver, started, bound)
    status = Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE
    result = _result(b, solver, status, started, bound)
    if sat is not None and sat.slots is not None and (sat.breaks or 0) < (result.breaks or 0):
        return _slots_result(problem, sat.slots, Status.FEASIBLE, started, result.lower_bound)
    if (
        found is not None
        and first.breaks is not None
        and result.breaks is not None
        and first.breaks < result.breaks
    ):
        return replace(first, lower_bound=result.lower_bound, seconds=result.seconds)
    return result


def _feasible_ignoring_breaks(problem: Problem, opts: SolveOptions, deadline: float) -> bool:
    """Whether any agenda exists under fairness (a "no" at the first bound may mean no agenda at all)."""
    probe = build_model(problem, fairness=opts.fairness)
    solver = _solver(opts, max(1.0, deadline - time.monotonic()))
    return solver.solve(probe.model) != cp_model.INFEASIBLE


def _solve_platform(
    problem: Problem, opts: SolveOptions, progress: Progress | None, started: float
) -> Result:
    """Phase 1 maximises priority held (seeded with first-come), phase 2 minimises breaks keeping it."""
    lean = build_model(problem, fairness=None, with_breaks=False)
    lean.model.maximize(lean.priority_held)
    start = improve(problem, greedy_by_priority(problem).assignments)
    _hint(lean, tuple(Assignment(m, t, None if online else 0) for m, (t, online) in start.items()))
    first = _solver(opts, opts.time_limit * opts.priority_share)
    code = first.solve(lean.model, _Reporter("priority held", progress, started))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _unknown(problem, first, started)
    held = round(first.objective_value)
    lp_bound = priority_lp_bound(problem, time_limit=max(1.0, opts.time_limit * 0.25))
    bound = math.floor(first.best_objective_bound + 1e-6)
    if lp_bound is not None:
        bound = min(bound, lp_bound)
    priority_optimal = code == cp_model.OPTIMAL
    b = build_model(problem, fairness=opts.fairness)
    assert b.total_breaks is not None
    for key, v in b.onsite.items():
        b.model.add_hint(v, first.boolean_value(lean.onsite[key]))
    for key, v in b.online.items():
        b.model.add_hint(v, first.boolean_value(lean.online[key]))
    b.model.add(b.priority_held >= held)
    b.model.minimize(b.total_breaks)
    second = _solver(opts, opts.time_limit - (time.monotonic() - started))
    code2 = second.solve(b.model, _Reporter("breaks", progress, started))
    if code2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result = _result(b, first, Status.FEASIBLE, started)
    else:
        both = priority_optimal and code2 == cp_model.OPTIMAL
        result = _result(b, second, Status.OPTIMAL if both else Status.FEASIBLE, started)
    return _with_priority_bound(result, bound)


def _hint(b: B2BModel, agenda: tuple[Assignment, ...]) -> None:
    chosen = {(a.meeting, a.slot, a.online) for a in agenda}
    for (m, t), v in b.onsite.items():
        b.model.add_hint(v, (m, t, False) in chosen)
    for (m, t), v in b.online.items():
        b.model.add_hint(v, (m, t, True) in chosen)


def _with_priority_bound(result: Result, bound: int) -> Result:
    return Result(
        status=result.status,
        assignments=result.assignments,
        breaks=result.breaks,
        max_breaks=result.max_breaks,
        lower_bound=result.lower_bound,
        unscheduled=result.unscheduled,
        seconds=result.seconds,
        explanation=result.explanation,
        priority_held=result.priority_held,
        priority_bound=max(bound, result.priority_held),
        breaks_per_participant=result.breaks_per_participant,
    )


def _slots_result(
    problem: Problem, onsite: dict[int, int], status: Status, started: float, proven: int
) -> Result:
    """An agenda from the SAT questions (meeting -> slot, all on site), its bound proved by them."""
    result = _agenda_result(problem, onsite, {}, status, started)
    return replace(result, lower_bound=min(proven, result.breaks or 0))


def _result(
    b: B2BModel, solver: cp_model.CpSolver, status: Status, started: float, proven: int = 0
) -> Result:
    problem = b.problem
    onsite = {m: t for (m, t), v in b.onsite.items() if solver.boolean_value(v)}
    online = {m: t for (m, t), v in b.online.items() if solver.boolean_value(v)}
    result = _agenda_result(problem, onsite, online, status, started)
    per_participant = result.breaks_per_participant
    bound = solver.best_objective_bound if status is not Status.OPTIMAL else sum(per_participant)
    is_breaks_objective = not problem.choose_meetings or solver.objective_value == sum(per_participant)
    return replace(result, lower_bound=max(proven, math.ceil(bound - 1e-6)) if is_breaks_objective else 0)


def _agenda_result(
    problem: Problem, onsite: dict[int, int], online: dict[int, int], status: Status, started: float
) -> Result:
    tables = assign_tables(problem, onsite)
    assignments = [Assignment(m, t, tables[m]) for m, t in onsite.items()]
    assignments += [Assignment(m, t, None) for m, t in online.items()]
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    for a in assignments:
        for p in problem.meetings[a.meeting].participants:
            busy[p].append(a.slot)
    per_participant = tuple(participant_breaks(slots) for slots in busy)
    held = {a.meeting for a in assignments}
    return Result(
        status=status,
        assignments=tuple(sorted(assignments, key=lambda a: a.meeting)),
        breaks=sum(per_participant),
        max_breaks=max(per_participant, default=0),
        lower_bound=0,
        unscheduled=tuple(m for m in range(len(problem.meetings)) if m not in held),
        seconds=time.monotonic() - started,
        priority_held=sum(problem.meetings[m].priority for m in held),
        priority_bound=sum(problem.meetings[m].priority for m in held),
        breaks_per_participant=per_participant,
    )


def _infeasible(problem: Problem, reason: str, started: float) -> Result:
    return Result(
        status=Status.INFEASIBLE,
        assignments=(),
        breaks=None,
        max_breaks=None,
        lower_bound=0,
        unscheduled=tuple(range(len(problem.meetings))),
        seconds=time.monotonic() - started,
        explanation=reason,
    )


def _unknown(problem: Problem, solver: cp_model.CpSolver, started: float, proven: int = 0) -> Result:
    return Result(
        status=Status.UNKNOWN,
        assignments=(),
        breaks=None,
        max_breaks=None,
        lower_bound=max(proven, math.ceil(solver.best_objective_bound - 1e-6))
        if not problem.choose_meetings
        else 0,
        unscheduled=tuple(range(len(problem.meetings))),
        seconds=time.monotonic() - started,
        explanation="no agenda found within the time limit",
    )


def _explain_after_solve(problem: Problem, opts: SolveOptions) -> str:
    """CP-SAT proved infeasibility: say whether fairness is the cause."""
    if opts.fairness is None:
        return "no agenda satisfies tables, sessions, availability, fixed slots and precedences together"
    relaxed = build_model(problem, fairness=None)
    assert relaxed.total_breaks is not None
    relaxed.model.minimize(relaxed.total_breaks)
    solver = _solver(opts, 10.0)
    code = solver.solve(relaxed.model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return (
            f"agendas exist, but none where breaks of two participants differ by at most {opts.fairness}; "
            "raise --fairness"
        )
    return "no agenda satisfies tables, sessions, availability, fixed slots and precedences together"

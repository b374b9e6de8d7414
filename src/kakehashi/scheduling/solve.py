"""Solve a Problem: status, objective, bound, time; the best checked agenda so far at the time limit.

Benchmark mode (every meeting held): minimise total breaks under fairness (repaired first-come agenda,
SAT questions from both ends, then CP-SAT; see ``_solve_breaks``). The time limit is kept to within
about ``STOP_MARGIN`` plus one answer's reading (0.3 s stated in docs/scheduling.md).
Platform mode (``choose_meetings``): ``platform_mode.solve_platform`` (priority, then published
meetings kept, then breaks).
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

from ortools.sat.python import cp_model

from kakehashi.scheduling.bounds import participant_lower_bounds
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.explain import infeasibility_reasons
from kakehashi.scheduling.fallback import fallback_agenda
from kakehashi.scheduling.model import build_model
from kakehashi.scheduling.platform_mode import solve_platform
from kakehashi.scheduling.problem import Assignment, Problem, Result, Status
from kakehashi.scheduling.sat import sat_applies
from kakehashi.scheduling.sat_search import sat_phase
from kakehashi.scheduling.solving import (
    CPSAT_MIN_SECONDS,
    STOP_MARGIN,
    Progress,
    Reporter,
    SolveOptions,
    agenda_result,
    cpsat_solver,
    hint,
    infeasible_result,
    unknown_result,
)
from kakehashi.scheduling.tables import assign_tables

__all__ = ["Progress", "SolveOptions", "solve"]

FALLBACK_SHARE = 0.5  # of the time limit at most for the repaired first-come agenda ...
FALLBACK_SECONDS = 2.0  # ... and at most this (it ends once fair and locally optimal; 0.2 s on 282r, quiet)
BOUNDS_SHARE = 0.15  # of the time limit for the per-participant bounds (0 is valid when cut short)
SEARCH_MIN_SECONDS = 0.8  # with less left after the first agenda, no SAT or CP-SAT search is started


def solve(
    problem: Problem, options: SolveOptions | None = None, *, progress: Progress | None = None
) -> Result:
    opts = options or SolveOptions()
    started = time.monotonic()
    reasons = infeasibility_reasons(problem)
    if reasons:
        return infeasible_result(problem, "; ".join(reasons), started)
    lower = participant_lower_bounds(problem, until=started + opts.time_limit * BOUNDS_SHARE)
    if (
        opts.fairness is not None
        and problem.choose_meetings is False
        and _spread_impossible(problem, lower, opts)
    ):
        return infeasible_result(problem, _fairness_reason(lower, opts.fairness), started)
    if problem.choose_meetings:
        return solve_platform(problem, opts, progress, started)
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


class _Incumbent:
    """The best agenda so far (meeting -> slot, on site), accepted only when the independent checker
    passes it: tables, sessions, availability, precedences, every meeting held, fairness."""

    def __init__(self, problem: Problem, fairness: int | None) -> None:
        self.problem = problem
        self.fairness = fairness
        self.slots: dict[int, int] | None = None
        self.breaks: int | None = None
        self.found_at: float | None = None

    def offer(self, slots: dict[int, int] | None, found_at: float | None = None) -> bool:
        if slots is None:
            return False
        tables = assign_tables(self.problem, slots)
        report = check_agenda(
            self.problem, [Assignment(m, t, tables[m]) for m, t in slots.items()], fairness=self.fairness
        )
        if not report.ok or (self.breaks is not None and report.breaks >= self.breaks):
            return False
        self.slots, self.breaks = dict(slots), report.breaks
        self.found_at = time.monotonic() if found_at is None else found_at
        return True

    def result(self, bound: int, started: float, *, proved: bool = False) -> Result | None:
        if self.slots is None or self.breaks is None:
            return None
        optimal = proved or self.breaks <= bound
        status = Status.OPTIMAL if optimal else Status.FEASIBLE
        result = _slots_result(self.problem, self.slots, status, started, self.breaks if optimal else bound)
        found = None if self.found_at is None else self.found_at - started
        return replace(result, seconds_to_best=found)


def _solve_breaks(
    problem: Problem, lower: list[int], opts: SolveOptions, progress: Progress | None, started: float
) -> Result:
    """A repaired first-come agenda first (so every limit returns one), then SAT questions from both
    ends (``sat_search``), then CP-SAT minimising from the proven bound, seeded with the best agenda.
    Every agenda is judged by the checker before it is kept; the best one is returned at the limit."""
    deadline = started + opts.time_limit
    best = _Incumbent(problem, opts.fairness)
    quick = started + min(opts.time_limit * FALLBACK_SHARE, FALLBACK_SECONDS)
    searching = deadline - quick >= SEARCH_MIN_SECONDS
    if not searching:
        quick = deadline - STOP_MARGIN  # too short a limit for the SAT search: polish until the end
    if best.offer(fallback_agenda(problem, fairness=opts.fairness, until=quick)) and progress is not None:
        progress(f"first-come agenda, repaired: {best.breaks} breaks after {time.monotonic() - started:.1f}s")
    bound = sum(lower)
    if not searching:
        done = best.result(bound, started)
        return done if done is not None else unknown_result(problem, started, bound)
    if opts.engine == "auto" and sat_applies(problem):
        sat_until = started + opts.time_limit * opts.sat_share
        if deadline - sat_until < CPSAT_MIN_SECONDS:
            sat_until = deadline - STOP_MARGIN  # too little left for CP-SAT: the SAT search takes it all
        sat = sat_phase(problem, lower, opts.fairness, sat_until, progress, seed=best.slots)
        if sat.infeasible:
            return infeasible_result(problem, _explain_after_solve(problem, opts, deadline), started)
        best.offer(sat.slots, sat.found_at)
        bound = max(bound, sat.bound)
    else:
        bound = _cpsat_probes(problem, lower, opts, progress, started, best)
        if bound < 0:
            return infeasible_result(problem, _explain_after_solve(problem, opts, deadline), started)
    done = best.result(bound, started)
    if done is not None and done.status is Status.OPTIMAL:
        return done
    if deadline - time.monotonic() >= CPSAT_MIN_SECONDS:
        bound = _cpsat_minimise(problem, lower, opts, progress, started, best, bound)
        if bound < 0:
            return infeasible_result(problem, _explain_after_solve(problem, opts, deadline), started)
    done = best.result(bound, started)
    return done if done is not None else unknown_result(problem, started, bound)


def _cpsat_probes(
    problem: Problem,
    lower: list[int],
    opts: SolveOptions,
    progress: Progress | None,
    started: float,
    best: _Incumbent,
) -> int:
    """CP-SAT's questions "an agenda with at most k breaks?" from the proven bound k up (each "no"
    proves k + 1; a question that runs out of its share is asked again with a looser k); the proven
    bound, or -1 when there is no agenda at all.

    On these instances the optimum often equals the per-participant bound, and the question with a tight
    k propagates far better than an open objective, which starts from agendas with dozens of breaks.
    """
    bound = sum(lower)
    deadline = started + opts.time_limit
    probe_until = min(started + opts.time_limit * opts.probe_share, deadline - CPSAT_MIN_SECONDS)
    k, step, attempt = bound, 1, 0
    window = probe_until - started
    while time.monotonic() < probe_until - 0.5:
        left = probe_until - time.monotonic()
        probe = build_model(problem, fairness=opts.fairness, lower=lower)
        assert probe.total_breaks is not None
        probe.model.add(probe.total_breaks <= k)
        # Feasibility times are heavy-tailed: a second try with another seed beats one long try.
        solver = cpsat_solver(
            opts, min(left, window * opts.probe_try_share) if attempt < opts.probe_tries else left / 2
        )
        solver.parameters.random_seed = opts.seed + attempt
        attempt += 1
        code = solver.solve(probe.model)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best.offer({m: t for (m, t), v in probe.onsite.items() if solver.boolean_value(v)})
            if progress is not None:
                progress(f"breaks: {best.breaks} (bound {bound}) after {time.monotonic() - started:.1f}s")
            return bound
        if code == cp_model.INFEASIBLE:
            if k == sum(lower) and not _feasible_ignoring_breaks(problem, opts, deadline):
                return -1
            bound = k + 1
            k = bound
            if progress is not None:
                progress(f"no agenda with fewer than {bound} breaks after {time.monotonic() - started:.1f}s")
        elif attempt >= opts.probe_tries:
            k, step = k + step, step * 2
    return bound


def _cpsat_minimise(
    problem: Problem,
    lower: list[int],
    opts: SolveOptions,
    progress: Progress | None,
    started: float,
    best: _Incumbent,
    bound: int,
) -> int:
    """CP-SAT minimises from the proven bound, seeded with the best agenda; its agenda is offered to
    ``best``; the proven bound (-1: no agenda at all)."""
    deadline = started + opts.time_limit
    b = build_model(problem, fairness=opts.fairness, lower=lower)
    assert b.total_breaks is not None
    b.model.add(b.total_breaks >= bound)
    b.model.minimize(b.total_breaks)
    if best.slots is not None:
        hint(b, tuple(Assignment(m, t, 0) for m, t in best.slots.items()))
    solver = cpsat_solver(opts, deadline - time.monotonic() - STOP_MARGIN)
    reporter = Reporter("breaks", progress, started)
    code = solver.solve(b.model, reporter)
    if code == cp_model.INFEASIBLE:
        return -1 if best.slots is None else bound
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best.offer({m: t for (m, t), v in b.onsite.items() if solver.boolean_value(v)}, reporter.last)
        if code == cp_model.OPTIMAL:
            return max(bound, round(solver.objective_value))
    return max(bound, math.ceil(solver.best_objective_bound - 1e-6))


def _feasible_ignoring_breaks(problem: Problem, opts: SolveOptions, deadline: float) -> bool:
    """Whether any agenda exists under fairness (a "no" at the first bound may mean no agenda at all)."""
    probe = build_model(problem, fairness=opts.fairness)
    solver = cpsat_solver(opts, deadline - time.monotonic() - STOP_MARGIN)
    return solver.solve(probe.model) != cp_model.INFEASIBLE


def _slots_result(
    problem: Problem, onsite: dict[int, int], status: Status, started: float, proven: int
) -> Result:
    """An agenda from the SAT questions (meeting -> slot, all on site), its bound proved by them."""
    result = agenda_result(problem, onsite, {}, status, started)
    return replace(result, lower_bound=min(proven, result.breaks or 0))


def _explain_after_solve(problem: Problem, opts: SolveOptions, deadline: float) -> str:
    """CP-SAT proved infeasibility: say whether fairness is the cause."""
    if opts.fairness is None:
        return "no agenda satisfies tables, sessions, availability, fixed slots and precedences together"
    relaxed = build_model(problem, fairness=None)
    assert relaxed.total_breaks is not None
    relaxed.model.minimize(relaxed.total_breaks)
    solver = cpsat_solver(opts, min(10.0, deadline - time.monotonic() - STOP_MARGIN))
    code = solver.solve(relaxed.model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return (
            f"agendas exist, but none where breaks of two participants differ by at most {opts.fairness}; "
            "raise --fairness"
        )
    return "no agenda satisfies tables, sessions, availability, fixed slots and precedences together"

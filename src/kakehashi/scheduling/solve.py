"""Solve a Problem: status, objective, bound, time; the best checked agenda so far at the time limit.

Benchmark mode (every meeting held): minimise total breaks under fairness (repaired first-come agenda,
SAT questions from both ends, then CP-SAT; see ``_solve_breaks``). The time limit is kept to within
about ``STOP_MARGIN`` plus one answer's reading (0.3 s stated in docs/scheduling.md).
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

from kakehashi.errors import format_message
from kakehashi.scheduling.bounds import participant_lower_bounds
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.explain import infeasibility_reasons
from kakehashi.scheduling.fallback import fallback_agenda
from kakehashi.scheduling.interpreters import assign_interpreters
from kakehashi.scheduling.locks import lock_conflicts
from kakehashi.scheduling.model import B2BModel, build_model, keep_literals
from kakehashi.scheduling.outcome import changes, unmet_reasons
from kakehashi.scheduling.problem import Assignment, Problem, Result, Status, participant_breaks
from kakehashi.scheduling.relax import priority_lp_bound
from kakehashi.scheduling.repair import start_agenda
from kakehashi.scheduling.sat import sat_applies
from kakehashi.scheduling.sat_search import sat_phase
from kakehashi.scheduling.tables import assign_tables

Progress = Callable[[str], None]

FALLBACK_SHARE = 0.5  # of the time limit at most for the repaired first-come agenda ...
FALLBACK_SECONDS = 2.0  # ... and at most this (it ends once fair and locally optimal; 0.2 s on 282r, quiet)
BOUNDS_SHARE = 0.15  # of the time limit for the per-participant bounds (0 is valid when cut short)
CPSAT_MIN_SECONDS = 1.0  # CP-SAT is not started with less left (building its model takes 0.3 s on 282r)
SEARCH_MIN_SECONDS = 0.8  # with less left after the first agenda, no SAT or CP-SAT search is started
STOP_MARGIN = 0.1  # seconds kept back from CP-SAT's limit for reading its answer and the checker


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
        self.last: float | None = None  # time.monotonic() of the last solution

    def on_solution_callback(self) -> None:
        self.last = time.monotonic()
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
    lower = participant_lower_bounds(problem, until=started + opts.time_limit * BOUNDS_SHARE)
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
        return done if done is not None else _unknown(problem, started, bound)
    if opts.engine == "auto" and sat_applies(problem):
        sat_until = started + opts.time_limit * opts.sat_share
        if deadline - sat_until < CPSAT_MIN_SECONDS:
            sat_until = deadline - STOP_MARGIN  # too little left for CP-SAT: the SAT search takes it all
        sat = sat_phase(problem, lower, opts.fairness, sat_until, progress, seed=best.slots)
        if sat.infeasible:
            return _infeasible(problem, _explain_after_solve(problem, opts, deadline), started)
        best.offer(sat.slots, sat.found_at)
        bound = max(bound, sat.bound)
    else:
        bound = _cpsat_probes(problem, lower, opts, progress, started, best)
        if bound < 0:
            return _infeasible(problem, _explain_after_solve(problem, opts, deadline), started)
    done = best.result(bound, started)
    if done is not None and done.status is Status.OPTIMAL:
        return done
    if deadline - time.monotonic() >= CPSAT_MIN_SECONDS:
        bound = _cpsat_minimise(problem, lower, opts, progress, started, best, bound)
        if bound < 0:
            return _infeasible(problem, _explain_after_solve(problem, opts, deadline), started)
    done = best.result(bound, started)
    return done if done is not None else _unknown(problem, started, bound)


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
        solver = _solver(
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
        _hint(b, tuple(Assignment(m, t, 0) for m, t in best.slots.items()))
    solver = _solver(opts, deadline - time.monotonic() - STOP_MARGIN)
    reporter = _Reporter("breaks", progress, started)
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
    solver = _solver(opts, deadline - time.monotonic() - STOP_MARGIN)
    return solver.solve(probe.model) != cp_model.INFEASIBLE


def _solve_platform(
    problem: Problem, opts: SolveOptions, progress: Progress | None, started: float
) -> Result:
    """Phase 1 maximises the priority held and then the published meetings kept where they were (one
    weighted objective, seeded with the start agenda); phase 2 minimises breaks keeping both."""
    conflicts = lock_conflicts(problem)
    if conflicts:
        return _infeasible(
            problem, "; ".join(format_message(c.message, c.params) for c in conflicts), started
        )
    start = start_agenda(problem)
    deadline = started + opts.time_limit
    if deadline - time.monotonic() < CPSAT_MIN_SECONDS + STOP_MARGIN:
        return _platform_start(problem, start, opts, started)
    lean = build_model(problem, fairness=None, with_breaks=False)
    keep = keep_literals(lean)
    weight = len(keep) + 1  # priority first: all kept meetings together weigh less than one point
    lean.model.maximize(cp_model.LinearExpr.sum([weight * lean.priority_held, *keep]))
    _hint(lean, tuple(Assignment(m, t, None if online else 0) for m, (t, online) in start.items()))
    phase_one = min(opts.time_limit * opts.priority_share, deadline - time.monotonic() - STOP_MARGIN)
    first = _solver(opts, phase_one)
    code = first.solve(lean.model, _Reporter("priority held", progress, started))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _platform_start(problem, start, opts, started)
    held = sum(m.priority for m, v in zip(problem.meetings, lean.held, strict=True) if first.value(v))
    kept = sum(first.boolean_value(v) for v in keep)
    lp_seconds = min(max(1.0, opts.time_limit * 0.25), deadline - time.monotonic() - CPSAT_MIN_SECONDS)
    lp_bound = priority_lp_bound(problem, time_limit=lp_seconds) if lp_seconds > 0.2 else None
    bound = math.floor((first.best_objective_bound + 1e-6) / weight)
    if lp_bound is not None:
        bound = min(bound, lp_bound)
    priority_optimal = code == cp_model.OPTIMAL
    if deadline - time.monotonic() < CPSAT_MIN_SECONDS:
        return _platform_checked(problem, _result(lean, first, Status.FEASIBLE, started), start, opts, bound)
    b = build_model(problem, fairness=opts.fairness)
    assert b.total_breaks is not None
    for key, v in b.onsite.items():
        b.model.add_hint(v, first.boolean_value(lean.onsite[key]))
    for key, v in b.online.items():
        b.model.add_hint(v, first.boolean_value(lean.online[key]))
    b.model.add(b.priority_held >= held)
    if keep:
        b.model.add(sum(keep_literals(b)) >= kept)
    b.model.minimize(b.total_breaks)
    second = _solver(opts, deadline - time.monotonic() - STOP_MARGIN)
    code2 = second.solve(b.model, _Reporter("breaks", progress, started))
    if code2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result = _result(lean, first, Status.FEASIBLE, started)
    else:
        both = priority_optimal and code2 == cp_model.OPTIMAL
        result = _result(b, second, Status.OPTIMAL if both else Status.FEASIBLE, started)
    return _platform_checked(problem, result, start, opts, bound)


def _platform_checked(
    problem: Problem, result: Result, start: dict[int, tuple[int, bool]], opts: SolveOptions, bound: int
) -> Result:
    """The CP-SAT agenda if the checker passes it (else the start agenda), with reasons and changes."""
    if not check_agenda(problem, result.assignments, fairness=opts.fairness).ok:
        result = _platform_start(problem, start, opts, time.monotonic() - result.seconds)
    return _with_priority_bound(result, bound)


def _platform_start(
    problem: Problem, start: dict[int, tuple[int, bool]], opts: SolveOptions, started: float
) -> Result:
    """CP-SAT found nothing in time: the start agenda (locks, kept, greedy, repaired), if the checker
    passes it."""
    onsite = {m: t for m, (t, online) in start.items() if not online}
    online = {m: t for m, (t, on) in start.items() if on}
    result = _agenda_result(problem, onsite, online, Status.FEASIBLE, started)
    if not check_agenda(problem, result.assignments, fairness=opts.fairness).ok:
        return _unknown(problem, started)
    return result


def _hint(b: B2BModel, agenda: tuple[Assignment, ...]) -> None:
    chosen = {(a.meeting, a.slot, a.online) for a in agenda}
    for (m, t), v in b.onsite.items():
        b.model.add_hint(v, (m, t, False) in chosen)
    for (m, t), v in b.online.items():
        b.model.add_hint(v, (m, t, True) in chosen)


def _with_priority_bound(result: Result, bound: int) -> Result:
    return replace(result, priority_bound=max(bound, result.priority_held), seconds_to_best=None)


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
    pairs = assign_interpreters(problem, {**onsite, **online}) or {}  # {}: the checker will say why
    assignments = [Assignment(m, t, tables[m], pairs.get(m)) for m, t in onsite.items()]
    assignments += [Assignment(m, t, None, pairs.get(m)) for m, t in online.items()]
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    for a in assignments:
        for p in problem.meetings[a.meeting].participants:
            busy[p].append(a.slot)
    per_participant = tuple(participant_breaks(slots) for slots in busy)
    held = {a.meeting for a in assignments}
    platform = problem.choose_meetings
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
        unmet=unmet_reasons(problem, assignments) if platform else (),
        changes=changes(problem, assignments) if platform else (),
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


def _unknown(problem: Problem, started: float, proven: int = 0) -> Result:
    return Result(
        status=Status.UNKNOWN,
        assignments=(),
        breaks=None,
        max_breaks=None,
        lower_bound=proven,
        unscheduled=tuple(range(len(problem.meetings))),
        seconds=time.monotonic() - started,
        explanation="no agenda found within the time limit",
    )


def _explain_after_solve(problem: Problem, opts: SolveOptions, deadline: float) -> str:
    """CP-SAT proved infeasibility: say whether fairness is the cause."""
    if opts.fairness is None:
        return "no agenda satisfies tables, sessions, availability, fixed slots and precedences together"
    relaxed = build_model(problem, fairness=None)
    assert relaxed.total_breaks is not None
    relaxed.model.minimize(relaxed.total_breaks)
    solver = _solver(opts, min(10.0, deadline - time.monotonic() - STOP_MARGIN))
    code = solver.solve(relaxed.model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return (
            f"agendas exist, but none where breaks of two participants differ by at most {opts.fairness}; "
            "raise --fairness"
        )
    return "no agenda satisfies tables, sessions, availability, fixed slots and precedences together"

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
from kakehashi.scheduling.repair import improve, restore, start_agenda
from kakehashi.scheduling.sat import sat_applies
from kakehashi.scheduling.sat_search import sat_phase
from kakehashi.scheduling.tables import assign_tables

Progress = Callable[[str], None]

FALLBACK_SHARE = 0.5  # of the time limit at most for the repaired first-come agenda ...
FALLBACK_SECONDS = 2.0  # ... and at most this (it ends once fair and locally optimal; 0.2 s on 282r, quiet)
BOUNDS_SHARE = 0.15  # of the time limit for the per-participant bounds (0 is valid when cut short)
CPSAT_MIN_SECONDS = 1.0  # CP-SAT is not started with less left (building its model takes 0.3 s on 282r)
SEARCH_MIN_SECONDS = 0.8  # with less left after the first agenda, no SAT or CP-SAT search is started
# Kept back after the last CP-SAT run in platform mode for the final repair, the checker and the reasons
# (the 1,500-request event: about 2 s under load, which overran a 120 s limit by 2 s before this).
FINISH_SECONDS_PER_MEETING = 0.002
# Python-side cost per meeting-slot variable, measured on the 1,500-request event at a load of 12 on
# 2 cores (42,582 variables): the LP about 5 s to build, a CP-SAT model about 15 s to build and load.
# A phase is skipped when its cost does not fit in what is left, so a short limit is kept.
LP_BUILD_SECONDS_PER_VARIABLE = 120e-6
MODEL_SECONDS_PER_VARIABLE = 350e-6
START_SHARE = 0.3  # of the time limit at most for the insertion moves of the start agenda
LARGE_MODEL = 20_000  # meeting-slot variables above which CP-SAT skips probing (platform mode)
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


def _solver(opts: SolveOptions, seconds: float, *, light: bool = False) -> cp_model.CpSolver:
    """``light``: no probing in presolve. On the 1,500-request event model probing alone took 22 s of
    a 35 s limit under load, and the search never started; the platform's bound comes from the LP."""
    solver = cp_model.CpSolver()
    if light:
        solver.parameters.cp_model_probing_level = 0
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
    """The start agenda (locks, published meetings kept, priority greedy, repair) and the LP bound; if
    the start does not reach the bound, phase 1 maximises the priority held and then the published
    meetings kept where they were (one weighted objective, seeded with the start); phase 2 minimises
    changes to the published meetings, then breaks, keeping the priority."""
    conflicts = lock_conflicts(problem)
    if conflicts:
        return _infeasible(
            problem, "; ".join(format_message(c.message, c.params) for c in conflicts), started
        )
    deadline = started + opts.time_limit
    start = restore(problem, start_agenda(problem, until=started + opts.time_limit * START_SHARE))
    bound = _priority_bound(problem, deadline)
    found = start
    if progress is not None:
        progress(
            f"first agenda: priority {_score(problem, start)[0]} (bound {bound}) after {time.monotonic() - started:.1f}s"
        )
    priority_optimal = _score(problem, start)[0] >= bound
    building = MODEL_SECONDS_PER_VARIABLE * _variables(problem)  # each CP-SAT model, built and loaded
    if not priority_optimal and deadline - time.monotonic() >= 2 * building + 2 * CPSAT_MIN_SECONDS:
        found, bound, priority_optimal = _maximise_priority(
            problem, opts, progress, started, start, bound, reserve=building + CPSAT_MIN_SECONDS
        )
    if deadline - time.monotonic() < building + CPSAT_MIN_SECONDS:
        return _platform_checked(problem, _found_result(problem, found, started), start, opts, bound, started)
    held, kept = _score(problem, found)
    b = build_model(problem, fairness=opts.fairness)
    assert b.total_breaks is not None
    _hint(b, tuple(Assignment(m, t, None if online else 0) for m, (t, online) in found.items()))
    b.model.add(b.priority_held >= held)
    kept_again = keep_literals(b)
    if kept_again:
        # Published meetings kept first, then breaks: one change outweighs every break there can be.
        b.model.add(sum(kept_again) >= kept)
        changed = len(kept_again) - cp_model.LinearExpr.sum(kept_again)
        b.model.minimize(
            cp_model.LinearExpr.sum([changed * (problem.n_slots * problem.n_participants), b.total_breaks])
        )
    else:
        b.model.minimize(b.total_breaks)
    finish = min(0.1 * opts.time_limit, FINISH_SECONDS_PER_MEETING * len(problem.meetings))
    second = _solver(opts, deadline - time.monotonic() - STOP_MARGIN - finish, light=_large(b))
    code2 = second.solve(b.model, _Reporter("changes and breaks", progress, started))
    if code2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result = _found_result(problem, found, started)
    else:
        both = priority_optimal and code2 == cp_model.OPTIMAL
        result = _result(b, second, Status.OPTIMAL if both else Status.FEASIBLE, started)
    return _platform_checked(problem, result, start, opts, bound, started)


def _large(b: B2BModel) -> bool:
    """Probing pays on small models (it proved the 300-request event optimal in 10 s) and starves the
    search on large ones (the 1,500-request event: 22 s of probing, no search, in a 35 s limit)."""
    return len(b.onsite) + len(b.online) > LARGE_MODEL


def _variables(problem: Problem) -> int:
    """Meeting-slot variables of the model (on site and online), counted without building it."""
    return sum(
        len(problem.onsite_slots(m)) + len(problem.online_slots(m)) for m in range(len(problem.meetings))
    )


def _priority_bound(problem: Problem, deadline: float) -> int:
    """The LP bound (GLOP, at most a quarter of what is left), or every placeable meeting's priority."""
    left = deadline - time.monotonic()
    lp_seconds = min(max(1.0, left * 0.25), left - CPSAT_MIN_SECONDS)
    # Building the LP in Python costs about 50 us per meeting-slot (under load); skip it when that
    # alone would eat the share, rather than overrun a short limit.
    affordable = LP_BUILD_SECONDS_PER_VARIABLE * _variables(problem) < lp_seconds
    lp_bound = priority_lp_bound(problem, time_limit=lp_seconds) if lp_seconds > 0.2 and affordable else None
    if lp_bound is not None:
        return lp_bound
    placeable = (
        m for m in range(len(problem.meetings)) if problem.onsite_slots(m) or problem.online_slots(m)
    )
    return sum(problem.meetings[m].priority for m in placeable)


def _maximise_priority(
    problem: Problem,
    opts: SolveOptions,
    progress: Progress | None,
    started: float,
    start: dict[int, tuple[int, bool]],
    bound: int,
    *,
    reserve: float,
) -> tuple[dict[int, tuple[int, bool]], int, bool]:
    """Phase 1 (CP-SAT, seeded with the start): the best agenda, the bound, whether priority is proved.
    ``reserve``: seconds left at the end for phase 2."""
    deadline = started + opts.time_limit
    lean = build_model(problem, fairness=None, with_breaks=False)
    keep = keep_literals(lean)
    weight = len(keep) + 1  # priority first: all kept meetings together weigh less than one point
    lean.model.maximize(cp_model.LinearExpr.sum([weight * lean.priority_held, *keep]))
    _hint(lean, tuple(Assignment(m, t, None if online else 0) for m, (t, online) in start.items()))
    phase_one = min(opts.time_limit * opts.priority_share, deadline - time.monotonic() - reserve)
    first = _solver(opts, phase_one, light=_large(lean))
    code = first.solve(lean.model, _Reporter("priority held", progress, started))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start, bound, False
    bound = min(bound, math.floor((first.best_objective_bound + 1e-6) / weight))
    found = restore(problem, _agenda_of(lean, first))
    if _score(problem, start) > _score(problem, found):
        found = start  # CP-SAT ended below its own starting agenda (it can, under load, at the limit)
    return found, bound, code == cp_model.OPTIMAL or _score(problem, found)[0] >= bound


def _platform_checked(
    problem: Problem,
    result: Result,
    start: dict[int, tuple[int, bool]],
    opts: SolveOptions,
    bound: int,
    started: float,
) -> Result:
    """The CP-SAT agenda if the checker passes it (else the start agenda), with reasons and changes.

    Requests that still fit somewhere (CP-SAT stopped at its limit before taking them) are inserted by
    the repair moves; that agenda replaces CP-SAT's when it holds more and the checker passes it."""
    if not check_agenda(problem, result.assignments, fairness=opts.fairness).ok:
        result = _platform_start(problem, start, opts, started)
    until = started + opts.time_limit - STOP_MARGIN
    agenda = {a.meeting: (a.slot, a.online) for a in result.assignments}
    filled = restore(problem, improve(problem, agenda, until=until))
    if len(filled) > len(result.assignments):
        onsite = {m: t for m, (t, online) in filled.items() if not online}
        online = {m: t for m, (t, on) in filled.items() if on}
        better = _agenda_result(problem, onsite, online, Status.FEASIBLE, started)
        if (
            better.priority_held > result.priority_held
            and check_agenda(problem, better.assignments, fairness=opts.fairness).ok
        ):
            result = better
    return replace(_with_priority_bound(result, bound), seconds=time.monotonic() - started)


def _agenda_of(b: B2BModel, solver: cp_model.CpSolver) -> dict[int, tuple[int, bool]]:
    found = {m: (t, False) for (m, t), v in b.onsite.items() if solver.boolean_value(v)}
    found.update({m: (t, True) for (m, t), v in b.online.items() if solver.boolean_value(v)})
    return found


def _score(problem: Problem, agenda: dict[int, tuple[int, bool]]) -> tuple[int, int]:
    """(priority held, published meetings kept where they were): the platform's first two objectives."""
    held = sum(problem.meetings[m].priority for m in agenda)
    return held, sum(1 for m, (t, online) in agenda.items() if _kept(problem, m, t, online))


def _kept(problem: Problem, m: int, t: int, online: bool) -> bool:
    place = problem.meetings[m].previous
    return place is not None and (place.slot, place.online) == (t, online)


def _found_result(problem: Problem, found: dict[int, tuple[int, bool]], started: float) -> Result:
    onsite = {m: t for m, (t, online) in found.items() if not online}
    online = {m: t for m, (t, on) in found.items() if on}
    return _agenda_result(problem, onsite, online, Status.FEASIBLE, started)


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
    if b.interpreter:
        # A complete hint: CP-SAT starts from it instead of repairing it (measured: without the pairs,
        # phase 1 under load ended below its own starting agenda).
        pairs = assign_interpreters(b.problem, {a.meeting: a.slot for a in agenda}) or {}
        for (m, t, pair), v in b.interpreter.items():
            held_there = (m, t, True) in chosen or (m, t, False) in chosen
            b.model.add_hint(v, held_there and pairs.get(m) == pair)


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

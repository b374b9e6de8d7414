"""Platform mode (``Problem.choose_meetings``): priority held first, then published meetings kept
where they were, then breaks; interpreters, locks and online meetings included (docs/scheduling.md,
"Events"). Every agenda is judged by the independent checker; the best checked one is returned at the
time limit."""

from __future__ import annotations

import math
import time
from dataclasses import replace

from ortools.sat.python import cp_model

from kakehashi.errors import format_message
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.locks import lock_conflicts
from kakehashi.scheduling.model import B2BModel, build_model, keep_literals
from kakehashi.scheduling.problem import Assignment, Problem, Result, Status
from kakehashi.scheduling.relax import priority_lp_bound
from kakehashi.scheduling.repair import improve, restore, start_agenda
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
    model_result,
    unknown_result,
    with_priority_bound,
)

# Kept back after the last CP-SAT run for the final repair, the checker and the reasons (the
# 1,500-request event: about 2 s under load, which overran a 120 s limit by 2 s before this).
FINISH_SECONDS_PER_MEETING = 0.002
# Python-side cost per meeting-slot variable, measured on the 1,500-request event at a load of 12 on
# 2 cores (42,582 variables): the LP about 5 s to build, a CP-SAT model about 15 s to build and load.
# A phase is skipped when its cost does not fit in what is left, so a short limit is kept.
LP_BUILD_SECONDS_PER_VARIABLE = 120e-6
MODEL_SECONDS_PER_VARIABLE = 350e-6
START_SHARE = 0.3  # of the time limit at most for the insertion moves of the start agenda
LARGE_MODEL = 20_000  # meeting-slot variables above which CP-SAT skips probing


def solve_platform(problem: Problem, opts: SolveOptions, progress: Progress | None, started: float) -> Result:
    """The start agenda (locks, published meetings kept, priority greedy, repair) and the LP bound; if
    the start does not reach the bound, phase 1 maximises the priority held and then the published
    meetings kept where they were (one weighted objective, seeded with the start); phase 2 minimises
    changes to the published meetings, then breaks, keeping the priority."""
    conflicts = lock_conflicts(problem)
    if conflicts:
        return infeasible_result(
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
    hint(b, tuple(Assignment(m, t, None if online else 0) for m, (t, online) in found.items()))
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
    second = cpsat_solver(opts, deadline - time.monotonic() - STOP_MARGIN - finish, light=_large(b))
    code2 = second.solve(b.model, Reporter("changes and breaks", progress, started))
    if code2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result = _found_result(problem, found, started)
    else:
        both = priority_optimal and code2 == cp_model.OPTIMAL
        result = model_result(b, second, Status.OPTIMAL if both else Status.FEASIBLE, started)
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
    # Skip the LP when building it alone (Python side) would not fit in its share of a short limit.
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
    hint(lean, tuple(Assignment(m, t, None if online else 0) for m, (t, online) in start.items()))
    phase_one = min(opts.time_limit * opts.priority_share, deadline - time.monotonic() - reserve)
    first = cpsat_solver(opts, phase_one, light=_large(lean))
    code = first.solve(lean.model, Reporter("priority held", progress, started))
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
        better = agenda_result(problem, onsite, online, Status.FEASIBLE, started)
        if (
            better.priority_held > result.priority_held
            and check_agenda(problem, better.assignments, fairness=opts.fairness).ok
        ):
            result = better
    return replace(with_priority_bound(result, bound), seconds=time.monotonic() - started)


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
    return agenda_result(problem, onsite, online, Status.FEASIBLE, started)


def _platform_start(
    problem: Problem, start: dict[int, tuple[int, bool]], opts: SolveOptions, started: float
) -> Result:
    """CP-SAT found nothing in time: the start agenda (locks, kept, greedy, repaired), if the checker
    passes it."""
    onsite = {m: t for m, (t, online) in start.items() if not online}
    online = {m: t for m, (t, on) in start.items() if on}
    result = agenda_result(problem, onsite, online, Status.FEASIBLE, started)
    if not check_agenda(problem, result.assignments, fairness=opts.fairness).ok:
        return unknown_result(problem, started)
    return result

"""What the solvers share: options, a CP-SAT run (parameters, progress, hints) and the typed results."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from ortools.sat.python import cp_model

from kakehashi.scheduling.interpreters import assign_interpreters
from kakehashi.scheduling.model import B2BModel
from kakehashi.scheduling.outcome import changes, unmet_reasons
from kakehashi.scheduling.problem import Assignment, Problem, Result, Status, participant_breaks
from kakehashi.scheduling.tables import assign_tables

Progress = Callable[[str], None]

CPSAT_MIN_SECONDS = 1.0  # CP-SAT is not started with less left (building its model takes 0.3 s on 282r)
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


class Reporter(cp_model.CpSolverSolutionCallback):
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


def cpsat_solver(opts: SolveOptions, seconds: float, *, light: bool = False) -> cp_model.CpSolver:
    """``light``: no probing in presolve. On the 1,500-request event model probing alone took 22 s of
    a 35 s limit under load, and the search never started; the platform's bound comes from the LP."""
    solver = cp_model.CpSolver()
    if light:
        solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = max(1, opts.threads)
    solver.parameters.random_seed = opts.seed
    return solver


def hint(b: B2BModel, agenda: tuple[Assignment, ...]) -> None:
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


def with_priority_bound(result: Result, bound: int) -> Result:
    return replace(result, priority_bound=max(bound, result.priority_held), seconds_to_best=None)


def model_result(
    b: B2BModel, solver: cp_model.CpSolver, status: Status, started: float, proven: int = 0
) -> Result:
    problem = b.problem
    onsite = {m: t for (m, t), v in b.onsite.items() if solver.boolean_value(v)}
    online = {m: t for (m, t), v in b.online.items() if solver.boolean_value(v)}
    result = agenda_result(problem, onsite, online, status, started)
    per_participant = result.breaks_per_participant
    bound = solver.best_objective_bound if status is not Status.OPTIMAL else sum(per_participant)
    is_breaks_objective = not problem.choose_meetings or solver.objective_value == sum(per_participant)
    return replace(result, lower_bound=max(proven, math.ceil(bound - 1e-6)) if is_breaks_objective else 0)


def agenda_result(
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


def infeasible_result(problem: Problem, reason: str, started: float) -> Result:
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


def unknown_result(problem: Problem, started: float, proven: int = 0) -> Result:
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

"""Property tests: on small instances the solver's answer equals the exhaustive one.

Brute force tries every slot for every meeting and judges each agenda with the independent checker, so
an "infeasible" answer is true only if no agenda passes, and an "optimal" one only if none has fewer
breaks.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.problem import Assignment, Meeting, Problem, Session, Status
from kakehashi.scheduling.solve import SolveOptions, solve


@st.composite
def small_problems(draw: st.DrawFn) -> tuple[Problem, int | None]:
    n_participants = draw(st.integers(2, 4))
    n_slots = draw(st.integers(2, 5))
    morning = draw(st.one_of(st.none(), st.integers(1, n_slots - 1)))
    pairs = [(a, b) for a in range(n_participants) for b in range(a + 1, n_participants)]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=4))
    sessions = [Session.ANY] if morning is None else list(Session)
    meetings = tuple(Meeting(a, b, draw(st.sampled_from(sessions))) for a, b in chosen)
    forbidden = tuple(
        frozenset(draw(st.sets(st.integers(0, n_slots - 1), max_size=2))) for _ in range(n_participants)
    )
    problem = Problem(
        n_participants=n_participants,
        n_slots=n_slots,
        n_tables=draw(st.integers(1, 2)),
        meetings=meetings,
        n_morning_slots=morning,
        forbidden=forbidden,
    )
    return problem, draw(st.sampled_from([None, 0, 1, 2]))


def exhaustive_best(problem: Problem, fairness: int | None) -> int | None:
    """Fewest breaks over every agenda the checker accepts; None when it accepts none."""
    best: int | None = None
    for slots in itertools.product(range(problem.n_slots), repeat=len(problem.meetings)):
        table: dict[int, int] = {}
        agenda = []
        for m, t in enumerate(slots):
            agenda.append(Assignment(m, t, table.get(t, 0)))
            table[t] = table.get(t, 0) + 1
        report = check_agenda(problem, agenda, fairness=fairness)
        if report.ok and (best is None or report.breaks < best):
            best = report.breaks
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_solver_agrees_with_exhaustive_search(case: tuple[Problem, int | None]) -> None:
    problem, fairness = case
    expected = exhaustive_best(problem, fairness)
    result = solve(problem, SolveOptions(time_limit=10.0, fairness=fairness, threads=1))
    if expected is None:
        assert result.status is Status.INFEASIBLE, result
        return
    assert result.status is Status.OPTIMAL, result
    assert result.breaks == expected
    assert check_agenda(problem, result.assignments, fairness=fairness).ok


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_cpsat_engine_agrees_with_exhaustive_search(case: tuple[Problem, int | None]) -> None:
    problem, fairness = case
    expected = exhaustive_best(problem, fairness)
    result = solve(problem, SolveOptions(time_limit=10.0, fairness=fairness, threads=1, engine="cpsat"))
    assert result.status is (Status.INFEASIBLE if expected is None else Status.OPTIMAL), result
    assert result.breaks == expected

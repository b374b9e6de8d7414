"""The planted family of issue 11's shape (few tables, most meetings bound to the morning), whose optimum
is known to be at most the planted agenda's breaks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kakehashi.scheduling.bounds import participant_lower_bounds
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.dzn import read_dzn
from kakehashi.scheduling.generate import planted_instance
from kakehashi.scheduling.planted_tight import bound_to_witness, planted_tight
from kakehashi.scheduling.problem import Problem, Session, Status
from kakehashi.scheduling.solve import SolveOptions, solve
from kakehashi.scheduling.variants import session_load


def _counts(problem: Problem) -> list[int]:
    return [len(ms) for ms in problem.meetings_of()]


def test_planted_agenda_is_a_compact_witness_of_the_issue_shape(data_dir: Path) -> None:
    base = read_dzn(data_dir / "dadesF2014-282r-20t-75e.dzn")
    made = planted_tight(base, seed=1)
    problem = made.planted.problem
    report = check_agenda(problem, made.planted.agenda, fairness=2)
    assert report.ok, report.violations
    assert report.breaks == made.breaks == 1
    # Fewer tables than the event, and the busiest planted slot uses every table.
    assert problem.n_tables < base.n_tables
    assert max(Counter(a.slot for a in made.planted.agenda).values()) == problem.n_tables
    # Most meetings bound to the morning, no pair met twice, each participant about its real count.
    assert session_load(problem)["morning_bound_share"] > 0.5
    assert all(m.session in (Session.MORNING, Session.ANY) for m in problem.meetings)
    assert len({frozenset(m.participants) for m in problem.meetings}) == len(problem.meetings)
    assert sum(abs(x - y) for x, y in zip(_counts(problem), _counts(base), strict=True)) <= 20


def test_the_solver_reaches_the_planted_optimum(data_dir: Path) -> None:
    base = read_dzn(data_dir / "dadesF2014-55r-10t-40e.dzn")
    made = planted_tight(base, seed=1, morning_share=0.6)
    problem = made.planted.problem
    result = solve(problem, SolveOptions(time_limit=30.0, fairness=2, threads=1))
    assert result.status is Status.OPTIMAL
    report = check_agenda(problem, result.assignments, fairness=2)
    assert report.ok, report.violations
    assert report.breaks == result.breaks
    assert sum(participant_lower_bounds(problem)) <= report.breaks <= made.breaks


@pytest.mark.slow
def test_the_solver_reaches_the_planted_optimum_on_a_large_list(data_dir: Path) -> None:
    base = read_dzn(data_dir / "dadesF2014-241r-30t-70e.dzn")
    made = planted_tight(base, seed=1, morning_share=0.7, bind_share=0.9, gaps=3)
    problem = made.planted.problem
    result = solve(problem, SolveOptions(time_limit=60.0, fairness=2, threads=2))
    report = check_agenda(problem, result.assignments, fairness=2)
    assert report.ok, report.violations
    assert report.breaks <= made.breaks  # the planted agenda is a witness: the optimum is no higher
    assert result.status is Status.OPTIMAL


shapes = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "n_participants": st.integers(6, 16),
        "n_meetings": st.integers(4, 24),
        "n_slots": st.integers(4, 8),
        "n_tables": st.integers(2, 5),
        "morning_slots": st.integers(2, 4),
    }
)


@given(shapes, st.integers(0, 2), st.floats(0.5, 1.0))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_answer_beats_a_planted_agenda_unchecked(shape: dict[str, int], gaps: int, share: float) -> None:
    base = planted_instance(**shape, forbidden_rate=0.0, fixed_rate=0.0, precedence_rate=0.0).problem
    try:
        made = planted_tight(base, seed=shape["seed"], morning_share=share, gaps=gaps)
    except ValueError:
        assume(False)
        return
    problem = made.planted.problem
    assert check_agenda(problem, made.planted.agenda, fairness=None).ok
    result = solve(problem, SolveOptions(time_limit=5.0, fairness=None, threads=1))
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    report = check_agenda(problem, result.assignments, fairness=None)
    assert report.ok, report.violations
    assert report.breaks == result.breaks
    assert result.lower_bound <= report.breaks
    if result.status is Status.OPTIMAL:
        assert report.breaks <= made.breaks


def test_binding_to_a_witness_keeps_it_valid() -> None:
    planted = planted_instance(5, n_participants=20, n_meetings=40, n_slots=10, n_tables=6, morning_slots=5)
    slots = [a.slot for a in sorted(planted.agenda, key=lambda a: a.meeting)]
    made = bound_to_witness(planted.problem, slots, seed=1, bind_share=1.0)
    problem = made.planted.problem
    report = check_agenda(problem, made.planted.agenda, fairness=None)
    assert report.ok, report.violations
    assert report.breaks == made.breaks
    assert problem.n_tables == max(Counter(slots).values())
    morning_free = [
        k
        for k, m in enumerate(planted.problem.meetings)
        if m.session is Session.ANY and m.fixed_slot is None and slots[k] < problem.morning_end
    ]
    assert morning_free
    assert all(problem.meetings[k].session is Session.MORNING for k in morning_free)

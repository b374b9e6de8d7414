from __future__ import annotations

import pytest

from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.generate import platform_instance
from kakehashi.scheduling.greedy import greedy_first_come
from kakehashi.scheduling.problem import Assignment, Meeting, Problem, Status
from kakehashi.scheduling.repair import improve
from kakehashi.scheduling.solve import SolveOptions, solve
from kakehashi.scheduling.tables import assign_tables


def test_priority_decides_which_meetings_are_held() -> None:
    # One table, one slot: first-come takes the first request, the solver the "must meet" one.
    problem = Problem(
        n_participants=4,
        n_slots=1,
        n_tables=1,
        meetings=(Meeting(0, 1, priority=1), Meeting(2, 3, priority=3)),
        choose_meetings=True,
    )
    assert greedy_first_come(problem).priority_held == 1
    result = solve(problem, SolveOptions(time_limit=5.0))
    assert (result.status, result.priority_held, result.unscheduled) == (Status.OPTIMAL, 3, (0,))


def test_then_breaks_are_minimised_keeping_the_priority() -> None:
    problem = Problem(
        n_participants=3,
        n_slots=4,
        n_tables=1,
        meetings=(Meeting(0, 1, priority=2), Meeting(0, 2, priority=2)),
        forbidden=(frozenset(), frozenset({1, 2}), frozenset({0, 2})),
        choose_meetings=True,
    )
    result = solve(problem, SolveOptions(time_limit=5.0, fairness=None))
    assert (result.status, result.priority_held, result.breaks) == (Status.OPTIMAL, 4, 0)


def test_online_meetings_use_their_own_capacity_and_hours() -> None:
    problem = Problem(
        n_participants=4,
        n_slots=2,
        n_tables=0,
        online_capacity=1,
        meetings=(
            Meeting(0, 1, online_slots=frozenset({1}), onsite=False),
            Meeting(2, 3, online_slots=frozenset({1}), onsite=False),
        ),
        choose_meetings=True,
    )
    result = solve(problem, SolveOptions(time_limit=5.0))
    assert result.priority_held == 1
    assert [(a.slot, a.table) for a in result.assignments] == [(1, None)]
    assert check_agenda(problem, result.assignments).ok


@pytest.mark.slow
def test_small_platform_instance_beats_first_come_and_passes_the_checker() -> None:
    problem, _grid = platform_instance(
        7, n_participants=60, n_requests=220, n_slots=8, n_tables=8, online_capacity=4
    )
    greedy = greedy_first_come(problem)
    result = solve(problem, SolveOptions(time_limit=10.0, fairness=None))
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    report = check_agenda(problem, result.assignments, fairness=None)
    assert report.ok, report.violations
    assert report.priority_held == result.priority_held >= greedy.priority_held
    assert result.priority_held <= result.priority_bound


def test_tables_keep_a_participant_at_one_table() -> None:
    problem = Problem(
        n_participants=5,
        n_slots=3,
        n_tables=2,
        meetings=(Meeting(0, 1), Meeting(2, 3), Meeting(0, 4), Meeting(0, 2)),
    )
    tables = assign_tables(problem, {0: 0, 1: 0, 2: 1, 3: 2})
    assert tables[0] == tables[2] == tables[3]  # participant 1 never moves
    assert tables[0] != tables[1]


def test_repair_inserts_a_left_out_request_by_moving_a_meeting() -> None:
    # First-come puts 1-2 in slot 1; 1-3 can only be in slot 1 (3 is away in slot 2), so 1-2 must move.
    problem = Problem(
        n_participants=3,
        n_slots=2,
        n_tables=2,
        meetings=(Meeting(0, 1), Meeting(0, 2)),
        forbidden=(frozenset(), frozenset(), frozenset({1})),
        choose_meetings=True,
    )
    first = greedy_first_come(problem)
    assert first.unscheduled == (1,)
    improved = improve(problem, first.assignments)
    assert improved == {0: (1, False), 1: (0, False)}


def test_repair_never_loses_priority_and_stays_valid() -> None:
    problem, _grid = platform_instance(
        3, n_participants=80, n_requests=400, n_slots=6, n_tables=10, online_capacity=5
    )
    first = greedy_first_come(problem)
    improved = improve(problem, first.assignments)
    seated = assign_tables(problem, {m: t for m, (t, online) in improved.items() if not online})
    agenda = [Assignment(m, t, None if online else seated[m]) for m, (t, online) in improved.items()]
    report = check_agenda(problem, agenda, fairness=None)
    assert report.ok, report.violations
    assert report.priority_held >= first.priority_held

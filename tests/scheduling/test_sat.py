from __future__ import annotations

import threading
import time
from dataclasses import replace
from unittest.mock import patch

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kakehashi.scheduling import sat
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.generate import planted_instance
from kakehashi.scheduling.problem import Assignment, Meeting, Problem, Status
from kakehashi.scheduling.sat import probe, sat_applies, solve_cnf
from kakehashi.scheduling.sat_search import sat_phase
from kakehashi.scheduling.solve import SolveOptions, solve


def _triangle(extra_pair: bool = True) -> Problem:
    # Three participants meeting each other in 3 slots: the meetings in the first and last
    # used slots share a participant, who waits in between, so one break is forced although each
    # participant alone could meet without one. Participants 4 and 5 meet once (fairness is a cap).
    meetings = [Meeting(0, 1), Meeting(0, 2), Meeting(1, 2)]
    if extra_pair:
        meetings.append(Meeting(3, 4))
    return Problem(n_participants=5, n_slots=3, n_tables=2, meetings=tuple(meetings))


def test_sat_refutes_zero_breaks_and_proves_the_forced_break() -> None:
    problem = _triangle()
    phase = sat_phase(problem, [0] * 5, 2, time.monotonic() + 20)
    assert (phase.bound, phase.breaks, phase.optimal) == (1, 1, True)
    assert phase.slots is not None
    agenda = [Assignment(m, t, 0 if m < 3 else 1) for m, t in phase.slots.items()]
    assert check_agenda(problem, agenda).breaks == 1
    result = solve(problem, SolveOptions(time_limit=20.0))
    assert (result.status, result.breaks, result.lower_bound) == (Status.OPTIMAL, 1, 1)
    assert check_agenda(problem, result.assignments).ok


def test_fairness_zero_with_a_forced_break_is_infeasible_through_sat() -> None:
    problem = _triangle()
    result = solve(problem, SolveOptions(time_limit=20.0, fairness=0))
    assert result.status is Status.INFEASIBLE
    assert "fairness" in (result.explanation or "")


def test_without_a_single_meeting_fairness_can_force_breaks_on_everybody() -> None:
    # The triangle alone over 5 slots: with fairness 0 all three must have the same count, and 0 is
    # impossible, so each waits once (meetings in slots 1, 3, 5): 3 breaks. The SAT questions stop below
    # 3 (an agenda with fewer breaks than participants has somebody without one) and CP-SAT finishes.
    problem = replace(_triangle(extra_pair=False), n_slots=5)
    equal = solve(problem, SolveOptions(time_limit=20.0, fairness=0))
    assert (equal.status, equal.breaks, equal.lower_bound) == (Status.OPTIMAL, 3, 3)
    assert check_agenda(problem, equal.assignments, fairness=0).ok
    loose = solve(problem, SolveOptions(time_limit=20.0, fairness=2))
    assert (loose.status, loose.breaks, loose.lower_bound) == (Status.OPTIMAL, 1, 1)
    assert check_agenda(problem, loose.assignments, fairness=2).ok


def test_sat_applies_in_benchmark_mode_on_site() -> None:
    assert sat_applies(_triangle())
    assert not sat_applies(replace(_triangle(), choose_meetings=True))
    online = Meeting(3, 4, online_slots=frozenset({0, 1}))
    assert not sat_applies(replace(_triangle(), meetings=(*_triangle(False).meetings, online)))


def test_a_question_out_of_time_says_unknown() -> None:
    problem = planted_instance(3, n_participants=40, n_meetings=100).problem
    answer = probe(problem, caps=[None] * 40, lower=[0] * 40, total=0, time_limit=0.0)
    assert (answer.feasible, answer.slots) == (None, None)


shapes = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "n_participants": st.integers(4, 12),
        "n_meetings": st.integers(2, 16),
        "n_slots": st.integers(3, 7),
        "n_tables": st.integers(1, 4),
        "morning_slots": st.one_of(st.none(), st.integers(1, 3)),
    }
)


@given(shapes, st.sampled_from([None, 0, 1, 2]))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_sat_and_cpsat_find_the_same_optimum(shape: dict[str, int], fairness: int | None) -> None:
    problem = planted_instance(**shape).problem
    assume(sat_applies(problem))
    via_sat = solve(problem, SolveOptions(time_limit=10.0, fairness=fairness, threads=1))
    via_cpsat = solve(problem, SolveOptions(time_limit=10.0, fairness=fairness, threads=1, engine="cpsat"))
    assume(Status.OPTIMAL in (via_sat.status, via_cpsat.status))
    assert via_sat.status is via_cpsat.status
    assert via_sat.breaks == via_cpsat.breaks == via_sat.lower_bound
    report = check_agenda(problem, via_sat.assignments, fairness=fairness)
    assert report.ok, report.violations
    assert report.breaks == via_sat.breaks


@given(shapes, st.booleans())
@settings(max_examples=30, deadline=None)
def test_the_break_count_is_never_underestimated(shape: dict[str, int], implied: bool) -> None:
    # "At most k breaks in all" is "yes" at the planted agenda's own count, and the agenda it returns
    # really has at most k breaks (recounted by the checker); the agreement with CP-SAT above covers
    # the other direction (no agenda refused).
    planted = planted_instance(**shape)
    problem = planted.problem
    count = check_agenda(problem, planted.agenda, fairness=None).breaks
    caps: list[int | None] = [None] * problem.n_participants
    # Without the implied block constraints the break literals alone must count right.
    with patch.object(sat, "BLOCKS", implied):
        feasible, slots = solve_cnf(problem, caps=caps, lower=[], total=count)
    assert feasible
    assert slots is not None
    agenda = [Assignment(m, t, None) for m, t in slots.items()]
    assert check_agenda(problem, agenda, fairness=None).breaks <= count


def test_questions_are_answered_while_other_threads_run() -> None:
    # A web server calls the solver with other threads alive: the child then comes from a fork server.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        problem = _triangle()
        answer = probe(problem, caps=[None] * 5, lower=[0] * 5, total=1, time_limit=60.0)
    finally:
        stop.set()
        other.join()
    assert answer.feasible is True
    assert answer.slots is not None
    assert (
        check_agenda(problem, [Assignment(m, t, 0 if m < 3 else 1) for m, t in answer.slots.items()]).breaks
        == 1
    )

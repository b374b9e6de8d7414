"""Property tests of platform mode with interpreters, locks and a published agenda (issue 8).

Random small events (languages, interpreter pools per slot, online windows, unavailable slots, locks
taken from a valid agenda, published placements anywhere): every answer passes the independent checker,
keeps every lock, stays within its bound, reports every changed published meeting, and on the smallest
ones an "optimal" answer holds as much priority as the best agenda found by trying them all.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.greedy import greedy_first_come
from kakehashi.scheduling.interpreters import assign_interpreters
from kakehashi.scheduling.locks import move_conflicts
from kakehashi.scheduling.problem import Assignment, InterpreterPool, Meeting, Placement, Problem, Status
from kakehashi.scheduling.solve import SolveOptions, solve

SPOKEN = [
    frozenset({"it"}),
    frozenset({"ja"}),
    frozenset({"it", "en"}),
    frozenset({"ja", "en"}),
    frozenset({"en"}),
]
PAIRS = [("it", "ja"), ("en", "ja"), ("en", "it")]


@st.composite
def events(draw: st.DrawFn, *, max_meetings: int = 5) -> Problem:
    n_participants = draw(st.integers(2, 5))
    n_slots = draw(st.integers(1, 3))
    n_tables = draw(st.integers(0, 2))
    everyone = [(a, b) for a in range(n_participants) for b in range(a + 1, n_participants)]
    chosen = draw(st.lists(st.sampled_from(everyone), min_size=1, max_size=max_meetings, unique=True))
    slots = st.sets(st.integers(0, n_slots - 1), max_size=n_slots)
    meetings = tuple(
        Meeting(
            a,
            b,
            priority=draw(st.integers(0, 3)),
            online_slots=frozenset(draw(slots)),
            onsite=draw(st.booleans()) or n_tables == 0,
        )
        for a, b in chosen
    )
    pools = tuple(
        InterpreterPool(pair, tuple(draw(st.integers(0, 2)) for _ in range(n_slots)))
        for pair in draw(st.lists(st.sampled_from(PAIRS), unique=True, max_size=3))
    )
    problem = Problem(
        n_participants=n_participants,
        n_slots=n_slots,
        n_tables=n_tables,
        meetings=meetings,
        online_capacity=draw(st.integers(0, 2)),
        choose_meetings=True,
        forbidden=tuple(
            frozenset(draw(st.sets(st.integers(0, n_slots - 1), max_size=1))) for _ in range(n_participants)
        ),
        languages=tuple(draw(st.sampled_from(SPOKEN)) for _ in range(n_participants)),
        interpreters=pools,
    )
    # Locks from a valid agenda (so they never conflict), published places anywhere in range.
    valid = greedy_first_come(problem).assignments
    locked = {a.meeting: a.placement for a in valid if draw(st.booleans())}
    published = {}
    for m in range(len(meetings)):
        if draw(st.booleans()):
            table = draw(st.one_of(st.none(), st.integers(0, n_tables - 1))) if n_tables else None
            published[m] = Placement(draw(st.integers(0, n_slots - 1)), table)
    return replace(
        problem,
        meetings=tuple(
            replace(meeting, lock=locked.get(m), previous=published.get(m))
            for m, meeting in enumerate(meetings)
        ),
    )


OPTIONS = SolveOptions(time_limit=3.0, fairness=None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_every_answer_passes_the_checker_and_keeps_the_locks(problem: Problem) -> None:
    assert check_agenda(
        problem, greedy_first_come(replace(problem, meetings=_unlocked(problem))).assignments, fairness=None
    ).ok
    result = solve(problem, OPTIONS)
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE), result.explanation
    report = check_agenda(problem, result.assignments, fairness=None)
    assert report.ok, report.violations
    where = {a.meeting: a.placement for a in result.assignments}
    for m, meeting in enumerate(problem.meetings):
        if meeting.lock is not None:
            assert where.get(m) == meeting.lock
    assert report.priority_held == result.priority_held <= result.priority_bound
    moved = {
        m
        for m, meeting in enumerate(problem.meetings)
        if meeting.previous and where.get(m) != meeting.previous
    }
    assert {c.meeting for c in result.changes} == moved
    assert {u.meeting for u in result.unmet} == set(report.unscheduled)


def _unlocked(problem: Problem) -> tuple[Meeting, ...]:
    return tuple(replace(m, lock=None, previous=None) for m in problem.meetings)


def _exhaustive_priority(problem: Problem) -> int:
    """The most priority held by any agenda the checker accepts (every slot, mode and pair tried)."""
    pairs: list[tuple[str, str] | None] = [None, *PAIRS]
    places = [(t, online) for t in range(problem.n_slots) for online in (False, True)]
    choices = [None, *((t, on, p) for (t, on) in places for p in pairs)]
    options = [choices for _ in problem.meetings]
    best = 0
    for choice in itertools.product(*options):
        picks = [(m, pick) for m, pick in enumerate(choice) if pick is not None]
        taken = {(p.slot, p.table) for m, _ in picks if (p := problem.meetings[m].lock) is not None}
        agenda = []
        for m, (t, online, pair) in picks:
            lock = problem.meetings[m].lock
            table = lock.table if lock is not None else None
            if not online and lock is None:
                table = next(k for k in range(len(picks) + problem.n_tables) if (t, k) not in taken)
                taken.add((t, table))
            agenda.append(Assignment(m, t, table, pair))
        report = check_agenda(problem, agenda, fairness=None)
        if report.ok:
            best = max(best, report.priority_held)
    return best


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events(max_meetings=3))
def test_an_optimal_answer_holds_the_most_priority(problem: Problem) -> None:
    result = solve(problem, OPTIONS)
    assert result.priority_held <= _exhaustive_priority(problem) <= result.priority_bound
    if result.status is Status.OPTIMAL:
        assert result.priority_held == _exhaustive_priority(problem)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events(), st.data())
def test_a_move_by_hand_is_valid_exactly_when_the_checker_accepts_the_moved_agenda(
    event: Problem, data: st.DataObject
) -> None:
    problem = replace(event, meetings=_unlocked(event))
    agenda = list(greedy_first_come(problem).assignments)
    m = data.draw(st.integers(0, len(problem.meetings) - 1))
    t = data.draw(st.integers(0, problem.n_slots - 1))
    table = (
        data.draw(st.one_of(st.none(), st.integers(0, problem.n_tables - 1))) if problem.n_tables else None
    )
    conflicts = move_conflicts(problem, agenda, m, Placement(t, table))
    moved = {a.meeting: a for a in agenda if a.meeting != m} | {m: Assignment(m, t, table)}
    pairs = assign_interpreters(problem, {a.meeting: a.slot for a in moved.values()})
    rematched = [replace(a, interpreter=(pairs or {}).get(a.meeting)) for a in moved.values()]
    accepted = pairs is not None and check_agenda(problem, rematched, fairness=None).ok
    assert accepted == (not conflicts), ([c.message for c in conflicts], agenda, (m, t, table))

from __future__ import annotations

import ast
from pathlib import Path

from kakehashi.scheduling import check as check_module
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.problem import Assignment, Meeting, Problem, Session, participant_breaks


def _problem(**changes: object) -> Problem:
    base: dict[str, object] = {
        "n_participants": 4,
        "n_slots": 6,
        "n_tables": 1,
        "n_morning_slots": 3,
        "meetings": (
            Meeting(0, 1),
            Meeting(0, 2, Session.AFTERNOON),
            Meeting(2, 3, fixed_slot=1),
            Meeting(1, 3, after=(0,)),
        ),
        "forbidden": (frozenset(), frozenset({5}), frozenset(), frozenset()),
    }
    base.update(changes)
    return Problem(**base)  # type: ignore[arg-type]


GOOD = [Assignment(0, 0, 0), Assignment(1, 3, 0), Assignment(2, 1, 0), Assignment(3, 2, 0)]


def test_breaks_count_idle_runs_between_meetings_only() -> None:
    assert participant_breaks([]) == 0
    assert participant_breaks([4]) == 0
    assert participant_breaks([1, 2, 3]) == 0
    assert participant_breaks([0, 2, 3, 7]) == 2
    assert participant_breaks([0, 5]) == 1


def test_a_valid_agenda_passes_and_breaks_are_recomputed() -> None:
    report = check_agenda(_problem(), GOOD)
    assert report.ok, report.violations
    # participant 1: slots 0 and 3 (one break); participant 3: slots 1, 3 (one break)
    assert report.breaks_per_participant == (1, 1, 1, 0)
    assert report.breaks == 3


def test_each_rule_is_caught() -> None:
    problem = _problem()
    cases = {
        "twice": [*GOOD, Assignment(0, 4, 0)],
        "not scheduled": GOOD[:-1],
        "session": [Assignment(0, 0, 0), Assignment(1, 0, 0), Assignment(2, 1, 0), Assignment(3, 2, 0)],
        "fixed to slot 2": [GOOD[0], GOOD[1], Assignment(2, 4, 0), GOOD[3]],
        "not available": [Assignment(0, 5, 0), GOOD[1], GOOD[2], Assignment(3, 4, 0)],
        "before meeting 4": [Assignment(0, 4, 0), GOOD[1], GOOD[2], Assignment(3, 2, 0)],
        "2 meetings at once": [GOOD[0], Assignment(1, 3, 0), GOOD[2], Assignment(3, 3, 0)],
        "outside 1..1": [GOOD[0], GOOD[1], GOOD[2], Assignment(3, 2, 4)],
        "online is not allowed": [GOOD[0], GOOD[1], GOOD[2], Assignment(3, 2, None)],
    }
    for needle, agenda in cases.items():
        report = check_agenda(problem, agenda)
        assert any(needle in v for v in report.violations), (needle, report.violations)


def test_double_booked_participant_is_caught() -> None:
    problem = _problem(n_tables=2)
    agenda = [Assignment(0, 3, 0), Assignment(1, 3, 1), GOOD[2], GOOD[3]]
    report = check_agenda(problem, agenda)
    assert any("participant 1 has meetings 1 and 2 in slot 4" in v for v in report.violations)


def test_fairness_compares_participants_with_requests() -> None:
    problem = Problem(
        n_participants=3,
        n_slots=7,
        n_tables=2,
        meetings=(Meeting(0, 1), Meeting(0, 1), Meeting(0, 1), Meeting(0, 2)),
    )
    agenda = [Assignment(0, 0, 0), Assignment(1, 2, 0), Assignment(2, 4, 0), Assignment(3, 6, 0)]
    assert check_agenda(problem, agenda, fairness=3).ok
    strict = check_agenda(problem, agenda, fairness=2)
    assert [v for v in strict.violations if v.startswith("unfair")]
    assert strict.max_breaks == 3


def test_checker_imports_nothing_from_the_solvers() -> None:
    source = Path(check_module.__file__).read_text(encoding="utf-8")
    ours = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kakehashi")
    ]
    assert {node.module for node in ours} == {"kakehashi.scheduling.problem"}
    # The plain data types only: no helper that a solver also uses to count breaks.
    assert {alias.name for node in ours for alias in node.names} <= {"Assignment", "Problem", "Session"}


def test_checker_counts_breaks_from_the_slots() -> None:
    # Participant 1: slots 1, 3, 4, 7 (two breaks); participant 2: 1 and 7 (one); 3: 3, 4 (none).
    problem = Problem(
        n_participants=3,
        n_slots=7,
        n_tables=2,
        meetings=(Meeting(0, 1), Meeting(0, 2), Meeting(0, 2), Meeting(0, 1)),
    )
    agenda = [Assignment(0, 0, 0), Assignment(1, 2, 0), Assignment(2, 3, 0), Assignment(3, 6, 0)]
    report = check_agenda(problem, agenda, fairness=None)
    assert report.ok
    assert report.breaks_per_participant == (2, 1, 0)

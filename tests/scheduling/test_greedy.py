from __future__ import annotations

from pathlib import Path

from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.dzn import read_dzn
from kakehashi.scheduling.greedy import greedy_first_come
from kakehashi.scheduling.problem import Meeting, Problem, Status


def test_first_come_takes_the_earliest_free_slot_in_request_order() -> None:
    problem = Problem(
        n_participants=3, n_slots=3, n_tables=1, meetings=(Meeting(0, 1), Meeting(1, 2), Meeting(0, 2))
    )
    result = greedy_first_come(problem)
    assert [(a.meeting, a.slot) for a in result.assignments] == [(0, 0), (1, 1), (2, 2)]
    assert check_agenda(problem, result.assignments, fairness=None).ok


def test_first_come_leaves_out_what_does_not_fit() -> None:
    problem = Problem(n_participants=2, n_slots=2, n_tables=1, meetings=(Meeting(0, 1),) * 3)
    result = greedy_first_come(problem)
    assert result.unscheduled == (2,)
    assert result.status is Status.UNKNOWN


def test_first_come_agendas_of_real_instances_break_no_hard_rule(data_dir: Path) -> None:
    for path in sorted(data_dir.glob("*.dzn")):
        problem = read_dzn(path)
        result = greedy_first_come(problem)
        report = check_agenda(problem, [*result.assignments], fairness=None)
        placement = [v for v in report.violations if "not scheduled" not in v]
        assert placement == [], path.name
        assert report.breaks == result.breaks


def test_assignment_tables_are_within_range() -> None:
    problem = Problem(n_participants=4, n_slots=1, n_tables=2, meetings=(Meeting(0, 1), Meeting(2, 3)))
    result = greedy_first_come(problem)
    assert sorted(a.table for a in result.assignments if a.table is not None) == [0, 1]
    assert all(a.table is not None for a in result.assignments)

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.generate import planted_instance
from kakehashi.scheduling.problem import Status
from kakehashi.scheduling.solve import SolveOptions, solve

shapes = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "n_participants": st.integers(4, 14),
        "n_meetings": st.integers(1, 18),
        "n_slots": st.integers(3, 8),
        "n_tables": st.integers(1, 4),
        "morning_slots": st.one_of(st.none(), st.integers(1, 3)),
    }
)


@given(shapes)
@settings(max_examples=40, deadline=None)
def test_planted_agenda_is_a_witness(shape: dict[str, int]) -> None:
    planted = planted_instance(**shape)
    report = check_agenda(planted.problem, planted.agenda, fairness=None)
    assert report.ok, report.violations


@given(shapes, st.sampled_from([None, 0, 1, 2]))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_agenda_the_solver_returns_passes_the_checker(
    shape: dict[str, int], fairness: int | None
) -> None:
    planted = planted_instance(**shape)
    result = solve(planted.problem, SolveOptions(time_limit=5.0, fairness=fairness, threads=1))
    if fairness is None:
        # planted instances are feasible by construction; without fairness the solver must say so
        assert result.status is not Status.INFEASIBLE, result.explanation
    if result.status in (Status.OPTIMAL, Status.FEASIBLE):
        report = check_agenda(planted.problem, result.assignments, fairness=fairness)
        assert report.ok, report.violations
        assert report.breaks == result.breaks
        assert result.lower_bound <= report.breaks
    if result.status is Status.INFEASIBLE:
        assert result.explanation

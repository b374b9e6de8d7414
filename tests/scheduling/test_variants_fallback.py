"""Crafted tight variants, the repaired first-come agenda, and the top-down SAT search."""

from __future__ import annotations

import time
from pathlib import Path
from unittest.mock import patch

from kakehashi.scheduling import sat_improve
from kakehashi.scheduling.bounds import participant_lower_bounds
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.dzn import read_dzn
from kakehashi.scheduling.fallback import fallback_agenda
from kakehashi.scheduling.generate import planted_instance
from kakehashi.scheduling.problem import Assignment, Meeting, Problem, Session
from kakehashi.scheduling.sat_improve import Improver
from kakehashi.scheduling.sat_search import agenda_breaks
from kakehashi.scheduling.tables import assign_tables
from kakehashi.scheduling.variants import session_load, tight_variant


def _checked(problem: Problem, slots: dict[int, int], fairness: int | None) -> tuple[bool, int]:
    tables = assign_tables(problem, slots)
    report = check_agenda(problem, [Assignment(m, t, tables[m]) for m, t in slots.items()], fairness=fairness)
    return report.ok, report.breaks


def test_tight_variant_binds_meetings_to_the_morning_and_cuts_tables(data_dir: Path) -> None:
    original = read_dzn(data_dir / "dadesF2014-241r-30t-70e.dzn")
    variant = tight_variant(original, seed=1, morning_share=0.6, table_slack=0.25)
    assert [(m.a, m.b) for m in variant.meetings] == [(m.a, m.b) for m in original.meetings]
    assert variant.n_tables < original.n_tables
    load = session_load(variant)
    assert load["morning_bound_share"] > 0.5 > session_load(original)["morning_bound_share"]
    assert load["morning_bound_per_slot"] <= variant.n_tables
    # Only free meetings are bound, and no party gets a forced break from it.
    for before, after in zip(original.meetings, variant.meetings, strict=True):
        assert after.session in (before.session, Session.MORNING)
    assert sum(participant_lower_bounds(variant)) <= sum(participant_lower_bounds(original))


def test_fallback_agenda_is_complete_and_fair_on_real_lists(data_dir: Path) -> None:
    for name in ("dadesF2014-105r-10t-50e", "dadesF2014-241r-30t-70e"):
        problem = read_dzn(data_dir / f"{name}.dzn")
        slots = fallback_agenda(problem, fairness=2, until=time.monotonic() + 5.0)
        assert slots is not None
        ok, _breaks = _checked(problem, slots, 2)
        assert ok, name


def test_fallback_agenda_respects_precedences_and_sessions() -> None:
    planted = planted_instance(7, n_participants=20, n_meetings=40, n_slots=10, n_tables=6, morning_slots=5)
    slots = fallback_agenda(planted.problem, fairness=None, until=time.monotonic() + 2.0)
    assert slots is not None
    assert _checked(planted.problem, slots, None)[0]


def test_top_down_search_improves_on_its_seed_and_proves_the_optimum() -> None:
    # Participant 0 meets 1, 2, 3; a seed with its meetings in slots 0, 2, 4 has two breaks (plus none
    # for the others); the optimum is 0 (slots 0, 1, 2 in any order).
    problem = Problem(
        n_participants=4, n_slots=5, n_tables=1, meetings=(Meeting(0, 1), Meeting(0, 2), Meeting(0, 3))
    )
    seed = {0: 0, 1: 2, 2: 4}
    improver = Improver()
    improver.start(
        problem, caps=[None] * 4, lower=[0] * 4, seed=seed, seed_breaks=agenda_breaks(problem, seed)
    )
    try:
        deadline = time.monotonic() + 30
        while not improver.exhausted and time.monotonic() < deadline:
            improver.drain(0.1)
    finally:
        improver.stop()
    assert improver.exhausted
    assert improver.best is not None
    assert improver.breaks == agenda_breaks(problem, improver.best) == 0


def test_large_neighbourhood_steps_keep_the_top_down_search_exact() -> None:
    # The triangle 0-1, 0-2, 1-2 in 3 slots forces one break (the participant of the first and last
    # used slots waits); a seed spread over slots 0, 2, 4 of 5 has more. With the neighbourhood steps
    # on, the search must still reach the optimum 1 and prove that nothing better exists.
    problem = Problem(
        n_participants=3, n_slots=5, n_tables=1, meetings=(Meeting(0, 1), Meeting(0, 2), Meeting(1, 2))
    )
    seed = {0: 0, 1: 2, 2: 4}
    improver = Improver()
    with patch.object(sat_improve, "LNS", True):
        improver.start(
            problem, caps=[None] * 3, lower=[0] * 3, seed=seed, seed_breaks=agenda_breaks(problem, seed)
        )
    try:
        deadline = time.monotonic() + 30
        while not improver.exhausted and time.monotonic() < deadline:
            improver.drain(0.1)
    finally:
        improver.stop()
    assert agenda_breaks(problem, seed) > 1
    assert improver.exhausted
    assert improver.best is not None
    assert improver.breaks == agenda_breaks(problem, improver.best) == 1

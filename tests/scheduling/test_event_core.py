"""Platform mode for events: interpreters as a resource, locks, minimal change, reasons (issue 8)."""

from __future__ import annotations

from dataclasses import replace

from kakehashi.errors import ValidationFailed
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.locks import lock_conflicts, move_conflicts
from kakehashi.scheduling.problem import (
    Assignment,
    ChangeKind,
    ChangeReason,
    InterpreterPool,
    Meeting,
    Placement,
    Problem,
    Status,
    UnmetReason,
)
from kakehashi.scheduling.solve import SolveOptions, solve

IT, JA, IT_EN, JA_EN = frozenset({"it"}), frozenset({"ja"}), frozenset({"it", "en"}), frozenset({"ja", "en"})
OPTIONS = SolveOptions(time_limit=5.0, fairness=None)


def _event(
    meetings: tuple[Meeting, ...],
    languages: tuple[frozenset[str], ...],
    pools: dict[tuple[str, str], int],
    *,
    n_slots: int = 2,
    n_tables: int = 5,
    online_capacity: int = 0,
    forbidden: tuple[frozenset[int], ...] = (),
) -> Problem:
    return Problem(
        n_participants=len(languages),
        n_slots=n_slots,
        n_tables=n_tables,
        meetings=meetings,
        online_capacity=online_capacity,
        choose_meetings=True,
        languages=languages,
        interpreters=tuple(InterpreterPool.constant(x, y, n, n_slots=n_slots) for (x, y), n in pools.items()),
        forbidden=forbidden,
    )


def test_an_interpreter_is_needed_only_without_a_common_language_and_may_go_through_english() -> None:
    problem = _event(
        (Meeting(0, 1), Meeting(0, 2), Meeting(3, 1), Meeting(3, 4)),
        (IT, JA, JA_EN, IT_EN, frozenset()),
        {("it", "ja"): 1, ("en", "it"): 1, ("en", "ja"): 1},
    )
    assert problem.interpreter_pairs(problem.meetings[0]) == (("it", "ja"),)
    assert problem.interpreter_pairs(problem.meetings[1]) == (("en", "it"), ("it", "ja"))
    assert problem.interpreter_pairs(problem.meetings[2]) == (("en", "ja"), ("it", "ja"))
    assert problem.interpreter_pairs(problem.meetings[3]) is None  # languages not declared: no rule


def test_interpreters_per_slot_bound_the_meetings_and_the_pair_is_chosen() -> None:
    # Three Italian-Japanese meetings, one slot, one it-ja and one en-ja interpreter: the meeting whose
    # Japanese side speaks English takes the en-ja one; the third cannot be held.
    problem = _event(
        (Meeting(0, 1, priority=2), Meeting(2, 3, priority=1), Meeting(4, 5, priority=3)),
        (IT_EN, JA, IT, JA, IT, JA),
        {("it", "ja"): 1, ("en", "ja"): 1},
        n_slots=1,
    )
    result = solve(problem, OPTIONS)
    assert check_agenda(problem, result.assignments, fairness=None).ok
    pairs = {a.meeting: a.interpreter for a in result.assignments}
    assert pairs == {0: ("en", "ja"), 2: ("it", "ja")}
    assert result.priority_held == result.priority_bound == 5
    assert [(u.meeting, u.reason) for u in result.unmet] == [(1, UnmetReason.NO_INTERPRETER_LEFT)]


def test_an_online_meeting_needs_an_interpreter_too() -> None:
    problem = _event(
        (Meeting(0, 1, online_slots=frozenset({0, 1}), onsite=False),),
        (IT, JA),
        {("it", "ja"): 0},
        online_capacity=1,
    )
    result = solve(problem, OPTIONS)
    assert result.assignments == ()
    assert [u.reason for u in result.unmet] == [UnmetReason.NO_INTERPRETER]
    staffed = replace(problem, interpreters=(InterpreterPool(("it", "ja"), (0, 1)),))
    held = solve(staffed, OPTIONS)
    assert [(a.slot, a.table, a.interpreter) for a in held.assignments] == [(1, None, ("it", "ja"))]


def test_unmet_reasons_name_the_missing_resource() -> None:
    problem = _event(
        (
            Meeting(0, 1, priority=5),  # held in the only slot
            Meeting(0, 2, priority=1),  # 0 is busy: lost to a higher priority
            Meeting(3, 4, priority=1),  # 4 is never available
            Meeting(5, 6, priority=1),  # the only table is taken
        ),
        (IT, IT, IT, IT, IT, IT, IT),
        {},
        n_slots=1,
        n_tables=1,
        forbidden=tuple(frozenset({0}) if p == 4 else frozenset() for p in range(7)),
    )
    result = solve(problem, OPTIONS)
    reasons = {u.meeting: u.reason for u in result.unmet}
    assert reasons == {1: UnmetReason.PRIORITY, 2: UnmetReason.NO_COMMON_SLOT, 3: UnmetReason.NO_TABLE}


def test_a_locked_meeting_is_held_exactly_where_it_is_locked() -> None:
    # Priority alone would hold 2-3 in slot 1; the lock keeps 0-1 there, at table 2.
    problem = _event(
        (Meeting(0, 1, priority=1, lock=Placement(0, 1)), Meeting(2, 3, priority=9)),
        (IT, IT, IT, IT),
        {},
        n_slots=1,
        n_tables=2,
    )
    result = solve(problem, OPTIONS)
    assert Assignment(0, 0, 1) in result.assignments
    assert check_agenda(problem, result.assignments, fairness=None).ok
    moved = [Assignment(0, 0, 0), Assignment(1, 0, 1)]
    assert check_agenda(problem, moved, fairness=None).violations == (
        "meeting 1 is locked to slot 1, table 2",
    )


def test_bad_locks_are_refused_with_a_reason() -> None:
    problem = _event(
        (
            Meeting(0, 1, lock=Placement(0, 0)),
            Meeting(2, 3, lock=Placement(0, 0)),  # same table
            Meeting(4, 5, lock=Placement(1, 1)),  # 5 is away in slot 2
            Meeting(6, 7, lock=Placement(1, 2)),  # needs an it-ja interpreter: none in slot 2
        ),
        (IT, IT, IT, IT, IT, IT, IT, JA),
        {("it", "ja"): 0},
        n_tables=3,
        forbidden=tuple(frozenset({1}) if p == 5 else frozenset() for p in range(8)),
    )
    messages = [problem_.message for problem_ in lock_conflicts(problem)]
    assert "meetings %(first)s and %(meeting)s are locked to the same table in slot %(slot)s" in messages
    assert any("not available" in m for m in messages)
    assert any("interpreters" in m for m in messages)
    result = solve(problem, OPTIONS)
    assert result.status is Status.INFEASIBLE
    assert "same table" in (result.explanation or "")


def test_interpreter_count_below_what_locked_meetings_need_is_refused() -> None:
    problem = _event(
        (Meeting(0, 1, lock=Placement(0, 0)), Meeting(2, 3, lock=Placement(0, 1))),
        (IT, JA, IT, JA),
        {("it", "ja"): 1},
    )
    (conflict,) = lock_conflicts(problem)
    assert conflict.field == "interpreters"
    assert conflict.params == {"slot": 1, "needed": 2, "served": 1}


def _published(problem: Problem) -> tuple[Problem, dict[int, Placement]]:
    first = solve(problem, OPTIONS)
    before = {a.meeting: a.placement for a in first.assignments}
    meetings = tuple(replace(m, previous=before.get(i)) for i, m in enumerate(problem.meetings))
    return replace(problem, meetings=meetings), before


def test_a_rerun_after_a_participant_leaves_changes_only_its_meetings() -> None:
    languages = (IT, JA, IT_EN, JA_EN, IT, JA, IT, JA)
    meetings = tuple(Meeting(a, b, priority=1 + (a + b) % 3) for a in (0, 2, 4, 6) for b in (1, 3, 5, 7))
    problem = _event(meetings, languages, {("it", "ja"): 2, ("en", "ja"): 1}, n_slots=6, n_tables=3)
    published, before = _published(problem)
    gone = 5
    forbidden = tuple(frozenset(range(6)) if p == gone else frozenset() for p in range(8))
    result = solve(replace(published, forbidden=forbidden), OPTIONS)
    assert check_agenda(replace(published, forbidden=forbidden), result.assignments, fairness=None).ok
    theirs = {m for m in before if gone in meetings[m].participants}
    assert {c.meeting for c in result.changes} == theirs
    assert {(c.kind, c.reason) for c in result.changes} == {(ChangeKind.DROPPED, ChangeReason.UNAVAILABLE)}
    kept = {a.meeting: a.placement for a in result.assignments if a.meeting in before}
    assert kept == {m: p for m, p in before.items() if m not in theirs}


def test_a_slot_closing_moves_its_meeting_and_says_why() -> None:
    problem = _event((Meeting(0, 1), Meeting(2, 3)), (IT, IT, IT, IT), {}, n_slots=3, n_tables=1)
    published = replace(
        problem,
        meetings=(
            replace(problem.meetings[0], previous=Placement(0, 0)),
            replace(problem.meetings[1], previous=Placement(1, 0)),
        ),
    )
    closed = replace(published, forbidden=(frozenset({0}), frozenset(), frozenset(), frozenset()))
    result = solve(closed, OPTIONS)
    (change,) = result.changes
    assert (change.meeting, change.kind, change.reason) == (0, ChangeKind.MOVED, ChangeReason.UNAVAILABLE)
    assert Assignment(1, 1, 0) in result.assignments  # the other one stays where it was


def test_the_checker_counts_interpreters_per_slot_and_pair() -> None:
    problem = _event(
        (Meeting(0, 1), Meeting(2, 3), Meeting(4, 5)),
        (IT, JA, IT, JA, IT, IT),
        {("it", "ja"): 1},
        n_slots=1,
    )
    cases = {
        "share no language": [Assignment(0, 0, 0)],
        "cannot serve": [Assignment(0, 0, 0, ("en", "ja"))],
        "2 meetings need a it-ja interpreter, 1 present": [
            Assignment(0, 0, 0, ("it", "ja")),
            Assignment(1, 0, 1, ("it", "ja")),
        ],
        "no interpreter is needed": [Assignment(2, 0, 0, ("it", "ja"))],
    }
    for expected, agenda in cases.items():
        violations = check_agenda(problem, agenda, fairness=None).violations
        assert any(expected in v for v in violations), (expected, violations)
    assert check_agenda(problem, [Assignment(0, 0, 0, ("it", "ja")), Assignment(2, 0, 1)], fairness=None).ok


def test_languages_and_pools_are_validated() -> None:
    for bad in (
        {"languages": (frozenset({"fr"}), IT)},
        {"interpreters": (InterpreterPool(("ja", "it"), (1,)),)},  # not sorted
        {"interpreters": (InterpreterPool(("it", "ja"), (1, 1)),)},  # one count per slot
        {"choose_meetings": False},
    ):
        fields = {"languages": (IT, JA), "interpreters": (), "choose_meetings": True} | bad
        try:
            Problem(n_participants=2, n_slots=1, n_tables=1, meetings=(Meeting(0, 1),), **fields)  # type: ignore[arg-type]
        except ValidationFailed:
            continue
        raise AssertionError(f"accepted {bad}")


def test_a_lock_on_a_published_table_reseats_that_meeting_and_says_why() -> None:
    problem = _event(
        (
            Meeting(0, 1, previous=Placement(0, 0)),
            Meeting(2, 3, previous=Placement(1, 0), lock=Placement(0, 0)),  # the organiser moves it
        ),
        (IT, IT, IT, IT),
        {},
        n_slots=2,
        n_tables=2,
    )
    result = solve(problem, OPTIONS)
    changes = {c.meeting: (c.kind, c.reason, c.after) for c in result.changes}
    assert changes == {
        0: (ChangeKind.RESEATED, ChangeReason.LOCKED, Placement(0, 1)),
        1: (ChangeKind.MOVED, ChangeReason.LOCKED, Placement(0, 0)),
    }
    shown = result.to_json_dict()
    assert shown["changes"] == [
        {
            "meeting": 1,
            "kind": "reseated",
            "reason": "locked",
            "before": {"slot": 1, "table": 1},
            "after": {"slot": 1, "table": 2},
        },
        {
            "meeting": 2,
            "kind": "moved",
            "reason": "locked",
            "before": {"slot": 2, "table": 1},
            "after": {"slot": 1, "table": 1},
        },
    ]


def test_the_json_shape_names_the_interpreter_and_the_unmet_reason() -> None:
    problem = _event((Meeting(0, 1, priority=2), Meeting(0, 2)), (IT, JA, JA), {("it", "ja"): 1}, n_slots=1)
    shown = solve(problem, OPTIONS).to_json_dict()
    assert shown["assignments"] == [{"meeting": 1, "slot": 1, "table": 1, "interpreter": "it-ja"}]
    assert shown["unmet"] == [{"meeting": 2, "reason": "priority"}]


def test_a_move_by_hand_is_checked_against_the_rest_of_the_agenda() -> None:
    problem = _event(
        (Meeting(0, 1), Meeting(2, 3), Meeting(4, 5), Meeting(0, 6, online_slots=frozenset({1}))),
        (IT, JA, IT, JA, IT, IT, IT),
        {("it", "ja"): 1},
        n_slots=2,
        n_tables=2,
        online_capacity=1,
        forbidden=tuple(frozenset({1}) if p == 5 else frozenset() for p in range(7)),
    )
    agenda = [Assignment(0, 0, 0, ("it", "ja")), Assignment(1, 1, 0, ("it", "ja")), Assignment(2, 0, 1)]

    def messages(m: int, place: Placement) -> list[str]:
        return [found.message for found in move_conflicts(problem, agenda, m, place)]

    assert messages(1, Placement(0, 1)) == [
        "table %(table)s is taken by meeting %(other)s in slot %(slot)s",
        "slot %(slot)s has no interpreter left for meeting %(meeting)s",
    ]
    assert messages(2, Placement(1, 1)) == ["participant %(participant)s is not available in slot %(slot)s"]
    assert messages(3, Placement(0, None)) == [
        "participant %(participant)s already has meeting %(other)s in slot %(slot)s"
    ]
    assert messages(2, Placement(0, None)) == [
        "meeting %(meeting)s cannot be held in slot %(slot)s (session, online hours or interpreters)"
    ]
    assert messages(2, Placement(0, 0)) == ["table %(table)s is taken by meeting %(other)s in slot %(slot)s"]
    assert messages(3, Placement(1, None)) == []  # 0 is free in slot 2, online then is allowed
    assert messages(0, Placement(0, 0)) == []  # where it is: valid

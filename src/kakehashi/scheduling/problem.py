"""The typed B2B meeting scheduling problem and its result.

Everything is 0-based inside (participants, meetings, slots, tables); readers and writers convert from and
to the 1-based numbering of the benchmark files and of the CLI output.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from kakehashi.errors import FieldProblem, ValidationFailed


class Session(IntEnum):
    """Where in the day a meeting may be held (the benchmark's code 1, 2, 3)."""

    MORNING = 1
    AFTERNOON = 2
    ANY = 3


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Meeting:
    """A requested one-to-one meeting between participants ``a`` and ``b``.

    ``fixed_slot``: the slot it must be held in. ``after``: meetings that must be held strictly before it.
    ``priority``: weight when not every meeting fits (platform mode). ``online_slots``: slots in which it may
    be held online (inside both parties' working hours); empty means on site only. ``onsite``: whether a
    table may be used at all.
    """

    a: int
    b: int
    session: Session = Session.ANY
    fixed_slot: int | None = None
    after: tuple[int, ...] = ()
    priority: int = 1
    online_slots: frozenset[int] = frozenset()
    onsite: bool = True

    @property
    def participants(self) -> tuple[int, int]:
        return (self.a, self.b)


@dataclass(frozen=True, slots=True)
class Problem:
    """One event: participants, requested meetings, the slot grid and the tables.

    ``choose_meetings``: when true, meetings are optional and the solver maximises the total priority held
    before minimising breaks (platform mode); when false every meeting must be held (the benchmark).
    """

    n_participants: int
    n_slots: int
    n_tables: int
    meetings: tuple[Meeting, ...]
    n_morning_slots: int | None = None
    forbidden: tuple[frozenset[int], ...] = ()
    online_capacity: int = 0
    choose_meetings: bool = False
    names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        problems = _structural_problems(self)
        if problems:
            raise ValidationFailed("invalid scheduling problem", problems=problems)
        if not self.forbidden:
            object.__setattr__(self, "forbidden", tuple(frozenset() for _ in range(self.n_participants)))

    @property
    def morning_end(self) -> int:
        """Number of morning slots (all slots when the day is not split)."""
        return self.n_slots if self.n_morning_slots is None else self.n_morning_slots

    def session_slots(self, session: Session) -> range:
        if session is Session.MORNING:
            return range(0, self.morning_end)
        if session is Session.AFTERNOON:
            return range(self.morning_end, self.n_slots)
        return range(0, self.n_slots)

    def onsite_slots(self, m: int) -> list[int]:
        """Slots where meeting ``m`` may take a table: its session, fixed slot, both parties free."""
        meeting = self.meetings[m]
        if not meeting.onsite:
            return []
        return [t for t in self.session_slots(meeting.session) if self._slot_open(meeting, t)]

    def online_slots(self, m: int) -> list[int]:
        meeting = self.meetings[m]
        return [t for t in sorted(meeting.online_slots) if self._slot_open(meeting, t)]

    def _slot_open(self, meeting: Meeting, t: int) -> bool:
        if meeting.fixed_slot is not None and meeting.fixed_slot != t:
            return False
        return t not in self.forbidden[meeting.a] and t not in self.forbidden[meeting.b]

    def meetings_of(self) -> list[list[int]]:
        """For each participant, the indices of its meetings."""
        by_participant: list[list[int]] = [[] for _ in range(self.n_participants)]
        for m, meeting in enumerate(self.meetings):
            by_participant[meeting.a].append(m)
            by_participant[meeting.b].append(m)
        return by_participant


def _structural_problems(problem: Problem) -> list[FieldProblem]:
    """Index ranges and counts; what makes a problem malformed rather than infeasible."""
    found: list[FieldProblem] = []
    for name, value, low in (
        ("n_participants", problem.n_participants, 1),
        ("n_slots", problem.n_slots, 1),
        ("n_tables", problem.n_tables, 0),
        ("online_capacity", problem.online_capacity, 0),
    ):
        if value < low:
            found.append(
                FieldProblem(
                    name, "must be at least %(low)s, got %(value)s", params={"low": low, "value": value}
                )
            )
    if found:
        return found
    if problem.n_morning_slots is not None and not 0 <= problem.n_morning_slots <= problem.n_slots:
        found.append(
            FieldProblem(
                "n_morning_slots", "must be between 0 and %(upper)s", params={"upper": problem.n_slots}
            )
        )
    if problem.forbidden and len(problem.forbidden) != problem.n_participants:
        found.append(
            FieldProblem(
                "forbidden",
                "needs one set per participant (%(count)s)",
                params={"count": problem.n_participants},
            )
        )
    for p, slots in enumerate(problem.forbidden):
        if any(not 0 <= t < problem.n_slots for t in slots):
            found.append(
                FieldProblem(
                    f"forbidden[{p + 1}]",
                    "slots must be within 1..%(upper)s",
                    params={"upper": problem.n_slots},
                )
            )
    if problem.names and len(problem.names) != problem.n_participants:
        found.append(
            FieldProblem(
                "names",
                "needs one name per participant (%(count)s)",
                params={"count": problem.n_participants},
            )
        )
    for m, meeting in enumerate(problem.meetings):
        found.extend(_meeting_problems(problem, m, meeting))
    return found


def _meeting_problems(problem: Problem, m: int, meeting: Meeting) -> list[FieldProblem]:
    where = f"meetings[{m + 1}]"
    found: list[FieldProblem] = []
    for p in meeting.participants:
        if not 0 <= p < problem.n_participants:
            found.append(
                FieldProblem(
                    where,
                    "participant %(participant)s is not within 1..%(upper)s",
                    params={"participant": p + 1, "upper": problem.n_participants},
                )
            )
    if meeting.a == meeting.b:
        found.append(FieldProblem(where, "a participant cannot meet itself"))
    if meeting.fixed_slot is not None and not 0 <= meeting.fixed_slot < problem.n_slots:
        found.append(
            FieldProblem(where, "fixed slot must be within 1..%(upper)s", params={"upper": problem.n_slots})
        )
    for before in meeting.after:
        if not 0 <= before < len(problem.meetings) or before == m:
            found.append(
                FieldProblem(
                    where, "precedence names an unknown meeting %(meeting)s", params={"meeting": before + 1}
                )
            )
    if any(not 0 <= t < problem.n_slots for t in meeting.online_slots):
        found.append(
            FieldProblem(where, "online slots must be within 1..%(upper)s", params={"upper": problem.n_slots})
        )
    if meeting.priority < 0:
        found.append(FieldProblem(where, "priority must not be negative"))
    return found


@dataclass(frozen=True, slots=True)
class Assignment:
    """Meeting ``meeting`` is held in ``slot`` at ``table``; ``table`` is None for an online meeting."""

    meeting: int
    slot: int
    table: int | None

    @property
    def online(self) -> bool:
        return self.table is None


@dataclass(frozen=True, slots=True)
class Result:
    """What a solver returns. ``breaks`` is the objective; ``lower_bound`` what the solver proved.

    In platform mode ``priority_held`` is the first objective and ``priority_bound`` its proven upper bound.
    """

    status: Status
    assignments: tuple[Assignment, ...]
    breaks: int | None
    max_breaks: int | None
    lower_bound: int
    unscheduled: tuple[int, ...]
    seconds: float
    explanation: str | None = None
    priority_held: int = 0
    priority_bound: int = 0
    breaks_per_participant: tuple[int, ...] = ()
    seconds_to_best: float | None = None  # when the returned agenda was found (the rest is proof)

    def to_json_dict(self) -> dict[str, object]:
        """The CLI/API shape: 1-based meetings, slots and tables (table null when online)."""
        return {
            "status": str(self.status),
            "breaks": self.breaks,
            "max_breaks": self.max_breaks,
            "lower_bound": self.lower_bound,
            "unscheduled": [m + 1 for m in self.unscheduled],
            "seconds": round(self.seconds, 3),
            "seconds_to_best": None if self.seconds_to_best is None else round(self.seconds_to_best, 3),
            "priority_held": self.priority_held,
            "priority_bound": self.priority_bound,
            "explanation": self.explanation,
            "assignments": [
                {
                    "meeting": a.meeting + 1,
                    "slot": a.slot + 1,
                    "table": None if a.table is None else a.table + 1,
                }
                for a in sorted(self.assignments, key=lambda a: a.meeting)
            ],
        }


def participant_breaks(busy_slots: Sequence[int]) -> int:
    """Number of maximal idle runs strictly between the first and the last busy slot."""
    ordered = sorted(set(busy_slots))
    return sum(1 for prev, nxt in itertools.pairwise(ordered) if nxt > prev + 1)

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


LANGUAGES = frozenset({"it", "ja", "en"})
Pair = tuple[str, str]  # two languages an interpreter works between, sorted: ("en", "ja"), ("it", "ja") ...


def language_pair(x: str, y: str) -> Pair:
    first, second = sorted((x, y))
    return (first, second)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a meeting is held: a slot and a table, or online (``table`` None)."""

    slot: int
    table: int | None

    @property
    def online(self) -> bool:
        return self.table is None


@dataclass(frozen=True, slots=True)
class InterpreterPool:
    """Interpreters between the two languages of ``pair`` present in each slot (``per_slot[t]``)."""

    pair: Pair
    per_slot: tuple[int, ...]

    @classmethod
    def constant(cls, x: str, y: str, count: int, *, n_slots: int) -> InterpreterPool:
        return cls(language_pair(x, y), (count,) * n_slots)


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
    table may be used at all. Platform mode only: ``lock``, the place it must be held at (a locked
    meeting is always held there); ``previous``, where a published agenda had it (kept unless the
    solver must move it to hold more priority; see ``solve``).
    """

    a: int
    b: int
    session: Session = Session.ANY
    fixed_slot: int | None = None
    after: tuple[int, ...] = ()
    priority: int = 1
    online_slots: frozenset[int] = frozenset()
    onsite: bool = True
    lock: Placement | None = None
    previous: Placement | None = None

    @property
    def participants(self) -> tuple[int, int]:
        return (self.a, self.b)


@dataclass(frozen=True, slots=True)
class Problem:
    """One event: participants, requested meetings, the slot grid and the tables.

    ``choose_meetings``: when true, meetings are optional and the solver maximises the total priority held
    before minimising breaks (platform mode); when false every meeting must be held (the benchmark).

    Platform mode only: ``languages`` (per participant, subsets of it/ja/en; empty: not known) and
    ``interpreters``. Two parties that both declare languages and share none need an interpreter of a
    pair (x, y) with x spoken by one and y by the other (it-ja directly, or it-en / ja-en through English),
    in the same slot, on site or online alike; a slot holds at most ``per_slot[t]`` such meetings per pair.
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
    languages: tuple[frozenset[str], ...] = ()
    interpreters: tuple[InterpreterPool, ...] = ()

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
        if not meeting.onsite or (meeting.lock is not None and meeting.lock.online):
            return []
        pairs = self.interpreter_pairs(meeting)
        return [t for t in self.session_slots(meeting.session) if self._slot_open(meeting, t, pairs)]

    def online_slots(self, m: int) -> list[int]:
        meeting = self.meetings[m]
        if meeting.lock is not None and not meeting.lock.online:
            return []
        pairs = self.interpreter_pairs(meeting)
        return [t for t in sorted(meeting.online_slots) if self._slot_open(meeting, t, pairs)]

    def _slot_open(self, meeting: Meeting, t: int, pairs: tuple[Pair, ...] | None) -> bool:
        if meeting.fixed_slot is not None and meeting.fixed_slot != t:
            return False
        if meeting.lock is not None and meeting.lock.slot != t:
            return False
        if t in self.forbidden[meeting.a] or t in self.forbidden[meeting.b]:
            return False
        return pairs is None or any(self.interpreters_at(pair, t) > 0 for pair in pairs)

    def interpreter_pairs(self, meeting: Meeting) -> tuple[Pair, ...] | None:
        """None when the two parties need no interpreter; else the pairs present at the event that would
        do (possibly none)."""
        if not self.languages:
            return None
        first, second = self.languages[meeting.a], self.languages[meeting.b]
        if not first or not second or first & second:
            return None
        pools = {pool.pair for pool in self.interpreters}
        wanted = {language_pair(x, y) for x in first for y in second}
        return tuple(sorted(wanted & pools))

    def interpreters_at(self, pair: Pair, t: int) -> int:
        return sum(pool.per_slot[t] for pool in self.interpreters if pool.pair == pair)

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
    found.extend(_language_problems(problem))
    return found


def _language_problems(problem: Problem) -> list[FieldProblem]:
    found: list[FieldProblem] = []
    if (problem.languages or problem.interpreters) and not problem.choose_meetings:
        found.append(FieldProblem("interpreters", "needs platform mode (meetings to choose)"))
    if problem.languages and len(problem.languages) != problem.n_participants:
        found.append(
            FieldProblem(
                "languages",
                "needs one set per participant (%(count)s)",
                params={"count": problem.n_participants},
            )
        )
    for p, spoken in enumerate(problem.languages):
        if not spoken <= LANGUAGES:
            found.append(FieldProblem(f"languages[{p + 1}]", "must be it, ja or en"))
    for i, pool in enumerate(problem.interpreters):
        where = f"interpreters[{i + 1}]"
        x, y = pool.pair
        if x == y or not {x, y} <= LANGUAGES or pool.pair != language_pair(x, y):
            found.append(FieldProblem(where, "must be it, ja or en"))
        if len(pool.per_slot) != problem.n_slots or any(c < 0 for c in pool.per_slot):
            found.append(
                FieldProblem(
                    where,
                    "needs one count of at least 0 per slot (%(count)s)",
                    params={"count": problem.n_slots},
                )
            )
    return found


def _placement_problems(problem: Problem, where: str, place: Placement | None) -> list[FieldProblem]:
    if place is None:
        return []
    found: list[FieldProblem] = []
    if not problem.choose_meetings:
        found.append(FieldProblem(where, "needs platform mode (meetings to choose)"))
    if not 0 <= place.slot < problem.n_slots:
        found.append(
            FieldProblem(where, "slots must be within 1..%(upper)s", params={"upper": problem.n_slots})
        )
    if place.table is not None and not 0 <= place.table < problem.n_tables:
        found.append(
            FieldProblem(
                where, "table must be within 1..%(upper)s", params={"upper": max(1, problem.n_tables)}
            )
        )
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
    found.extend(_placement_problems(problem, f"{where}.lock", meeting.lock))
    found.extend(_placement_problems(problem, f"{where}.previous", meeting.previous))
    return found


@dataclass(frozen=True, slots=True)
class Assignment:
    """Meeting ``meeting`` is held in ``slot`` at ``table``; ``table`` is None for an online meeting.
    ``interpreter``: the language pair of the interpreter it takes (None when the parties share one)."""

    meeting: int
    slot: int
    table: int | None
    interpreter: Pair | None = None

    @property
    def placement(self) -> Placement:
        return Placement(self.slot, self.table)

    @property
    def online(self) -> bool:
        return self.table is None


class UnmetReason(StrEnum):
    """Why a requested meeting is not in the agenda (the first that applies, in this order)."""

    NO_COMMON_SLOT = "no_common_slot"  # no slot both parties attend (availability, session, online hours)
    NO_INTERPRETER = "no_interpreter"  # common slots exist, but none with an interpreter of a fitting pair
    NO_TABLE = "no_table"  # in every slot where both are free, tables (and online places) are all taken
    NO_INTERPRETER_LEFT = "no_interpreter_left"  # where both are free, the interpreters are all taken
    PRIORITY = "priority"  # in every common slot a party holds another meeting (lost to others)
    NOT_CHOSEN = "not_chosen"  # it would fit: the search ended (time limit, breaks) before taking it


class ChangeKind(StrEnum):
    MOVED = "moved"  # another slot
    RESEATED = "reseated"  # same slot, another table
    MODE = "mode"  # same slot, on site <-> online
    DROPPED = "dropped"  # no longer held


class ChangeReason(StrEnum):
    """Why a meeting of the published agenda (``Meeting.previous``) is no longer where it was."""

    UNAVAILABLE = "unavailable"  # a party no longer attends that slot (or left the event)
    NOT_ALLOWED = "not_allowed"  # the place is no longer allowed (session, online hours, tables removed)
    NO_INTERPRETER = "no_interpreter"  # no interpreter of a fitting pair in that slot any more
    LOCKED = "locked"  # locked elsewhere by the organiser, or a locked meeting needs its place
    PRIORITY = "priority"  # moved or dropped so that more priority is held


@dataclass(frozen=True, slots=True)
class Unmet:
    meeting: int
    reason: UnmetReason


@dataclass(frozen=True, slots=True)
class Change:
    meeting: int
    kind: ChangeKind
    reason: ChangeReason
    before: Placement
    after: Placement | None


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
    unmet: tuple[Unmet, ...] = ()  # platform mode: why each unscheduled meeting is not held
    changes: tuple[Change, ...] = ()  # platform mode: meetings of the previous agenda not kept as they were

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
            "assignments": [_assignment_json(a) for a in sorted(self.assignments, key=lambda a: a.meeting)],
            **self._platform_json(),
        }

    def _platform_json(self) -> dict[str, object]:
        if not self.unmet and not self.changes:
            return {}
        return {
            "unmet": [{"meeting": u.meeting + 1, "reason": str(u.reason)} for u in self.unmet],
            "changes": [
                {
                    "meeting": c.meeting + 1,
                    "kind": str(c.kind),
                    "reason": str(c.reason),
                    "before": _placement_json(c.before),
                    "after": None if c.after is None else _placement_json(c.after),
                }
                for c in self.changes
            ],
        }


def _placement_json(place: Placement) -> dict[str, object]:
    return {"slot": place.slot + 1, "table": None if place.table is None else place.table + 1}


def _assignment_json(a: Assignment) -> dict[str, object]:
    out: dict[str, object] = {"meeting": a.meeting + 1, **_placement_json(a.placement)}
    if a.interpreter is not None:
        out["interpreter"] = "-".join(a.interpreter)
    return out


def participant_breaks(busy_slots: Sequence[int]) -> int:
    """Number of maximal idle runs strictly between the first and the last busy slot."""
    ordered = sorted(set(busy_slots))
    return sum(1 for prev, nxt in itertools.pairwise(ordered) if nxt > prev + 1)

"""What an agenda means for the people in it: why each request is unmet, and which published meetings
changed and why (platform mode). Computed from the problem and the final agenda, for any solver."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from kakehashi.scheduling.problem import (
    Assignment,
    Change,
    ChangeKind,
    ChangeReason,
    Meeting,
    Placement,
    Problem,
    Unmet,
    UnmetReason,
)


class _Agenda:
    def __init__(self, problem: Problem, assignments: Iterable[Assignment]) -> None:
        self.problem = problem
        self.at = {a.meeting: a for a in assignments}
        self.busy = {(p, a.slot) for a in self.at.values() for p in problem.meetings[a.meeting].participants}
        self.tables = Counter(a.slot for a in self.at.values() if not a.online)
        self.online = Counter(a.slot for a in self.at.values() if a.online)
        self.interpreting = Counter((a.slot, a.interpreter) for a in self.at.values() if a.interpreter)
        self.locked_seats = {
            (a.slot, a.table)
            for a in self.at.values()
            if problem.meetings[a.meeting].lock is not None and a.table is not None
        }
        self.locked_people = {
            (p, a.slot)
            for a in self.at.values()
            if problem.meetings[a.meeting].lock is not None
            for p in problem.meetings[a.meeting].participants
        }

    def allowed(self, meeting: Meeting, t: int, *, online: bool) -> bool:
        """The place on its own: session, fixed slot, availability, mode (not capacity or interpreters)."""
        p = self.problem
        if meeting.fixed_slot is not None and meeting.fixed_slot != t:
            return False
        if t in p.forbidden[meeting.a] or t in p.forbidden[meeting.b]:
            return False
        if online:
            return t in meeting.online_slots and p.online_capacity > 0
        return meeting.onsite and t in p.session_slots(meeting.session) and p.n_tables > 0

    def interpreter_present(self, meeting: Meeting, t: int) -> bool:
        pairs = self.problem.interpreter_pairs(meeting)
        return pairs is None or any(self.problem.interpreters_at(pair, t) > 0 for pair in pairs)

    def interpreter_left(self, meeting: Meeting, t: int) -> bool:
        pairs = self.problem.interpreter_pairs(meeting)
        return pairs is None or any(
            self.interpreting[t, pair] < self.problem.interpreters_at(pair, t) for pair in pairs
        )

    def room(self, meeting: Meeting, t: int) -> bool:
        onsite = self.allowed(meeting, t, online=False) and self.tables[t] < self.problem.n_tables
        online = self.allowed(meeting, t, online=True) and self.online[t] < self.problem.online_capacity
        return onsite or online


def unmet_reasons(problem: Problem, assignments: Iterable[Assignment]) -> tuple[Unmet, ...]:
    agenda = _Agenda(problem, assignments)
    found = []
    for m, meeting in enumerate(problem.meetings):
        if m not in agenda.at:
            found.append(Unmet(m, _unmet_reason(agenda, meeting)))
    return tuple(found)


def _unmet_reason(agenda: _Agenda, meeting: Meeting) -> UnmetReason:
    slots = range(agenda.problem.n_slots)
    common = [
        t
        for t in slots
        if agenda.allowed(meeting, t, online=False) or agenda.allowed(meeting, t, online=True)
    ]
    if not common:
        return UnmetReason.NO_COMMON_SLOT
    served = [t for t in common if agenda.interpreter_present(meeting, t)]
    if not served:
        return UnmetReason.NO_INTERPRETER
    free = [t for t in served if (meeting.a, t) not in agenda.busy and (meeting.b, t) not in agenda.busy]
    if not free:
        return UnmetReason.PRIORITY
    if any(agenda.room(meeting, t) and agenda.interpreter_left(meeting, t) for t in free):
        return UnmetReason.NOT_CHOSEN
    if any(not agenda.room(meeting, t) for t in free):
        return UnmetReason.NO_TABLE
    return UnmetReason.NO_INTERPRETER_LEFT


def changes(problem: Problem, assignments: Iterable[Assignment]) -> tuple[Change, ...]:
    """Meetings with a ``previous`` placement that are not held exactly there any more."""
    agenda = _Agenda(problem, assignments)
    found = []
    for m, meeting in enumerate(problem.meetings):
        before = meeting.previous
        if before is None:
            continue
        now = agenda.at.get(m)
        after = None if now is None else now.placement
        if after == before:
            continue
        found.append(Change(m, _kind(before, after), _change_reason(agenda, meeting, before), before, after))
    return tuple(found)


def _kind(before: Placement, after: Placement | None) -> ChangeKind:
    if after is None:
        return ChangeKind.DROPPED
    if after.slot != before.slot:
        return ChangeKind.MOVED
    if after.online != before.online:
        return ChangeKind.MODE
    return ChangeKind.RESEATED


def _change_reason(agenda: _Agenda, meeting: Meeting, before: Placement) -> ChangeReason:
    t = before.slot
    if meeting.lock is not None and meeting.lock != before:
        return ChangeReason.LOCKED
    if t in agenda.problem.forbidden[meeting.a] or t in agenda.problem.forbidden[meeting.b]:
        return ChangeReason.UNAVAILABLE
    table_gone = before.table is not None and before.table >= agenda.problem.n_tables
    if table_gone or not agenda.allowed(meeting, t, online=before.online):
        return ChangeReason.NOT_ALLOWED
    if not agenda.interpreter_present(meeting, t):
        return ChangeReason.NO_INTERPRETER
    if (t, before.table) in agenda.locked_seats or any(
        (p, t) in agenda.locked_people for p in meeting.participants
    ):
        return ChangeReason.LOCKED
    return ChangeReason.PRIORITY

"""Moving one meeting by hand: the page says whether the move is valid before anything is saved.

The verdict lists every rule the move breaks, each a translated message (a participant busy or away, the
table taken, online outside working hours, no interpreter free), and is confirmed by the independent
checker of :mod:`kakehashi.scheduling.check` over the whole agenda with the move applied. A valid move
is saved, locks the meeting (a re-run keeps it), and tells both sides when the meeting was published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.events import agenda_notices as notices
from kakehashi.events.agenda_access import event_or_404, require_organiser
from kakehashi.events.agenda_models import Meeting
from kakehashi.events.agenda_write import online_link
from kakehashi.events.interpreters import Need, serve_slot, slot_supply
from kakehashi.events.locks import check_version, meeting_of_event
from kakehashi.events.models import Event
from kakehashi.events.problem_build import BuiltProblem, build_problem, interpreter_options
from kakehashi.events.run_inputs import approved_participants, frame_of, supply_of
from kakehashi.events.vocab import MeetingStatus
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.problem import Assignment


@dataclass(frozen=True, slots=True)
class MoveVerdict:
    valid: bool
    problems: list[FieldProblem] = field(default_factory=list)
    checker: tuple[str, ...] = ()  # the independent checker's own words (English, for staff and logs)
    interpreter_pair: str | None = None  # the pair the moved meeting takes (None: none needed)


def _live(session: Session, event: Event) -> list[Meeting]:
    live = (MeetingStatus.SCHEDULED, MeetingStatus.PUBLISHED)
    return list(
        session.scalars(
            select(Meeting).where(Meeting.event_id == event.id, Meeting.status.in_(live)).order_by(Meeting.id)
        )
    )


def judge_move(
    session: Session, actor: Actor, event_id: int, meeting_id: int, *, slot: int, table_id: int | None
) -> MoveVerdict:
    """Whether ``meeting_id`` may go to ``slot`` (0-based) at ``table_id`` (None: online)."""
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    moving = meeting_of_event(session, event, meeting_id)
    return _verdict(session, event, moving, slot=slot, table_id=table_id)


def _verdict(
    session: Session, event: Event, moving: Meeting, *, slot: int, table_id: int | None
) -> MoveVerdict:
    frame = frame_of(event)
    n_slots = len(frame.starts)
    if not 0 <= slot < n_slots:
        return MoveVerdict(
            False,
            [
                FieldProblem(
                    "slot",
                    "Slot %(slot)s is outside the event (1 to %(max)s).",
                    params={"slot": slot + 1, "max": n_slots},
                )
            ],
        )
    tables = sorted(event.tables, key=lambda t: t.number)
    table_index = {t.id: i for i, t in enumerate(tables)}
    if table_id is not None and table_id not in table_index:
        return MoveVerdict(False, [FieldProblem("table", "This table does not belong to the event.")])
    people, names = approved_participants(session, event)
    meetings = [m for m in _live(session, event) if m.status != MeetingStatus.CANCELLED]
    if moving not in meetings:
        return MoveVerdict(False, [FieldProblem("meeting", "A cancelled meeting cannot be moved.")])
    pairs = {(m.registration_a_id, m.registration_b_id): 1 for m in meetings}
    built = build_problem(frame, people, pairs, supply=supply_of(session, event.id))
    index = {pair: i for i, pair in enumerate(built.pairs)}
    pair = (moving.registration_a_id, moving.registration_b_id)
    if pair not in index:
        return MoveVerdict(
            False, [FieldProblem("meeting", "A participant of this meeting is no longer approved.")]
        )
    chosen: dict[int, str] = {}
    problems = _rules(
        session,
        event,
        moving,
        meetings,
        built,
        index,
        names,
        slot=slot,
        table=table_index.get(table_id) if table_id is not None else None,
        chosen=chosen,
    )
    agenda = []
    for m in meetings:
        i = index.get((m.registration_a_id, m.registration_b_id))
        if i is None:
            continue
        if m is moving:
            agenda.append(
                Assignment(i, slot, None if table_id is None else table_index[table_id], _pair(chosen.get(i)))
            )
        else:
            table = None if m.table_id is None else table_index.get(m.table_id)
            agenda.append(Assignment(i, m.slot, table, _pair(m.interpreter_pair)))
    report = check_agenda(built.problem, agenda, fairness=None)
    if not report.ok and not problems:
        problems.append(FieldProblem("slot", "The scheduler's checker refuses this move."))
    return MoveVerdict(not problems, problems, report.violations, chosen.get(index[pair]))


def _pair(code: str | None) -> tuple[str, str] | None:
    if code is None:
        return None
    x, _, y = code.partition("-")
    return (x, y)


def _rules(
    session: Session,
    event: Event,
    moving: Meeting,
    meetings: list[Meeting],
    built: BuiltProblem,
    index: dict[tuple[int, int], int],
    names: dict[int, str],
    *,
    slot: int,
    table: int | None,
    chosen: dict[int, str],
) -> list[FieldProblem]:
    """Every rule the move breaks; ``chosen`` gets the interpreter pair the moved meeting would take."""
    problem = built.problem
    m = index[(moving.registration_a_id, moving.registration_b_id)]
    found: list[FieldProblem] = []
    for registration_id in (moving.registration_a_id, moving.registration_b_id):
        p = built.registrations.index(registration_id)
        if slot in problem.forbidden[p]:
            found.append(
                FieldProblem(
                    "slot", "%(name)s is not available in this slot.", params={"name": names[registration_id]}
                )
            )
        if any(
            o is not moving
            and o.slot == slot
            and registration_id in (o.registration_a_id, o.registration_b_id)
            for o in meetings
        ):
            found.append(
                FieldProblem(
                    "slot",
                    "%(name)s already has a meeting in this slot.",
                    params={"name": names[registration_id]},
                )
            )
    others = [o for o in meetings if o is not moving and o.slot == slot]
    if table is None:
        if slot not in problem.meetings[m].online_slots:
            found.append(
                FieldProblem(
                    "table",
                    "Online, this meeting can only be held in an online session within both sides' working hours.",
                )
            )
        elif sum(1 for o in others if o.online) >= problem.online_capacity:
            found.append(FieldProblem("table", "All online rooms are taken in this slot."))
    else:
        if not problem.meetings[m].onsite:
            found.append(FieldProblem("table", "This meeting must be held online: a side attends online."))
        table_id = sorted(event.tables, key=lambda t: t.number)[table].id
        if any(o.table_id == table_id for o in others):
            found.append(FieldProblem("table", "This table is taken in this slot."))
    options = built.interpreter_options[m]
    if options:
        needs = [Need(m, options)] + [
            Need(
                index[(o.registration_a_id, o.registration_b_id)],
                built.interpreter_options[index[(o.registration_a_id, o.registration_b_id)]],
                kept=True,
            )
            for o in others
            if (o.registration_a_id, o.registration_b_id) in index
            and built.interpreter_options[index[(o.registration_a_id, o.registration_b_id)]]
        ]
        serving = serve_slot(needs, slot_supply(supply_of(session, event.id), slot))
        if m in serving.unserved:
            found.append(
                FieldProblem("slot", "No interpreter for this pair of languages is free in this slot.")
            )
        else:
            chosen[m] = serving.served[m]
    return found


def move_meeting(
    session: Session,
    actor: Actor,
    event_id: int,
    meeting_id: int,
    *,
    slot: int,
    table_id: int | None,
    version: int | None,
) -> Meeting:
    """Save a valid move (refused whole, with the verdict's reasons, when it breaks a rule)."""
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    meeting = meeting_of_event(session, event, meeting_id)
    check_version(meeting, version)
    verdict = _verdict(session, event, meeting, slot=slot, table_id=table_id)
    if not verdict.valid:
        raise ValidationFailed(
            "This move breaks a rule of the agenda; nothing was changed.", problems=verdict.problems
        )
    frame = frame_of(event)
    changed = meeting.slot != slot or meeting.table_id != table_id or meeting.online != (table_id is None)
    meeting.slot = slot
    meeting.starts_at = frame.starts[slot]
    meeting.ends_at = frame.starts[slot] + timedelta(minutes=frame.minutes)
    meeting.table_id = table_id
    meeting.online = table_id is None
    meeting.online_link = online_link(event, meeting.uid) if table_id is None else None
    meeting.locked = True
    meeting.interpreter_pair = verdict.interpreter_pair
    if changed and meeting.status == MeetingStatus.PUBLISHED:
        meeting.sequence += 1
        notices.meeting_changed(session, event, meeting)
    session.flush()
    return meeting


def interpreter_for(session: Session, event: Event, meeting: Meeting) -> tuple[str, ...]:
    """The pairs that could serve ``meeting`` (for the move form)."""
    people, _ = approved_participants(session, event)
    by_id = {p.registration_id: p for p in people}
    a, b = by_id.get(meeting.registration_a_id), by_id.get(meeting.registration_b_id)
    return () if a is None or b is None else interpreter_options(a, b)

"""What the officer fixes before a re-run: locked meetings and the interpreters present per slot.

An interpreter count below what the locked meetings of a slot need is refused with a clear message, and
nothing is changed; so is a slot outside the event's grid.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, NotFound, StaleVersion, ValidationFailed
from kakehashi.events.agenda_access import event_or_404, require_organiser
from kakehashi.events.agenda_models import InterpreterSupply, Meeting
from kakehashi.events.interpreters import Shortage, shortages
from kakehashi.events.models import Event, Registration
from kakehashi.events.problem_build import INTERPRETER_PAIRS, Participant, interpreter_options
from kakehashi.events.run_inputs import slot_starts, supply_of
from kakehashi.events.vocab import MeetingStatus

INTERPRETERS_MAX = 100  # per slot and pair


def meeting_of_event(session: Session, event: Event, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NotFound("Meeting %(id)s does not exist.", params={"id": meeting_id})
    return meeting


def check_version(meeting: Meeting, expected: int | None) -> None:
    if expected is not None and meeting.version != expected:
        raise StaleVersion(
            "This meeting was changed by someone else meanwhile; nothing was saved.",
            params={"id": meeting.id},
        )


def set_locked(
    session: Session, actor: Actor, event_id: int, meeting_id: int, *, locked: bool, version: int | None
) -> Meeting:
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    meeting = meeting_of_event(session, event, meeting_id)
    check_version(meeting, version)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationFailed("A cancelled meeting cannot be locked.")
    meeting.locked = locked
    if locked:
        found = interpreter_shortages(session, event)
        if found:
            raise shortage_error(found)
    session.flush()
    return meeting


def _participant(registration: Registration) -> Participant:
    return Participant(registration.id, "", frozenset(registration.languages))


def locked_needs(session: Session, event: Event) -> list[tuple[int, tuple[str, ...]]]:
    """Slot and interpreter pairs of every locked meeting that needs an interpreter."""
    live = (MeetingStatus.SCHEDULED, MeetingStatus.PUBLISHED)
    meetings = session.scalars(
        select(Meeting).where(
            Meeting.event_id == event.id, Meeting.locked.is_(True), Meeting.status.in_(live)
        )
    ).all()
    ids = {m.registration_a_id for m in meetings} | {m.registration_b_id for m in meetings}
    registrations = {r.id: r for r in session.scalars(select(Registration).where(Registration.id.in_(ids)))}
    needs: list[tuple[int, tuple[str, ...]]] = []
    for m in meetings:
        a, b = registrations[m.registration_a_id], registrations[m.registration_b_id]
        options = interpreter_options(_participant(a), _participant(b))
        if options:
            needs.append((m.slot, options))
    return needs


def interpreter_shortages(
    session: Session, event: Event, supply: Mapping[tuple[int, str], int] | None = None
) -> list[Shortage]:
    return shortages(locked_needs(session, event), supply_of(session, event.id) if supply is None else supply)


def shortage_error(found: list[Shortage]) -> ValidationFailed:
    return ValidationFailed(
        "The interpreters declared are fewer than the locked meetings need; nothing was changed.",
        problems=[
            FieldProblem(
                f"interpreters[{s.slot + 1}]",
                "Slot %(slot)s: %(meetings)s locked meetings need an interpreter, %(available)s can serve them.",
                params={"slot": s.slot + 1, "meetings": s.meetings, "available": s.available},
            )
            for s in found
        ],
    )


def set_interpreters(
    session: Session, actor: Actor, event_id: int, counts: Mapping[tuple[int, str], int]
) -> dict[tuple[int, str], int]:
    """Replace the declared interpreters (slot index, pair) -> count; refused whole when a slot is outside
    the event, a pair unknown, a count out of bounds, or the locked meetings would lack interpreters."""
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    n_slots = len(slot_starts(event))
    problems = []
    for (slot, pair), count in sorted(counts.items()):
        where = f"interpreters[{slot + 1}][{pair}]"
        if not 0 <= slot < n_slots:
            problems.append(
                FieldProblem(
                    where,
                    "Slot %(slot)s is outside the event (1 to %(max)s).",
                    params={"slot": slot + 1, "max": n_slots},
                )
            )
        if pair not in INTERPRETER_PAIRS:
            problems.append(FieldProblem(where, "Unknown language pair %(pair)s.", params={"pair": pair}))
        if not 0 <= count <= INTERPRETERS_MAX:
            problems.append(FieldProblem(where, "Between 0 and %(max)s.", params={"max": INTERPRETERS_MAX}))
    if problems:
        raise ValidationFailed("The interpreters were not saved.", problems=problems)
    supply = {key: count for key, count in counts.items() if count > 0}
    found = interpreter_shortages(session, event, supply)
    if found:
        raise shortage_error(found)
    session.execute(delete(InterpreterSupply).where(InterpreterSupply.event_id == event.id))
    session.add_all(
        InterpreterSupply(event_id=event.id, slot=slot, pair=pair, count=count)
        for (slot, pair), count in supply.items()
    )
    session.flush()
    return supply

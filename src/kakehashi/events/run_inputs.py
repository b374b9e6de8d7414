"""What a scheduling run reads from the store: the grid, the approved participants, their marks, the
meetings that keep their slot, the tables and the interpreters declared per slot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.events.agenda_models import InterpreterSupply, Meeting
from kakehashi.events.models import Event, MeetingRequest, Registration
from kakehashi.events.problem_build import Frame, Kept, Mark, Participant
from kakehashi.events.service import grid_of
from kakehashi.events.vocab import Attendance, MeetingStatus, RegistrationStatus, RequestMode
from kakehashi.profiles.models import Organisation


def slot_starts(event: Event) -> tuple[datetime, ...]:
    """Every slot's start (UTC), as the event's grid numbers them (``events.service.grid_of``)."""
    return tuple(slot.starts_at for slot in grid_of(event).slots)


def online_session_slots(event: Event) -> frozenset[int]:
    return grid_of(event).online_slots


def frame_of(event: Event) -> Frame:
    return Frame(
        starts=slot_starts(event),
        minutes=event.slot_minutes,
        online_slots=online_session_slots(event),
        n_tables=len(event.tables),
        online_capacity=event.online_capacity,
    )


@dataclass(frozen=True, slots=True)
class RunInputs:
    event_id: int
    frame: Frame
    participants: list[Participant]
    marks: list[Mark]
    automatic: bool
    kept: list[Kept]
    supply: dict[tuple[int, str], int]  # (slot, pair) -> interpreters present
    table_ids: tuple[int, ...]  # table index -> EventTable id (by number)
    names: Mapping[int, str]  # registration id -> organisation name
    previous_tables: Mapping[tuple[int, int], int]  # pair -> table index it has now (to keep it)


def approved_participants(session: Session, event: Event) -> tuple[list[Participant], dict[int, str]]:
    rows = session.execute(
        select(Registration, Organisation)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.APPROVED)
        .order_by(Registration.id)
    ).all()
    people = [
        Participant(
            registration_id=reg.id,
            name=org.name,
            languages=frozenset(reg.languages),
            online=reg.attendance == Attendance.ONLINE,
            zone=reg.time_zone,
            work_starts=reg.work_starts,
            work_ends=reg.work_ends,
            unavailable=frozenset(reg.unavailable_slots),
        )
        for reg, org in rows
    ]
    return people, {reg.id: org.name for reg, org in rows}


def supply_of(session: Session, event_id: int) -> dict[tuple[int, str], int]:
    rows = session.scalars(select(InterpreterSupply).where(InterpreterSupply.event_id == event_id)).all()
    return {(row.slot, row.pair): row.count for row in rows}


def load_inputs(session: Session, event: Event, *, keep_published: bool) -> RunInputs:
    people, names = approved_participants(session, event)
    marks = [
        Mark(r.from_registration_id, r.to_registration_id, r.mark, r.status, r.expires_at)
        for r in session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id))
    ]
    keep = [MeetingStatus.SCHEDULED, MeetingStatus.PUBLISHED]
    current = list(
        session.scalars(select(Meeting).where(Meeting.event_id == event.id, Meeting.status.in_(keep)))
    )
    table_ids = tuple(t.id for t in sorted(event.tables, key=lambda t: t.number))
    table_index = {table_id: i for i, table_id in enumerate(table_ids)}
    kept = [
        Kept(
            m.registration_a_id,
            m.registration_b_id,
            m.slot,
            None if m.online or m.table_id is None else table_index[m.table_id],
            locked=m.locked,
        )
        for m in current
        if (m.locked or (keep_published and m.status == MeetingStatus.PUBLISHED))
        and (m.online or m.table_id in table_index)
    ]
    previous = {
        (m.registration_a_id, m.registration_b_id): table_index[m.table_id]
        for m in current
        if m.table_id in table_index
    }
    return RunInputs(
        event_id=event.id,
        frame=frame_of(event),
        participants=people,
        marks=marks,
        automatic=event.request_mode == RequestMode.AUTOMATIC,
        kept=kept,
        supply=supply_of(session, event.id),
        table_ids=table_ids,
        names=names,
        previous_tables=previous,
    )

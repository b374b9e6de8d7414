"""Agendas as people read them: a participant's meetings (its own zone and the counterpart's, table or
online link, counterpart's profile), the desk's sheet per table, and the organisers' whole agenda.

Reads stored meetings only (one query per page, a few joined rows), never the scheduler: the pages and
the API stay fast at 300 participants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from kakehashi.accounts.roles import Actor
from kakehashi.events.agenda_access import (
    event_or_404,
    is_organiser,
    registration_of_event,
    require_agenda_reader,
    require_organiser,
)
from kakehashi.events.agenda_models import Meeting
from kakehashi.events.models import Event, EventTable, Registration
from kakehashi.events.vocab import MeetingStatus
from kakehashi.formatting import ZONE_OF_COUNTRY, as_utc
from kakehashi.profiles.models import Organisation


@dataclass(frozen=True, slots=True)
class Party:
    registration_id: int
    organisation_id: int
    name: str
    country: str
    zone: str


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    meeting_id: int
    uid: str
    sequence: int
    version: int
    slot: int
    starts_at: datetime
    ends_at: datetime
    status: str  # MeetingStatus
    locked: bool
    online: bool
    online_link: str | None
    table: str | None  # the table's label (name or number); None online
    interpreter_pair: str | None
    outcome: str | None
    own: Party
    counterpart: Party

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


@dataclass(frozen=True, slots=True)
class ParticipantAgenda:
    event_id: int
    event_zone: str
    participant: Party
    entries: list[AgendaEntry]
    published: bool  # whether the participant sees a published agenda (else: nothing yet, or preliminary)


@dataclass(frozen=True, slots=True)
class TableRow:
    meeting_id: int
    slot: int
    starts_at: datetime
    ends_at: datetime
    a: Party
    b: Party
    interpreter_pair: str | None
    status: str


@dataclass(frozen=True, slots=True)
class TableSheet:
    table: str
    rows: list[TableRow]


def participant_zone(registration: Registration, organisation: Organisation, event: Event) -> str:
    """The zone a participant reads its agenda in: its own (online) zone, else its country's, else the
    venue's."""
    return registration.time_zone or ZONE_OF_COUNTRY.get(organisation.country) or event.time_zone


def _party(registration: Registration, organisation: Organisation, event: Event) -> Party:
    return Party(
        registration_id=registration.id,
        organisation_id=organisation.id,
        name=organisation.name,
        country=organisation.country,
        zone=participant_zone(registration, organisation, event),
    )


def _visible_statuses(organiser: bool) -> tuple[str, ...]:
    """Participants see published meetings and cancellations of published ones; organisers also the
    preliminary agenda of the last run."""
    if organiser:
        return (MeetingStatus.SCHEDULED, MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)
    return (MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)


def _meeting_rows(
    session: Session, event: Event, *, registration_id: int | None, organiser: bool
) -> list[tuple[Meeting, Registration, Organisation, Registration, Organisation, EventTable | None]]:
    reg_a, reg_b = aliased(Registration), aliased(Registration)
    org_a, org_b = aliased(Organisation), aliased(Organisation)
    query = (
        select(Meeting, reg_a, org_a, reg_b, org_b, EventTable)
        .join(reg_a, reg_a.id == Meeting.registration_a_id)
        .join(org_a, org_a.id == reg_a.organisation_id)
        .join(reg_b, reg_b.id == Meeting.registration_b_id)
        .join(org_b, org_b.id == reg_b.organisation_id)
        .outerjoin(EventTable, EventTable.id == Meeting.table_id)
        .where(Meeting.event_id == event.id, Meeting.status.in_(_visible_statuses(organiser)))
        .order_by(Meeting.slot, Meeting.id)
    )
    if registration_id is not None:
        query = query.where(
            or_(Meeting.registration_a_id == registration_id, Meeting.registration_b_id == registration_id)
        )
    if not organiser:
        query = query.where(Meeting.published_at.is_not(None))
    return [tuple(row) for row in session.execute(query).all()]  # type: ignore[misc]


def participant_agenda(
    session: Session, actor: Actor, event_id: int, registration_id: int
) -> ParticipantAgenda:
    event = event_or_404(session, event_id)
    registration = registration_of_event(session, event, registration_id)
    require_agenda_reader(actor, event, registration)
    organiser = is_organiser(actor, event)
    entries: list[AgendaEntry] = []
    for meeting, ra, oa, rb, ob, table in _meeting_rows(
        session, event, registration_id=registration.id, organiser=organiser
    ):
        a, b = _party(ra, oa, event), _party(rb, ob, event)
        own, other = (a, b) if ra.id == registration.id else (b, a)
        entries.append(_entry(meeting, table, own, other))
    organisation = session.get(Organisation, registration.organisation_id)
    assert organisation is not None
    published = any(e.status != MeetingStatus.SCHEDULED for e in entries)
    return ParticipantAgenda(
        event_id=event.id,
        event_zone=event.time_zone,
        participant=_party(registration, organisation, event),
        entries=entries,
        published=published,
    )


def _entry(meeting: Meeting, table: EventTable | None, own: Party, other: Party) -> AgendaEntry:
    return AgendaEntry(
        meeting_id=meeting.id,
        uid=meeting.uid,
        sequence=meeting.sequence,
        version=meeting.version,
        slot=meeting.slot,
        starts_at=as_utc(meeting.starts_at),
        ends_at=as_utc(meeting.ends_at),
        status=meeting.status,
        locked=meeting.locked,
        online=meeting.online,
        online_link=meeting.online_link if meeting.online else None,
        table=None if meeting.online or table is None else table.label,
        interpreter_pair=meeting.interpreter_pair,
        outcome=meeting.outcome,
        own=own,
        counterpart=other,
    )


def whole_agenda(session: Session, actor: Actor, event_id: int) -> list[AgendaEntry]:
    """Every meeting of the event (organisers): ``own`` is side a, ``counterpart`` side b."""
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    return [
        _entry(meeting, table, _party(ra, oa, event), _party(rb, ob, event))
        for meeting, ra, oa, rb, ob, table in _meeting_rows(
            session, event, registration_id=None, organiser=True
        )
    ]


def table_sheets(session: Session, actor: Actor, event_id: int) -> list[TableSheet]:
    """One sheet per table for the desk (organisers), in slot order; online meetings are not on any table."""
    entries = whole_agenda(session, actor, event_id)
    by_table: dict[str, list[TableRow]] = {}
    for e in entries:
        if e.table is None or e.cancelled:
            continue
        by_table.setdefault(e.table, []).append(
            TableRow(
                e.meeting_id,
                e.slot,
                e.starts_at,
                e.ends_at,
                e.own,
                e.counterpart,
                e.interpreter_pair,
                e.status,
            )
        )
    event = event_or_404(session, event_id)
    order = {t.label: t.number for t in event.tables}
    return [
        TableSheet(label, rows)
        for label, rows in sorted(by_table.items(), key=lambda kv: order.get(kv[0], 0))
    ]

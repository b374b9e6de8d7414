"""Agendas as people read them: a participant's meetings (its own zone and the counterpart's, table or
online link, counterpart's profile), the desk's sheet per table, and the organisers' whole agenda.

Reads stored meetings only (one query per page, a few joined rows), never the scheduler: the pages and
the API stay fast at 300 participants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


_MEETING_COLUMNS = (
    Meeting.id,
    Meeting.uid,
    Meeting.sequence,
    Meeting.version,
    Meeting.slot,
    Meeting.starts_at,
    Meeting.ends_at,
    Meeting.status,
    Meeting.locked,
    Meeting.online,
    Meeting.online_link,
    Meeting.interpreter_pair,
    Meeting.outcome,
)


def _meeting_rows(
    session: Session,
    event: Event,
    *,
    registration_id: int | None,
    organiser: bool,
    slots: range | None = None,
) -> list[Any]:
    """Plain rows (no ORM objects, no relationship loads): the meeting's columns, each side's
    registration id, zone, organisation id, name and country, and the table's number and name."""
    reg_a, reg_b = aliased(Registration), aliased(Registration)
    org_a, org_b = aliased(Organisation), aliased(Organisation)
    query = (
        select(
            *_MEETING_COLUMNS,
            reg_a.id.label("a_id"),
            reg_a.time_zone.label("a_zone"),
            org_a.id.label("a_org"),
            org_a.name.label("a_name"),
            org_a.country.label("a_country"),
            reg_b.id.label("b_id"),
            reg_b.time_zone.label("b_zone"),
            org_b.id.label("b_org"),
            org_b.name.label("b_name"),
            org_b.country.label("b_country"),
            EventTable.number.label("table_number"),
            EventTable.name.label("table_name"),
        )
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
    if slots is not None:
        query = query.where(Meeting.slot >= slots.start, Meeting.slot < slots.stop)
    return list(session.execute(query).all())


def _side(row: Any, side: str, venue_zone: str) -> Party:
    zone = getattr(row, f"{side}_zone") or ZONE_OF_COUNTRY.get(getattr(row, f"{side}_country")) or venue_zone
    return Party(
        registration_id=getattr(row, f"{side}_id"),
        organisation_id=getattr(row, f"{side}_org"),
        name=getattr(row, f"{side}_name"),
        country=getattr(row, f"{side}_country"),
        zone=zone,
    )


def participant_agenda(
    session: Session, actor: Actor, event_id: int, registration_id: int
) -> ParticipantAgenda:
    event = event_or_404(session, event_id)
    registration = registration_of_event(session, event, registration_id)
    require_agenda_reader(actor, event, registration)
    organiser = is_organiser(actor, event)
    entries: list[AgendaEntry] = []
    for row in _meeting_rows(session, event, registration_id=registration.id, organiser=organiser):
        a, b = _side(row, "a", event.time_zone), _side(row, "b", event.time_zone)
        own, other = (a, b) if row.a_id == registration.id else (b, a)
        entries.append(_entry(row, own, other))
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


def _entry(row: Any, own: Party, other: Party) -> AgendaEntry:
    table = None if row.online or row.table_number is None else (row.table_name or str(row.table_number))
    return AgendaEntry(
        meeting_id=row.id,
        uid=row.uid,
        sequence=row.sequence,
        version=row.version,
        slot=row.slot,
        starts_at=as_utc(row.starts_at),
        ends_at=as_utc(row.ends_at),
        status=row.status,
        locked=row.locked,
        online=row.online,
        online_link=row.online_link if row.online else None,
        table=table,
        interpreter_pair=row.interpreter_pair,
        outcome=row.outcome,
        own=own,
        counterpart=other,
    )


def whole_agenda(
    session: Session, actor: Actor, event_id: int, *, slots: range | None = None
) -> list[AgendaEntry]:
    """Every meeting of the event (organisers), or those in ``slots``: ``own`` is side a, ``counterpart``
    side b."""
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    return [
        _entry(row, _side(row, "a", event.time_zone), _side(row, "b", event.time_zone))
        for row in _meeting_rows(session, event, registration_id=None, organiser=True, slots=slots)
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

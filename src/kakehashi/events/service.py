"""Events service: create, edit, read and move events along their lifecycle, with the role rules.

Officers of an organising agency (ICE, JETRO or both) and admins manage an event; other officers read
it; members and visitors read events past the draft (their public information: participants and
requests are read through :mod:`kakehashi.events.registrations` and :mod:`kakehashi.events.requests`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor, Role
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import (
    FieldProblem,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from kakehashi.events.grid import EventGrid, SessionSpec, build_grid
from kakehashi.events.lifecycle import GRID_EDITABLE, RULES, SETTINGS_EDITABLE, EventAction, allowed_actions
from kakehashi.events.models import (
    Event,
    EventOrganiser,
    EventSession,
    EventTable,
    Registration,
    Unavailability,
)
from kakehashi.events.schemas import EventFields, EventInput, EventPatch, EventView, SessionView, TableView
from kakehashi.events.vocab import EventStatus, RegistrationStatus
from kakehashi.labels import Label
from kakehashi.profiles.service import require_version, write
from kakehashi.store.base import utcnow

_GRID_FIELDS = ("days", "sessions", "slot_minutes", "time_zone")
_SETTINGS_FIELDS = (
    "tables",
    "table_names",
    "online_capacity",
    "registration_opens_at",
    "registration_closes_at",
    "booking_opens_at",
    "booking_closes_at",
    "request_mode",
    "request_cap",
    "must_meet_cap",
    "request_expiry_minutes",
    "meeting_rule",
)
_PLAIN_FIELDS = (
    "title_en",
    "title_it",
    "title_ja",
    "description",
    "venue",
    "city",
    "online_link_template",
    "online_capacity",
    "registration_opens_at",
    "registration_closes_at",
    "booking_opens_at",
    "booking_closes_at",
    "request_mode",
    "request_cap",
    "must_meet_cap",
    "request_expiry_minutes",
    "meeting_rule",
    "slot_minutes",
    "time_zone",
)


# --- who may do what ------------------------------------------------------------------------------


def may_manage(actor: Actor, event: Event) -> bool:
    """Admins, and the officers of an organising agency."""
    if actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.OFFICER and actor.agency_code is not None and actor.agency_code in event.organisers
    )


def may_read(actor: Actor, event: Event) -> bool:
    return actor.is_staff or event.status != EventStatus.DRAFT.value


def readable_event(session: Session, actor: Actor, event_id: int) -> Event:
    """The event, or 404 when it does not exist or the actor may not see it (a draft)."""
    event = session.get(Event, event_id)
    if event is None or not may_read(actor, event):
        raise NotFound("Event %(id)s does not exist.", params={"id": event_id})
    return event


def managed_event(session: Session, actor: Actor, event_id: int) -> Event:
    event = readable_event(session, actor, event_id)
    if not may_manage(actor, event):
        raise PermissionDenied("Only the officers of the organising agencies manage this event.")
    return event


# --- the grid and the windows ---------------------------------------------------------------------


def grid_of(event: Event) -> EventGrid:
    """The event's slots (UTC instants, DST-correct in the venue's zone)."""
    specs = [SessionSpec(s.day, s.part, s.starts, s.ends, s.online) for s in event.sessions]
    return build_grid(event.time_zone, event.slot_minutes, specs)


def _within(now: datetime, opens: datetime | None, closes: datetime | None) -> bool:
    return (opens is None or opens <= now) and (closes is None or now < closes)


def registration_open(event: Event, now: datetime | None = None) -> bool:
    moment = now or utcnow()
    return event.status in (EventStatus.REGISTRATION.value, EventStatus.BOOKING.value) and _within(
        moment, event.registration_opens_at, event.registration_closes_at
    )


def booking_open(event: Event, now: datetime | None = None) -> bool:
    moment = now or utcnow()
    return event.status == EventStatus.BOOKING.value and _within(
        moment, event.booking_opens_at, event.booking_closes_at
    )


# --- create and edit ------------------------------------------------------------------------------


def create_event(session: Session, actor: Actor, data: EventInput) -> Event:
    if not actor.is_staff:
        raise PermissionDenied("Only agency officers create events.")
    organisers = data.organisers or ([actor.agency_code] if actor.agency_code else [])
    if not organisers:
        raise ValidationFailed(
            "Say which agencies organise the event.",
            problems=[FieldProblem("organisers", "Choose ICE, JETRO or both.")],
        )
    if actor.role == Role.OFFICER and actor.agency_code not in organisers:
        raise PermissionDenied("An officer creates events that its own agency organises.")
    event = Event(status=EventStatus.DRAFT.value, created_by_id=actor.user_id, time_zone=data.time_zone)
    _apply(event, data, fields=set(data.model_fields_set) | {"time_zone", "slot_minutes", "tables"})
    event.organiser_rows = [EventOrganiser(agency_code=code) for code in organisers]
    _check(event)
    session.add(event)
    write(session)
    return event


def update_event(
    session: Session, actor: Actor, event_id: int, patch: EventPatch, *, expected_version: int | None = None
) -> Event:
    event = managed_event(session, actor, event_id)
    require_version(event.version, expected_version)
    given = set(patch.model_dump(exclude_unset=True))
    if patch.time_zone == event.time_zone:
        given.discard("time_zone")  # the form sends it with the title: unchanged is no grid change
    status = EventStatus(event.status)
    if given & set(_GRID_FIELDS) and status not in GRID_EDITABLE:
        raise InvalidTransition(
            "The days, sessions and slots of an event that is %(status)s can no longer change.",
            params={"status": Label("event_status", status.value)},
        )
    if given & set(_SETTINGS_FIELDS) and status not in SETTINGS_EDITABLE:
        raise InvalidTransition(
            "The tables, windows and request rules of an event that is %(status)s can no longer change.",
            params={"status": Label("event_status", status.value)},
        )
    if (
        patch.organisers is not None
        and actor.role == Role.OFFICER
        and actor.agency_code not in patch.organisers
    ):
        raise PermissionDenied("An officer cannot remove its own agency from the organisers.")
    before = grid_of(event) if given & set(_GRID_FIELDS) else None
    _apply(event, patch, fields=given)
    if patch.organisers is not None:
        kept = {row.agency_code: row for row in event.organiser_rows}
        event.organiser_rows = [
            kept.get(code) or EventOrganiser(agency_code=code) for code in patch.organisers
        ]
    _check(event)
    if before is not None:
        _remap_unavailability(session, event, before)
    event.updated_at = utcnow()  # always an UPDATE, so the version is checked and bumped
    write(session)
    return event


def _apply(event: Event, data: EventFields, *, fields: set[str]) -> None:
    values = data.model_dump(include=fields)
    for name in _PLAIN_FIELDS:
        if name in fields and name in values:
            value = values[name]
            if (
                value is None
                and name not in ("must_meet_cap", "online_link_template")
                and not name.endswith("_at")
            ):
                continue
            setattr(event, name, value.value if hasattr(value, "value") else value)
    if "days" in fields or "sessions" in fields:
        days = data.days if data.days is not None else event.days
        sessions = data.sessions if data.sessions is not None else _session_template(event)
        event.sessions = [
            EventSession(
                day=day,
                part=str(getattr(s.part, "value", s.part)),
                starts=s.starts,
                ends=s.ends,
                online=s.online,
            )
            for day in days
            for s in sessions
        ]
    if "tables" in fields or "table_names" in fields:
        count = data.tables if data.tables is not None else len(event.tables)
        names = list(data.table_names or [])
        kept = {table.number: table for table in event.tables}
        rows = []
        for number in range(1, count + 1):
            row = kept.get(number) or EventTable(number=number)
            if data.table_names is not None or row.name is None:
                row.name = names[number - 1] if number <= len(names) else ""
            rows.append(row)
        event.tables = rows


def _session_template(event: Event) -> list[EventSession]:
    """The sessions of the first day (every day has the same sessions)."""
    first = event.days[0] if event.days else None
    return [s for s in event.sessions if s.day == first]


def _check(event: Event) -> None:
    problems: list[FieldProblem] = []
    if not (event.title_en or event.title_it or event.title_ja):
        problems.append(FieldProblem("title_en", "Give a title in at least one language."))
    if len(grid_of(event)) == 0:
        problems.append(
            FieldProblem("slot_minutes", "The sessions are shorter than one slot: the event has no slot.")
        )
    for opens, closes, field in (
        (event.registration_opens_at, event.registration_closes_at, "registration_closes_at"),
        (event.booking_opens_at, event.booking_closes_at, "booking_closes_at"),
    ):
        if opens is not None and closes is not None and closes <= opens:
            problems.append(FieldProblem(field, "The window must close after it opens."))
    if (
        event.registration_opens_at is not None
        and event.booking_opens_at is not None
        and event.booking_opens_at < event.registration_opens_at
    ):
        problems.append(FieldProblem("booking_opens_at", "Meeting requests cannot open before registration."))
    if event.must_meet_cap is not None and event.must_meet_cap > event.request_cap:
        problems.append(FieldProblem("must_meet_cap", "At most the cap on all requests."))
    if problems:
        raise ValidationFailed("The event cannot be saved as it is.", problems=problems)


def _remap_unavailability(session: Session, event: Event, before: EventGrid) -> None:
    """Keep each participant's unavailable slots by their start instant when the grid changes (a slot that
    no longer exists is dropped)."""
    after = {slot.starts_at: slot.index for slot in grid_of(event).slots}
    moved = {slot.index: after.get(slot.starts_at) for slot in before.slots}
    if all(old == new for old, new in moved.items()):
        return
    rows = session.scalars(
        select(Unavailability).join(Registration).where(Registration.event_id == event.id)
    ).all()
    for row in rows:
        target = moved.get(row.slot)
        session.delete(row)
        if target is not None:
            session.add(Unavailability(registration_id=row.registration_id, slot=target))


# --- the lifecycle --------------------------------------------------------------------------------


def transition(
    session: Session,
    actor: Actor,
    event_id: int,
    action: EventAction,
    *,
    expected_version: int | None = None,
) -> Event:
    """Move the event: one conditional UPDATE on its status and version, so that of two officers who act
    at once only one wins and the other gets a 409 with the event as it is now."""
    event = managed_event(session, actor, event_id)
    require_version(event.version, expected_version)
    rule = RULES[action]
    if EventStatus(event.status) not in rule.sources:
        raise _illegal(action, event.status)
    if action == EventAction.OPEN_REGISTRATION:
        _require_ready(event)
    write(session)  # pending changes first, so that the version read is the one in the store
    read_version, before, now = event.version, event.status, utcnow()
    moved = session.execute(
        update(Event)
        .where(
            Event.id == event.id,
            Event.version == read_version,
            Event.status.in_([s.value for s in rule.sources]),
        )
        .values(status=rule.target.value, version=Event.version + 1, status_changed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(event)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        if event.version != read_version:
            raise StaleVersion(
                "The event was changed by someone else meanwhile; nothing was written. Read it and try again."
            )
        raise _illegal(action, event.status)
    audit.record(
        session,
        AuditKind.EVENT_TRANSITION,
        actor_user_id=actor.user_id,
        target=f"event:{event.id}",
        detail={"action": action.value, "from": before, "to": event.status},
    )
    return event


def _illegal(action: EventAction, status: str) -> InvalidTransition:
    return InvalidTransition(
        "%(action)s is not possible for an event that is %(status)s.",
        params={"action": Label("event_action", action.value), "status": Label("event_status", status)},
    )


def _require_ready(event: Event) -> None:
    if not event.tables and event.online_capacity == 0:
        raise ValidationFailed(
            "An event needs tables or online meetings before registration opens.",
            problems=[FieldProblem("tables", "Give at least one table, or an online capacity.")],
        )


# --- reading --------------------------------------------------------------------------------------


def participant_count(session: Session, event_id: int) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.APPROVED.value)
    )
    return int(count or 0)


def event_view(session: Session, actor: Actor, event: Event, *, locale: str = "en") -> EventView:
    grid = grid_of(event)
    per_session: dict[tuple[object, object], int] = {}
    for slot in grid.slots:
        key = (slot.day, slot.part)
        per_session[key] = per_session.get(key, 0) + 1
    manages = may_manage(actor, event)
    now = utcnow()
    return EventView(
        id=event.id,
        title=event.title(locale),
        title_en=event.title_en,
        title_it=event.title_it,
        title_ja=event.title_ja,
        description=event.description,
        venue=event.venue,
        city=event.city,
        time_zone=event.time_zone,
        organisers=event.organisers,
        days=event.days,
        sessions=[
            SessionView(
                day=s.day,
                part=s.part,
                starts=s.starts,
                ends=s.ends,
                online=s.online,
                slots=per_session.get((s.day, s.part), 0),
            )
            for s in event.sessions
        ],
        slot_minutes=event.slot_minutes,
        n_slots=len(grid),
        tables=[TableView(id=t.id, number=t.number, name=t.name, label=t.label) for t in event.tables],
        online_capacity=event.online_capacity,
        online_link_template=event.online_link_template if manages else None,
        registration_opens_at=event.registration_opens_at,
        registration_closes_at=event.registration_closes_at,
        booking_opens_at=event.booking_opens_at,
        booking_closes_at=event.booking_closes_at,
        registration_open=registration_open(event, now),
        booking_open=booking_open(event, now),
        request_mode=event.request_mode,
        request_cap=event.request_cap,
        must_meet_cap=event.must_meet_cap,
        request_expiry_minutes=event.request_expiry_minutes,
        meeting_rule=event.meeting_rule,
        status=event.status,
        illustrative=event.illustrative,
        participants=participant_count(session, event.id),
        can_manage=manages,
        actions=[a.value for a in allowed_actions(EventStatus(event.status))] if manages else [],
        version=event.version,
    )


def list_events(
    session: Session, actor: Actor, *, locale: str = "en", status: str | None = None
) -> list[EventView]:
    """The events the actor may read, the next first (drafts only for the agencies)."""
    query = select(Event)
    if not actor.is_staff:
        query = query.where(Event.status != EventStatus.DRAFT.value)
    if status is not None:
        query = query.where(Event.status == status)
    events = session.scalars(query.order_by(Event.id.desc())).all()
    views = [event_view(session, actor, event, locale=locale) for event in events]
    return sorted(
        views, key=lambda v: (v.status == EventStatus.CLOSED.value, v.days[0] if v.days else date.max)
    )

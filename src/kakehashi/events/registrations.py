"""Participants: an organisation registers for an event (representatives, languages, availability,
online hours); the organisers approve or decline; the participant is told what keeps others from finding
it.

Members act for their own organisation only; officers of an organising agency see and decide every
registration (and may register an organisation on its behalf, approved at once).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import time

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import (
    N_,
    Conflict,
    FieldProblem,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
    identity,
)
from kakehashi.events import notices
from kakehashi.events.lifecycle import REGISTERING, REGISTRATION_EDITABLE
from kakehashi.events.models import Event, Registration, Representative, Unavailability
from kakehashi.events.schemas import (
    Finding,
    RegistrationFields,
    RegistrationInput,
    RegistrationPatch,
    RegistrationView,
    RepresentativeView,
)
from kakehashi.events.service import grid_of, managed_event, may_manage, readable_event, registration_open
from kakehashi.events.vocab import Attendance, EventStatus, RegistrationStatus
from kakehashi.labels import Label
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.service import require_version, write
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow

Gettext = Callable[[str], str]
DEFAULT_ZONES = {"IT": "Europe/Rome", "JP": "Asia/Tokyo"}
DEFAULT_HOURS = (time(9, 0), time(18, 0))
_OPEN = (RegistrationStatus.PENDING.value, RegistrationStatus.APPROVED.value)


def organisation_name(org: Organisation, locale: str) -> str:
    return name_in(locale, name=org.name, name_ja=org.name_ja, name_en=org.name_en)


def name_in(locale: str, *, name: str, name_ja: str | None, name_en: str | None) -> str:
    """An organisation's name in the reader's language, from its plain columns."""
    if locale == "ja" and name_ja:
        return name_ja
    if locale == "en" and name_en:
        return name_en
    return name


# --- register and edit ----------------------------------------------------------------------------


def register(
    session: Session,
    actor: Actor,
    event_id: int,
    data: RegistrationInput,
    *,
    organisation_id: int | None = None,
) -> Registration:
    """Register an organisation: a member its own (pending approval), an organiser any (approved)."""
    event = readable_event(session, actor, event_id)
    manages = may_manage(actor, event)
    org_id = _registering_organisation(actor, organisation_id, manages=manages)
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("Organisation %(id)s does not exist.", params={"id": org_id})
    if manages:
        if EventStatus(event.status) not in REGISTERING:
            raise _not_registering(event)
    elif not registration_open(event):
        raise _not_registering(event)
    registration = session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.organisation_id == org.id)
    )
    if registration is not None and registration.status in _OPEN:
        raise Conflict("Your organisation is registered for this event already.")
    if registration is not None and registration.status == RegistrationStatus.DECLINED.value and not manages:
        raise Conflict("Your registration was declined; ask the organisers if you wish to take part.")
    if registration is None:
        registration = Registration(event_id=event.id, organisation_id=org.id, checkin_token=new_token())
        session.add(registration)
    registration.registered_by_id = actor.user_id
    registration.decline_reason = None
    _apply(
        event, org, registration, data, fields=set(data.model_fields_set) | {"representatives", "attendance"}
    )
    if manages:
        registration.status = RegistrationStatus.APPROVED.value
        registration.decided_by_id, registration.decided_at = actor.user_id, utcnow()
    else:
        registration.status = RegistrationStatus.PENDING.value
        registration.decided_by_id, registration.decided_at = None, None
    registration.updated_at = utcnow()
    write(session)
    if not manages:
        notices.registration_received(session, event, org, actor=actor)
    return registration


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _registering_organisation(actor: Actor, organisation_id: int | None, *, manages: bool) -> int:
    if manages:
        if organisation_id is None:
            raise ValidationFailed(
                "Say which organisation you register.",
                problems=[FieldProblem("organisation_id", "This field is required.")],
            )
        return organisation_id
    if actor.organisation_id is None or not actor.belongs_to(actor.organisation_id):
        raise PermissionDenied("Only members of an organisation register it for an event.")
    if organisation_id is not None and organisation_id != actor.organisation_id:
        raise PermissionDenied("You can only register your own organisation.")
    return actor.organisation_id


def _not_registering(event: Event) -> InvalidTransition:
    if event.status in REGISTERING:
        return InvalidTransition("Registration for this event is not open at this time.")
    return InvalidTransition(
        "Registration is closed: the event is %(status)s.",
        params={"status": Label("event_status", event.status)},
    )


def update_registration(
    session: Session,
    actor: Actor,
    registration_id: int,
    patch: RegistrationPatch,
    *,
    expected_version: int | None = None,
) -> Registration:
    registration, event = _readable(session, actor, registration_id)
    if not (actor.belongs_to(registration.organisation_id) or may_manage(actor, event)):
        raise PermissionDenied("You can only change your own organisation's registration.")
    require_version(registration.version, expected_version)
    if EventStatus(event.status) not in REGISTRATION_EDITABLE or registration.status not in _OPEN:
        raise InvalidTransition("This registration can no longer be changed.")
    org = session.get(Organisation, registration.organisation_id)
    assert org is not None
    _apply(event, org, registration, patch, fields=set(patch.model_dump(exclude_unset=True)))
    registration.updated_at = utcnow()
    write(session)
    return registration


def _apply(
    event: Event, org: Organisation, registration: Registration, data: RegistrationFields, *, fields: set[str]
) -> None:
    if "representatives" in fields and data.representatives is not None:
        registration.representatives = [
            Representative(position=n, name=r.name, job_title=r.job_title, languages=r.languages)
            for n, r in enumerate(data.representatives)
        ]
    if "note" in fields and data.note is not None:
        registration.note = data.note
    if "attendance" in fields and data.attendance is not None:
        registration.attendance = data.attendance.value
    for name in ("time_zone", "work_starts", "work_ends"):
        if name in fields:
            setattr(registration, name, getattr(data, name))
    if "unavailable_slots" in fields and data.unavailable_slots is not None:
        _set_unavailable(event, registration, data.unavailable_slots)
    if registration.attendance == Attendance.ONLINE.value:
        _check_online(event, org, registration)


def _set_unavailable(event: Event, registration: Registration, slots: list[int]) -> None:
    n_slots = len(grid_of(event))
    outside = sorted({s for s in slots if not 0 <= s < n_slots})
    if outside:
        raise ValidationFailed(
            "A slot is outside the event.",
            problems=[
                FieldProblem(
                    "unavailable_slots",
                    "Slot %(slot)s is not in the event (it has slots 1 to %(count)s).",
                    params={"slot": outside[0] + 1, "count": n_slots},
                )
            ],
        )
    wanted = sorted(set(slots))
    kept = {row.slot: row for row in registration.unavailable_rows}
    registration.unavailable_rows = [kept.get(s) or Unavailability(slot=s) for s in wanted]


def _check_online(event: Event, org: Organisation, registration: Registration) -> None:
    if event.online_capacity == 0 or not grid_of(event).online_slots:
        raise ValidationFailed(
            "This event has no online sessions.",
            problems=[FieldProblem("attendance", "Choose to take part on site.")],
        )
    registration.time_zone = registration.time_zone or DEFAULT_ZONES.get(org.country, event.time_zone)
    registration.work_starts = registration.work_starts or DEFAULT_HOURS[0]
    registration.work_ends = registration.work_ends or DEFAULT_HOURS[1]
    if registration.work_ends <= registration.work_starts:
        raise ValidationFailed(
            "The working hours must end after they start.",
            problems=[FieldProblem("work_ends", "Give an end after the start.")],
        )


# --- the organisers' decision, withdrawal ---------------------------------------------------------


def decide(
    session: Session,
    actor: Actor,
    registration_id: int,
    *,
    approve: bool,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Registration:
    """Approve or decline (with a reason): one conditional UPDATE, so two officers never both decide."""
    registration, event = _readable(session, actor, registration_id)
    managed_event(session, actor, event.id)
    require_version(registration.version, expected_version)
    if EventStatus(event.status) not in REGISTERING:
        raise InvalidTransition(
            "Registrations are decided while the event takes registrations; it is %(status)s.",
            params={"status": Label("event_status", event.status)},
        )
    if not approve and not (reason or "").strip():
        raise ValidationFailed(
            "Say why the registration is declined.",
            problems=[FieldProblem("reason", "This field is required.")],
        )
    target = RegistrationStatus.APPROVED if approve else RegistrationStatus.DECLINED
    sources = (
        [RegistrationStatus.PENDING.value, RegistrationStatus.DECLINED.value]
        if approve
        else [RegistrationStatus.PENDING.value, RegistrationStatus.APPROVED.value]
    )
    if registration.status not in sources:
        raise InvalidTransition(
            "This registration is %(status)s already.",
            params={"status": Label("registration_status", registration.status)},
        )
    write(session)  # pending changes first, so that the version read is the one in the store
    read_version = registration.version
    moved = session.execute(
        update(Registration)
        .where(
            Registration.id == registration.id,
            Registration.version == read_version,
            Registration.status.in_(sources),
        )
        .values(
            status=target.value,
            decline_reason=None if approve else (reason or "").strip(),
            decided_by_id=actor.user_id,
            decided_at=utcnow(),
            version=Registration.version + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(registration)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion(
            "The registration was changed by someone else meanwhile; nothing was written. Read it and try again."
        )
    audit.record(
        session,
        AuditKind.REGISTRATION_DECIDED,
        actor_user_id=actor.user_id,
        target=f"event_registration:{registration.id}",
        detail={"event": event.id, "organisation": registration.organisation_id, "to": target.value},
    )
    notices.registration_decided(session, event, registration, actor=actor)
    return registration


def withdraw(
    session: Session, actor: Actor, registration_id: int, *, expected_version: int | None = None
) -> Registration:
    registration, event = _readable(session, actor, registration_id)
    if not (actor.belongs_to(registration.organisation_id) or may_manage(actor, event)):
        raise PermissionDenied("You can only withdraw your own organisation's registration.")
    require_version(registration.version, expected_version)
    if EventStatus(event.status) not in REGISTERING or registration.status not in _OPEN:
        raise InvalidTransition("This registration can no longer be withdrawn.")
    registration.status = RegistrationStatus.WITHDRAWN.value
    registration.updated_at = utcnow()
    write(session)
    return registration


# --- reading --------------------------------------------------------------------------------------


def _readable(session: Session, actor: Actor, registration_id: int) -> tuple[Registration, Event]:
    """A registration its organisation's members and the event's staff may read (others: 404)."""
    registration = session.get(Registration, registration_id)
    event = session.get(Event, registration.event_id) if registration is not None else None
    if (
        registration is None
        or event is None
        or not (actor.belongs_to(registration.organisation_id) or actor.is_staff)
    ):
        raise NotFound("Registration %(id)s does not exist.", params={"id": registration_id})
    return registration, event


def get_registration(session: Session, actor: Actor, registration_id: int) -> Registration:
    return _readable(session, actor, registration_id)[0]


def own_registration(session: Session, actor: Actor, event_id: int) -> Registration | None:
    """The registration of the member's organisation for the event (None when it has none)."""
    if actor.organisation_id is None or not actor.belongs_to(actor.organisation_id):
        return None
    return session.scalar(
        select(Registration).where(
            Registration.event_id == event_id, Registration.organisation_id == actor.organisation_id
        )
    )


def list_registrations(
    session: Session, actor: Actor, event_id: int, *, status: str | None = None
) -> list[Registration]:
    """Every registration of the event (its organisers and the agencies); a member gets its own only."""
    event = readable_event(session, actor, event_id)
    query = select(Registration).where(Registration.event_id == event.id)
    if not actor.is_staff:
        query = query.where(Registration.organisation_id == (actor.organisation_id or -1))
        if not actor.belongs_to(actor.organisation_id):
            return []
    if status is not None:
        query = query.where(Registration.status == status)
    return list(session.scalars(query.order_by(Registration.created_at, Registration.id)))


def findability(session: Session, org: Organisation) -> list[tuple[str, str, dict[str, object]]]:
    """What keeps other participants from finding the organisation: (code, message id, parameters)."""
    found: list[tuple[str, str, dict[str, object]]] = []
    if not org.description.strip():
        found.append(
            (
                "no_description",
                N_("Your organisation's profile has no description: others cannot tell what you do."),
                {},
            )
        )
    if not org.sectors:
        found.append(
            (
                "no_sectors",
                N_("Your organisation's profile names no sector: a search by sector misses it."),
                {},
            )
        )
    counts = dict(
        session.execute(
            select(Opportunity.status, func.count())
            .where(Opportunity.organisation_id == org.id)
            .group_by(Opportunity.status)
        ).all()
    )
    if not counts.get(Status.PUBLISHED.value):
        found.append(
            (
                "no_published_opportunity",
                N_(
                    "Your organisation has no published opportunity: the matching cannot suggest you to "
                    "others, so you come last in their lists. Post one and submit it for review."
                ),
                {},
            )
        )
    waiting = int(counts.get(Status.DRAFT.value, 0)) + int(counts.get(Status.IN_REVIEW.value, 0))
    if waiting:
        found.append(
            (
                "unpublished_opportunities",
                N_("%(count)s of your opportunities are not published yet (drafts or in review)."),
                {"count": waiting},
            )
        )
    return found


def registration_view(
    session: Session,
    actor: Actor,
    registration: Registration,
    *,
    locale: str = "en",
    gettext: Gettext = identity,
) -> RegistrationView:
    org = session.get(Organisation, registration.organisation_id)
    assert org is not None
    own = actor.belongs_to(org.id) or actor.is_staff
    return RegistrationView(
        id=registration.id,
        event_id=registration.event_id,
        organisation_id=org.id,
        organisation_name=organisation_name(org, locale),
        country=org.country,
        status=registration.status,
        attendance=Attendance(registration.attendance),
        time_zone=registration.time_zone,
        work_starts=registration.work_starts,
        work_ends=registration.work_ends,
        note=registration.note,
        representatives=[
            RepresentativeView(name=r.name, job_title=r.job_title, languages=r.languages)
            for r in registration.representatives
        ],
        languages=registration.languages,
        unavailable_slots=registration.unavailable_slots,
        decline_reason=registration.decline_reason if own else None,
        decided_at=registration.decided_at,
        created_at=registration.created_at,
        findability=[
            Finding(code=code, message=gettext(message) % params if params else gettext(message))
            for code, message, params in (findability(session, org) if own else [])
        ],
        version=registration.version,
    )

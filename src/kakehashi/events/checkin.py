"""Check-in at the desk: staff scan (or type) the code of a participant's pass; a mistaken check-in is
undone. A participant sees its own pass (QR code) on its agenda page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import Conflict, NotFound
from kakehashi.events.agenda_access import (
    event_or_404,
    registration_of_event,
    require_agenda_reader,
    require_organiser,
)
from kakehashi.events.agenda_models import CheckIn
from kakehashi.events.checkin_token import checkin_token, parse_checkin_token, verify_checkin_token
from kakehashi.events.models import Registration
from kakehashi.events.vocab import RegistrationStatus
from kakehashi.profiles.models import Organisation
from kakehashi.store.base import utcnow


@dataclass(frozen=True, slots=True)
class CheckInView:
    id: int
    registration_id: int
    organisation_name: str
    at: datetime
    undone: bool
    version: int


@dataclass(frozen=True, slots=True)
class Pass:
    registration_id: int
    organisation_name: str
    token: str


def participant_pass(
    session: Session, actor: Actor, secret: str, event_id: int, registration_id: int
) -> Pass:
    event = event_or_404(session, event_id)
    registration = registration_of_event(session, event, registration_id)
    require_agenda_reader(actor, event, registration)
    organisation = session.get(Organisation, registration.organisation_id)
    assert organisation is not None
    token = checkin_token(
        secret, event_id=event.id, registration_id=registration.id, nonce=registration.checkin_token
    )
    return Pass(registration.id, organisation.name, token)


def _view(check_in: CheckIn, name: str) -> CheckInView:
    return CheckInView(
        check_in.id,
        check_in.registration_id,
        name,
        check_in.at,
        check_in.undone_at is not None,
        check_in.version,
    )


def _current(session: Session, registration_id: int) -> CheckIn | None:
    return session.scalar(
        select(CheckIn)
        .where(CheckIn.registration_id == registration_id, CheckIn.undone_at.is_(None))
        .order_by(CheckIn.id.desc())
    )


def check_in(session: Session, actor: Actor, secret: str, event_id: int, token: str) -> CheckInView:
    """Check in the participant whose pass this is; a second scan says it is already checked in."""
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    named = parse_checkin_token(token, event_id=event.id)
    registration = session.get(Registration, named.registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(
            "Participant %(id)s is not registered at this event.", params={"id": named.registration_id}
        )
    verify_checkin_token(secret, token, event_id=event.id, nonce=registration.checkin_token)
    organisation = session.get(Organisation, registration.organisation_id)
    assert organisation is not None
    if registration.status != RegistrationStatus.APPROVED:
        raise Conflict(
            "%(name)s is not an approved participant of this event.", params={"name": organisation.name}
        )
    if _current(session, registration.id) is not None:
        raise Conflict("%(name)s is already checked in.", params={"name": organisation.name})
    row = CheckIn(registration_id=registration.id, at=utcnow(), by_id=actor.user_id)
    session.add(row)
    session.flush()
    return _view(row, organisation.name)


def undo_check_in(session: Session, actor: Actor, event_id: int, check_in_id: int) -> CheckInView:
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    row = session.get(CheckIn, check_in_id)
    registration = None if row is None else session.get(Registration, row.registration_id)
    if row is None or registration is None or registration.event_id != event.id:
        raise NotFound("Check-in %(id)s does not exist.", params={"id": check_in_id})
    if row.undone_at is not None:
        raise Conflict("This check-in was already undone.")
    row.undone_at, row.undone_by_id = utcnow(), actor.user_id
    session.flush()
    organisation = session.get(Organisation, registration.organisation_id)
    return _view(row, organisation.name if organisation else "")


def check_ins(session: Session, actor: Actor, event_id: int) -> list[CheckInView]:
    """The desk's list, latest first (undone ones included, marked)."""
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    rows = session.execute(
        select(CheckIn, Organisation.name)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id)
        .order_by(CheckIn.id.desc())
    ).all()
    return [_view(row, name) for row, name in rows]


def checked_in_registrations(session: Session, event_id: int) -> set[int]:
    rows = session.scalars(
        select(CheckIn.registration_id)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.event_id == event_id, CheckIn.undone_at.is_(None))
    )
    return set(rows)

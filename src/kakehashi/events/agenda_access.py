"""Who may see and change what of an event's agenda and day (the rules of items 4 to 6 of issue 8).

- The organisers (officers of an organising agency) and admins run the scheduler, edit and publish the
  agenda, check people in, and read feedback.
- A member sees only its own organisation's agenda: its own meetings (published ones), the counterpart's
  name and profile link of each, nothing of other pairs; never any feedback (not even its own after sending).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor, Role
from kakehashi.errors import NotFound, PermissionDenied
from kakehashi.events.models import Event, Registration
from kakehashi.events.service import may_manage


def event_or_404(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("Event %(id)s does not exist.", params={"id": event_id})
    return event


def is_organiser(actor: Actor, event: Event) -> bool:
    """Admins and the officers of an organising agency (as ``events.service.may_manage``)."""
    return may_manage(actor, event)


def require_organiser(actor: Actor, event: Event) -> None:
    if not is_organiser(actor, event):
        raise PermissionDenied("Only the event's organisers may do this.")


def own_registration(session: Session, actor: Actor, event: Event) -> Registration | None:
    """The actor's organisation's registration at ``event`` (None for staff and visitors)."""
    if actor.role != Role.MEMBER or actor.organisation_id is None:
        return None
    return session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.organisation_id == actor.organisation_id
        )
    )


def registration_of_event(session: Session, event: Event, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound("Participant %(id)s is not registered at this event.", params={"id": registration_id})
    return registration


def require_agenda_reader(actor: Actor, event: Event, registration: Registration) -> None:
    """Organisers read every agenda; a member only its own organisation's."""
    if is_organiser(actor, event):
        return
    if actor.belongs_to(registration.organisation_id):
        return
    if not actor.is_signed_in:
        raise PermissionDenied("Sign in to see an agenda.")
    raise PermissionDenied("You can see only your own organisation's agenda.")

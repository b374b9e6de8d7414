"""Which side of a meeting the actor speaks for: side "a" or "b" (a member of that organisation) or
"staff" (an organiser). Anyone else is refused; a member never reaches another pair's meeting."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import NotFound, PermissionDenied, ValidationFailed
from kakehashi.events.agenda_access import event_or_404, is_organiser
from kakehashi.events.agenda_models import Meeting
from kakehashi.events.locks import meeting_of_event
from kakehashi.events.models import Event, Registration
from kakehashi.events.vocab import MeetingStatus


@dataclass(frozen=True, slots=True)
class MeetingSide:
    event: Event
    meeting: Meeting
    side: str  # "a", "b" or "staff"
    registration_id: int | None  # the actor's registration (None for staff)


def side_of(
    session: Session, actor: Actor, event_id: int, meeting_id: int, *, staff_allowed: bool = True
) -> MeetingSide:
    event = event_or_404(session, event_id)
    meeting = meeting_of_event(session, event, meeting_id)
    for side, registration_id in (("a", meeting.registration_a_id), ("b", meeting.registration_b_id)):
        registration = session.get(Registration, registration_id)
        if registration is not None and actor.belongs_to(registration.organisation_id):
            _require_held(meeting)
            return MeetingSide(event, meeting, side, registration_id)
    if staff_allowed and is_organiser(actor, event):
        _require_held(meeting)
        return MeetingSide(event, meeting, "staff", None)
    if not actor.is_signed_in:
        raise PermissionDenied("Sign in to see an agenda.")
    # Not its meeting: the same answer as a meeting that does not exist (nothing of another pair leaks).
    raise NotFound("Meeting %(id)s does not exist.", params={"id": meeting_id})


def _require_held(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ValidationFailed("Only a meeting of the published agenda can be reported on.")

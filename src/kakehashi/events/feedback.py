"""Feedback right after a meeting (four options and a comment), seen by the agencies only: a member
sends its own, and sees only that it was sent. "Did not take place" also reports the meeting as not
held (so it counts as a no-show)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, PermissionDenied, StaleVersion, ValidationFailed
from kakehashi.events.agenda_access import event_or_404, require_organiser
from kakehashi.events.agenda_models import Feedback, Meeting
from kakehashi.events.meeting_access import side_of
from kakehashi.events.models import Registration
from kakehashi.events.outcomes import report_outcome
from kakehashi.events.vocab import FeedbackRating, Outcome
from kakehashi.limits import NOTE_MAX, has_control_characters
from kakehashi.pipeline import from_meetings
from kakehashi.profiles.models import Organisation
from kakehashi.store.base import utcnow


@dataclass(frozen=True, slots=True)
class InterestWish:
    """Feedback that also expresses interest: in this opportunity of the counterpart (None: its first
    published one), with a note the counterpart reads (the feedback's comment stays with the agencies)."""

    opportunity_id: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class FeedbackView:
    id: int
    meeting_id: int
    registration_id: int
    organisation_name: str
    counterpart_name: str
    rating: str
    comment: str
    at: datetime
    version: int


def check_text(field: str, text: str) -> str:
    if len(text) > NOTE_MAX:
        raise ValidationFailed(
            "The answer was not saved.",
            problems=[FieldProblem(field, "Write at most %(max)s characters.", params={"max": NOTE_MAX})],
        )
    if has_control_characters(text, multi_line=True):
        raise ValidationFailed(
            "The answer was not saved.", problems=[FieldProblem(field, "Control characters are not allowed.")]
        )
    return text.strip()


def give_feedback(
    session: Session,
    actor: Actor,
    event_id: int,
    meeting_id: int,
    *,
    rating: str,
    comment: str = "",
    version: int | None = None,
    interest: InterestWish | None = None,
) -> int:
    """The participant's feedback on its meeting (sent again, it replaces the earlier one); its version.
    With ``interest`` it also expresses interest in the counterpart's opportunity (the pipeline's rules);
    when both sides' feedback says cooperation is possible, the pipeline proposes an introduction."""
    if rating not in tuple(FeedbackRating):
        raise ValidationFailed(
            "The answer was not saved.",
            problems=[FieldProblem("rating", "Choose one of the four answers.")],
        )
    text = check_text("comment", comment)
    found = side_of(session, actor, event_id, meeting_id, staff_allowed=False)
    assert found.registration_id is not None
    row = session.scalar(
        select(Feedback).where(
            Feedback.meeting_id == meeting_id, Feedback.registration_id == found.registration_id
        )
    )
    if row is None:
        row = Feedback(meeting_id=meeting_id, registration_id=found.registration_id, rating=rating)
        session.add(row)
    elif version is not None and row.version != version:
        raise StaleVersion("Your feedback was changed meanwhile; nothing was saved.")
    row.rating, row.comment, row.by_id, row.at = rating, text, actor.user_id, utcnow()
    session.flush()
    if rating == FeedbackRating.NOT_HELD:
        report_outcome(session, actor, event_id, meeting_id, outcome=Outcome.NO_SHOW)
    if interest is not None:
        from_meetings.interest_from_feedback(
            session,
            actor,
            found.meeting,
            found.registration_id,
            opportunity_id=interest.opportunity_id,
            note=interest.note,
        )
    from_meetings.consider_meeting(session, meeting_id, actor_user_id=actor.user_id)
    return row.version


def sent_feedback(session: Session, actor: Actor, registration_id: int) -> set[int]:
    """Meetings the actor's registration gave feedback on (whether, never what)."""
    registration = session.get(Registration, registration_id)
    if registration is None or not actor.belongs_to(registration.organisation_id):
        return set()
    return set(
        session.scalars(select(Feedback.meeting_id).where(Feedback.registration_id == registration_id))
    )


def event_feedback(session: Session, actor: Actor, event_id: int) -> list[FeedbackView]:
    """Every feedback of the event: the organising agencies only."""
    event = event_or_404(session, event_id)
    if not actor.is_staff:
        raise PermissionDenied("Feedback is seen by the agencies only.")
    require_organiser(actor, event)
    own, other = aliased(Registration), aliased(Registration)
    own_org, other_org = aliased(Organisation), aliased(Organisation)
    rows = session.execute(
        select(Feedback, own_org.name, other_org.name)
        .join(Meeting, Meeting.id == Feedback.meeting_id)
        .join(own, own.id == Feedback.registration_id)
        .join(own_org, own_org.id == own.organisation_id)
        .join(
            other,
            (other.id == Meeting.registration_a_id) & (Meeting.registration_a_id != Feedback.registration_id)
            | (other.id == Meeting.registration_b_id)
            & (Meeting.registration_b_id != Feedback.registration_id),
        )
        .join(other_org, other_org.id == other.organisation_id)
        .where(Meeting.event_id == event.id)
        .order_by(Meeting.slot, Feedback.id)
    ).all()
    return [
        FeedbackView(
            f.id, f.meeting_id, f.registration_id, name, counterpart, f.rating, f.comment, f.at, f.version
        )
        for f, name, counterpart in rows
    ]

"""The follow-up question, months after a meeting: "what came of it?" (no further contact / valuable
contact / negotiation started / agreement reached). A periodic job asks each side of every meeting that
happened long enough ago, once; the answers are stored for the agencies (and will feed the
introductions pipeline: when both sides want to continue, ``FollowUp.introduction_id`` is the
introduction proposed from the meeting, see :mod:`kakehashi.pipeline.from_meetings`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from kakehashi.events import agenda_notices as notices
from kakehashi.events.agenda_access import event_or_404, require_organiser
from kakehashi.events.agenda_models import FollowUp, Meeting
from kakehashi.events.feedback import check_text
from kakehashi.events.meeting_access import side_of
from kakehashi.events.models import Event
from kakehashi.events.vocab import FollowUpAnswer, MeetingStatus, Outcome
from kakehashi.pipeline import from_meetings
from kakehashi.store import Database
from kakehashi.store.base import utcnow

if TYPE_CHECKING:
    from kakehashi.jobs.registry import JobContext

JOB_NAME = "event-followups"
CRON = "0 7 * * *"  # every morning (UTC); each question is asked once, whenever the job runs
AFTER_DAYS_DEFAULT = 90
AFTER_DAYS_MAX = 730


@dataclass(frozen=True, slots=True)
class FollowUpView:
    id: int
    meeting_id: int
    registration_id: int
    asked_at: datetime
    answer: str | None
    comment: str
    answered_at: datetime | None
    version: int
    introduction_id: int | None = None


def ask_due(session: Session, *, now: datetime, after_days: int) -> int:
    """Ask both sides of every meeting held at least ``after_days`` ago that were not asked yet; how many
    questions were asked. A no-show is not asked about."""
    before = now - timedelta(days=after_days)
    meetings = session.scalars(
        select(Meeting).where(
            Meeting.status == MeetingStatus.PUBLISHED,
            Meeting.ends_at <= before,
            (Meeting.outcome.is_(None)) | (Meeting.outcome != Outcome.NO_SHOW),
        )
    ).all()
    asked = {
        (row.meeting_id, row.registration_id)
        for row in session.scalars(select(FollowUp).where(FollowUp.meeting_id.in_([m.id for m in meetings])))
    }
    count = 0
    for meeting in meetings:
        event = session.get(Event, meeting.event_id)
        assert event is not None
        for registration_id in (meeting.registration_a_id, meeting.registration_b_id):
            if (meeting.id, registration_id) in asked:
                continue
            session.add(FollowUp(meeting_id=meeting.id, registration_id=registration_id, asked_at=now))
            session.flush()
            notices.follow_up_question(session, event, meeting, registration_id)
            count += 1
    return count


def send_follow_ups(context: JobContext, *, after_days: int = AFTER_DAYS_DEFAULT) -> None:
    """The periodic job (``event-followups``)."""
    run_follow_ups(context.database, after_days=after_days)


def run_follow_ups(database: Database, *, after_days: int = AFTER_DAYS_DEFAULT) -> int:
    if not 0 <= after_days <= AFTER_DAYS_MAX:
        raise ValidationFailed(
            "The follow-up questions were not sent.",
            problems=[
                FieldProblem(
                    "after_days", "Between %(min)s and %(max)s.", params={"min": 0, "max": AFTER_DAYS_MAX}
                )
            ],
        )
    with database.session() as session:
        return ask_due(session, now=utcnow(), after_days=after_days)


def answer_follow_up(
    session: Session, actor: Actor, event_id: int, meeting_id: int, *, answer: str, comment: str = ""
) -> FollowUpView:
    if answer not in tuple(FollowUpAnswer):
        raise ValidationFailed(
            "The answer was not saved.", problems=[FieldProblem("answer", "Choose one of the four answers.")]
        )
    text = check_text("comment", comment)
    found = side_of(session, actor, event_id, meeting_id, staff_allowed=False)
    row = session.scalar(
        select(FollowUp).where(
            FollowUp.meeting_id == meeting_id, FollowUp.registration_id == found.registration_id
        )
    )
    if row is None:
        raise NotFound("This meeting has no follow-up question for you yet.")
    row.answer, row.comment, row.answered_at, row.answered_by_id = answer, text, utcnow(), actor.user_id
    session.flush()
    # Both sides want to continue: the pipeline proposes an introduction linked to the meeting.
    from_meetings.consider_meeting(session, meeting_id, actor_user_id=actor.user_id)
    session.refresh(row)
    return _view(row)


def _view(row: FollowUp) -> FollowUpView:
    return FollowUpView(
        row.id,
        row.meeting_id,
        row.registration_id,
        row.asked_at,
        row.answer,
        row.comment,
        row.answered_at,
        row.version,
        row.introduction_id,
    )


def event_follow_ups(session: Session, actor: Actor, event_id: int) -> list[FollowUpView]:
    event = event_or_404(session, event_id)
    if not actor.is_staff:
        raise PermissionDenied("Follow-up answers are seen by the agencies only.")
    require_organiser(actor, event)
    rows = session.scalars(
        select(FollowUp).join(Meeting, Meeting.id == FollowUp.meeting_id).where(Meeting.event_id == event.id)
    ).all()
    return [_view(row) for row in rows]

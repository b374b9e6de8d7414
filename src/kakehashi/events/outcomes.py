"""Per meeting, one tap "it happened" / "it did not happen" by either side or the staff. A "did not
happen" from anyone wins: the meeting is then a no-show, whatever else was reported."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.events.agenda_models import Meeting, OutcomeReport
from kakehashi.events.meeting_access import side_of
from kakehashi.events.vocab import Outcome
from kakehashi.store.base import utcnow


def report_outcome(
    session: Session,
    actor: Actor,
    event_id: int,
    meeting_id: int,
    *,
    outcome: str,
    absent_registration_id: int | None = None,
) -> str:
    """Record the actor's side's report; the meeting's outcome as it now stands."""
    if outcome not in tuple(Outcome):
        raise ValidationFailed(
            "The report was not saved.",
            problems=[FieldProblem("outcome", "Choose happened or no_show.")],
        )
    found = side_of(session, actor, event_id, meeting_id)
    meeting = found.meeting
    if absent_registration_id is not None and absent_registration_id not in (
        meeting.registration_a_id,
        meeting.registration_b_id,
    ):
        raise ValidationFailed(
            "The report was not saved.",
            problems=[FieldProblem("absent_registration_id", "Not a participant of this meeting.")],
        )
    row = session.scalar(
        select(OutcomeReport).where(OutcomeReport.meeting_id == meeting.id, OutcomeReport.side == found.side)
    )
    if row is None:
        row = OutcomeReport(meeting_id=meeting.id, side=found.side, outcome=outcome)
        session.add(row)
    row.outcome, row.absent_registration_id = outcome, absent_registration_id
    row.by_id, row.at = actor.user_id, utcnow()
    session.flush()
    meeting.outcome = settled_outcome(session, meeting)
    session.flush()
    return meeting.outcome or ""


def settled_outcome(session: Session, meeting: Meeting) -> str | None:
    reports = set(
        session.scalars(select(OutcomeReport.outcome).where(OutcomeReport.meeting_id == meeting.id))
    )
    if Outcome.NO_SHOW in reports:
        return Outcome.NO_SHOW
    if Outcome.HAPPENED in reports:
        return Outcome.HAPPENED
    return None

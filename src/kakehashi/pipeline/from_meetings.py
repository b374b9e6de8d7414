"""From an event meeting into the pipeline.

- **Both sides want to continue.** When both sides of a held meeting say so (a follow-up answer of valuable
  contact, negotiation started or agreement reached; before any follow-up answer, the feedback
  "cooperation possible"), an introduction linked to the meeting is proposed to both organisations and to
  the event's organising agencies, and both sides' follow-ups point at it. Consent is not presumed: the
  introduction starts as *proposed*, and identities in the pipeline are disclosed only when both
  organisations accept it there (the pipeline's rules). One introduction per meeting; an open
  introduction between the same two organisations is linked instead of opening a second one.
- **Interest from meeting feedback.** A participant's feedback may express interest in one of the
  counterpart's published opportunities (an ordinary expression of interest, with its rules).
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import N_, FieldProblem, ValidationFailed
from kakehashi.events.agenda_models import Feedback, FollowUp, Meeting
from kakehashi.events.models import Event, EventOrganiser, Registration
from kakehashi.events.vocab import FeedbackRating, FollowUpAnswer, Outcome
from kakehashi.notifications.notices import notify
from kakehashi.pipeline import interests
from kakehashi.pipeline.models import Interest, Introduction
from kakehashi.pipeline.schemas import InterestInput
from kakehashi.pipeline.vocab import Origin, Stage
from kakehashi.profiles.models import Opportunity
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow

CONTINUE_ANSWERS = frozenset(
    {FollowUpAnswer.VALUABLE_CONTACT, FollowUpAnswer.NEGOTIATION_STARTED, FollowUpAnswer.AGREEMENT_REACHED}
)
PROPOSED_FROM_MEETING = N_(
    "Both sides of a meeting at %(event)s want to continue: the agencies propose introduction %(id)s; "
    "accept it to disclose both identities."
)


def wants_to_continue(answer: str | None, rating: str | None) -> bool:
    """One side's wish, from its latest word: the follow-up answer if it gave one, else its feedback."""
    if answer is not None:
        return answer in CONTINUE_ANSWERS
    return rating == FeedbackRating.COOPERATION_POSSIBLE


def _side_wishes(session: Session, meeting: Meeting) -> list[bool]:
    wishes = []
    for registration_id in (meeting.registration_a_id, meeting.registration_b_id):
        answer = session.scalar(
            select(FollowUp.answer).where(
                FollowUp.meeting_id == meeting.id, FollowUp.registration_id == registration_id
            )
        )
        rating = session.scalar(
            select(Feedback.rating).where(
                Feedback.meeting_id == meeting.id, Feedback.registration_id == registration_id
            )
        )
        wishes.append(wants_to_continue(answer, rating))
    return wishes


def _first_published(session: Session, organisation_id: int) -> int | None:
    return session.scalar(
        select(Opportunity.id)
        .where(Opportunity.organisation_id == organisation_id, Opportunity.status == Status.PUBLISHED.value)
        .order_by(Opportunity.id)
        .limit(1)
    )


def _organisations(session: Session, meeting: Meeting) -> tuple[int, int]:
    rows = dict(
        session.execute(
            select(Registration.id, Registration.organisation_id).where(
                Registration.id.in_([meeting.registration_a_id, meeting.registration_b_id])
            )
        ).all()
    )
    return rows[meeting.registration_a_id], rows[meeting.registration_b_id]


def _open_between(session: Session, org_a: int, org_b: int) -> Introduction | None:
    return session.scalar(
        select(Introduction)
        .where(
            Introduction.stage.notin_([Stage.CLOSED.value]),
            or_(
                and_(Introduction.organisation_a_id == org_a, Introduction.organisation_b_id == org_b),
                and_(Introduction.organisation_a_id == org_b, Introduction.organisation_b_id == org_a),
            ),
        )
        .order_by(Introduction.id)
        .limit(1)
    )


def consider_meeting(session: Session, meeting_id: int, *, actor_user_id: int | None) -> Introduction | None:
    """After a side's feedback or follow-up answer: when both sides want to continue, the introduction
    linked to the meeting (proposed now, or the one already open between them); else None."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.outcome == Outcome.NO_SHOW or not all(_side_wishes(session, meeting)):
        return None
    existing = session.scalar(select(Introduction).where(Introduction.event_meeting_id == meeting.id))
    org_a, org_b = _organisations(session, meeting)
    intro = existing or _open_between(session, org_a, org_b)
    if intro is None:
        intro = _propose(session, meeting, org_a, org_b, actor_user_id=actor_user_id)
    _link_follow_ups(session, meeting.id, intro.id)
    return intro


def _propose(
    session: Session, meeting: Meeting, org_a: int, org_b: int, *, actor_user_id: int | None
) -> Introduction:
    now = utcnow()
    intro = Introduction(
        organisation_a_id=org_a,
        organisation_b_id=org_b,
        opportunity_a_id=_first_published(session, org_a),
        opportunity_b_id=_first_published(session, org_b),
        event_meeting_id=meeting.id,
        origin=Origin.EVENT.value,
        stage=Stage.PROPOSED.value,
        stage_changed_at=now,
    )
    session.add(intro)
    session.flush()
    audit.record(
        session,
        AuditKind.INTRODUCTION_PROPOSED,
        actor_user_id=actor_user_id,
        target=f"introduction:{intro.id}",
        detail={
            "origin": Origin.EVENT.value,
            "event_meeting_id": meeting.id,
            "because": "both_sides_want_to_continue",
            "organisation_a_id": org_a,
            "organisation_b_id": org_b,
        },
    )
    event = session.get(Event, meeting.event_id)
    assert event is not None
    from kakehashi.events.notices import event_title

    agencies = session.scalars(select(EventOrganiser.agency_code).where(EventOrganiser.event_id == event.id))
    notify(
        session,
        kind="intro.proposed",
        message=PROPOSED_FROM_MEETING,
        params={"id": intro.id, "event": event_title(event)},
        link=f"/introductions/{intro.id}",
        organisations=[org_a, org_b],
        agencies=list(agencies),
    )
    return intro


def _link_follow_ups(session: Session, meeting_id: int, introduction_id: int) -> None:
    for row in session.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting_id)):
        if row.introduction_id is None:
            row.introduction_id = introduction_id
    session.flush()


def interest_from_feedback(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    registration_id: int,
    *,
    opportunity_id: int | None,
    note: str,
) -> Interest:
    """The participant's feedback expresses interest in the counterpart's opportunity ``opportunity_id``
    (else its first published one): an ordinary expression of interest, with the pipeline's rules."""
    other = (
        meeting.registration_b_id
        if registration_id == meeting.registration_a_id
        else meeting.registration_a_id
    )
    registration = session.get(Registration, other)
    assert registration is not None
    chosen = opportunity_id or _first_published(session, registration.organisation_id)
    owner = None if chosen is None else session.get(Opportunity, chosen)
    if owner is None or owner.organisation_id != registration.organisation_id:
        raise ValidationFailed(
            "The interest was not expressed.",
            problems=[
                FieldProblem(
                    "interest_opportunity_id", "Choose a published opportunity of the organisation you met."
                )
            ],
        )
    return interests.express(session, actor, InterestInput(opportunity_id=owner.id, note=note))


def event_choices(session: Session, language: str) -> list[tuple[int, str]]:
    """The events an officer may filter the board by (any event past its draft): id and title in
    ``language``, newest first."""
    rows = session.scalars(select(Event).where(Event.status != "draft").order_by(Event.id.desc()).limit(200))
    return [(event.id, event.title(language)) for event in rows]

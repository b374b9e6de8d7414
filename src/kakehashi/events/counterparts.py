"""The participant list as one participant sees it: its best counterparts first, each with the matching
engine's stored explanation (read from ``opportunity_matches``; the model is never called here), its own
mark and the other side's request to it (never the other side's "no thanks")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from kakehashi.accounts.roles import Actor
from kakehashi.errors import InvalidTransition, NotFound, PermissionDenied
from kakehashi.events.models import MeetingRequest, Registration
from kakehashi.events.registrations import organisation_name
from kakehashi.events.requests import REQUESTS, pair_allowed, request_views
from kakehashi.events.schemas import CounterpartView, Reason
from kakehashi.events.service import may_manage, readable_event
from kakehashi.events.vocab import Attendance, RegistrationStatus
from kakehashi.matching.explain import ExplanationData, render_explanation
from kakehashi.matching.tables import OpportunityMatch
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow


@dataclass(frozen=True, slots=True)
class _Best:
    score: float
    ours: int
    theirs: int
    explanation: dict[str, Any] | None
    flipped: bool  # the stored match runs from their opportunity to ours


def viewing_registration(
    session: Session, actor: Actor, event_id: int, registration_id: int | None = None
) -> Registration:
    """The participant whose view this is: the member's own (approved), or any one for its organisers."""
    event = readable_event(session, actor, event_id)
    if registration_id is not None:
        registration = session.get(Registration, registration_id)
        if registration is None or registration.event_id != event.id:
            raise NotFound(
                "Participant %(id)s does not take part in this event.", params={"id": registration_id}
            )
        if not (may_manage(actor, event) or actor.belongs_to(registration.organisation_id)):
            raise PermissionDenied("You can only see the participant list as your own organisation.")
        return registration
    registration = None
    if actor.organisation_id is not None and actor.belongs_to(actor.organisation_id):
        registration = session.scalar(
            select(Registration).where(
                Registration.event_id == event.id, Registration.organisation_id == actor.organisation_id
            )
        )
    if registration is None or registration.status != RegistrationStatus.APPROVED.value:
        raise InvalidTransition("The participant list is open to approved participants of the event.")
    return registration


def counterparts(
    session: Session,
    actor: Actor,
    event_id: int,
    *,
    model_id: str,
    locale: str = "en",
    registration_id: int | None = None,
    now: datetime | None = None,
) -> list[CounterpartView]:
    """Every other approved participant, best match first (then those the rule allows, then by name)."""
    moment = now or utcnow()
    own = viewing_registration(session, actor, event_id, registration_id)
    event = readable_event(session, actor, event_id)
    ours = session.get(Organisation, own.organisation_id)
    assert ours is not None
    others = session.execute(
        select(Registration, Organisation)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.APPROVED.value,
            Registration.id != own.id,
        )
    ).all()
    best = _best_matches(session, model_id, ours.id, [org.id for _, org in others])
    marks = _marks(session, actor, own.id, locale=locale, now=moment)
    views = []
    for registration, org in others:
        match = best.get(org.id)
        mine, theirs = marks.get((own.id, registration.id)), marks.get((registration.id, own.id))
        views.append(
            CounterpartView(
                registration_id=registration.id,
                organisation_id=org.id,
                organisation_name=organisation_name(org, locale),
                country=org.country,
                kind=org.kind,
                sectors=org.sectors,
                languages=registration.languages,
                attendance=Attendance(registration.attendance),
                note=registration.note,
                reason=_reason(match, locale),
                allowed=pair_allowed(event.meeting_rule, ours.country, org.country),
                my_mark=mine,
                their_request=theirs if theirs is not None and theirs.mark in REQUESTS else None,
            )
        )
    views.sort(
        key=lambda v: (
            not v.allowed,
            -(v.reason.score if v.reason is not None else -1.0),
            v.organisation_name.casefold(),
        )
    )
    return views


def _best_matches(session: Session, model_id: str, ours: int, theirs: list[int]) -> dict[int, _Best]:
    """For each of their organisations, the best stored match between one of our published opportunities
    and one of theirs (in either direction)."""
    if not theirs:
        return {}
    source, target = aliased(Opportunity), aliased(Opportunity)
    rows = session.execute(
        select(
            OpportunityMatch.score,
            OpportunityMatch.explanation,
            source.id.label("source_id"),
            source.organisation_id.label("source_org"),
            target.id.label("target_id"),
            target.organisation_id.label("target_org"),
        )
        .join(source, source.id == OpportunityMatch.source_id)
        .join(target, target.id == OpportunityMatch.target_id)
        .where(
            OpportunityMatch.model_id == model_id,
            source.status == Status.PUBLISHED.value,
            target.status == Status.PUBLISHED.value,
            (
                (source.organisation_id == ours) & target.organisation_id.in_(theirs)
                | (target.organisation_id == ours) & source.organisation_id.in_(theirs)
            ),
        )
    ).all()
    best: dict[int, _Best] = {}
    for row in rows:
        flipped = row.target_org == ours
        other = row.source_org if flipped else row.target_org
        candidate = _Best(
            score=float(row.score),
            ours=row.target_id if flipped else row.source_id,
            theirs=row.source_id if flipped else row.target_id,
            explanation=row.explanation,
            flipped=flipped,
        )
        current = best.get(other)
        # Prefer the match stored from our side (its explanation reads "ours ↔ theirs") at equal score.
        if current is None or (candidate.score, not flipped) > (current.score, not current.flipped):
            best[other] = candidate
    return best


def _reason(match: _Best | None, locale: str) -> Reason | None:
    if match is None:
        return None
    summary = ""
    if match.explanation is not None:
        summary = render_explanation(ExplanationData.from_json(match.explanation), locale=locale).summary
    return Reason(
        score=match.score, summary=summary, our_opportunity_id=match.ours, their_opportunity_id=match.theirs
    )


def _marks(
    session: Session, actor: Actor, own_id: int, *, locale: str, now: datetime
) -> dict[tuple[int, int], Any]:
    rows = session.scalars(
        select(MeetingRequest).where(
            (MeetingRequest.from_registration_id == own_id) | (MeetingRequest.to_registration_id == own_id)
        )
    ).all()
    views = request_views(session, actor, rows, locale=locale, now=now)
    return {(v.from_registration_id, v.to_registration_id): v for v in views}
